/**
 * The slim list endpoints (`/api/slim/…`) the web console reads: one row per request or task
 * with only what a table shows, paginated, so a cluster of 1,000 requests and 10,000 tasks
 * loads in one small answer instead of the Singularity-shaped parents.
 */
import type { TaskState } from '../mesos-proto/types';
import type { DeployState, RequestState, RequestType } from './singularity';

/** One page of a list: `items` are `offset`… of `total` matching rows. */
export interface SlimPage<T> {
  items: T[];
  total: number;
  offset: number;
  limit: number;
}

export interface SlimLastDeploy {
  deployId: string;
  state: DeployState;
  message?: string;
  timestamp?: number;
}

/** `GET /api/slim/requests?offset=&limit=&q=&state=&type=&underProvisioned=` */
export interface SlimRequest {
  id: string;
  type: RequestType;
  state: RequestState;
  /** Instances the active deploy should run (0 for jobs that run on demand). */
  desired: number;
  /** Live tasks not being killed. */
  running: number;
  healthy: number;
  activeDeployId?: string;
  pendingDeployId?: string;
  lastDeploy?: SlimLastDeploy;
  underProvisioned: boolean;
  /** Why each pending task of the request waits, as the scheduler recorded it. */
  pendingReasons: string[];
}

/** `GET /api/slim/tasks?requestId=&agentId=&offset=&limit=` (active tasks only). */
export interface SlimTask {
  taskId: string;
  requestId: string;
  deployId: string;
  instanceNo: number;
  host: string;
  agentId: string;
  ports: number[];
  state: TaskState;
  healthy?: boolean;
  startedAt: number;
  updatedAt: number;
  killRequested: boolean;
  reason?: string;
  message?: string;
}

export interface SlimUsed { used: number; total: number }

/** `GET /api/slim/overview`: the cluster at a glance. */
export interface SlimOverview {
  isLeader: boolean;
  agents: number;
  resources: { cpus: SlimUsed; memoryMb: SlimUsed; diskMb: SlimUsed };
  tasksByState: Record<string, number>;
  requests: number;
  underProvisioned: number;
  pendingTasks: number;
  /** The newest event id: a client that loads this and then streams from it misses nothing. */
  lastEventId: number;
}

export interface SlimAgent {
  agentId: string;
  hostname: string;
  attributes: Record<string, string>;
  lastOfferAt: number;
  resources: { cpus: SlimUsed; memoryMb: SlimUsed; diskMb: SlimUsed };
  tasks: number;
}

/**
 * `GET /api/slim/session`: what the presented token may do, so a console shows write actions
 * only to callers that may use them. `open`: tokens are off, everyone may write.
 */
export interface SlimSession {
  authEnabled: boolean;
  /** Whether reads need a token too. */
  readsProtected: boolean;
  scope: 'open' | 'read' | 'deploy' | 'none';
  user?: string;
  /** The Sidecar discovery listener's port on this host, when it listens. */
  discoveryPort?: number;
}

export const SLIM_MAX_LIMIT = 1000;
