/**
 * Griddle's domain model, shared by the scheduler core, the deploy engine, the REST API and
 * discovery. Everything here is plain data: it is what the state store persists. The
 * Singularity definitions inside the records are wire shapes, so they live in `contract/`;
 * they are re-exported here so the scheduler keeps one place to import its model from.
 */
import type { TaskState, TaskStatusReason } from '../mesos-proto';
import type { DeployResult, RequestState, SingularityDeploy, SingularityRequest } from '../contract';

export type {
  AcceptanceCheck, AcceptanceComparison, AgentPlacement, CanaryDeploySettings, ContainerInfoSpec, DeployAcceptanceMode, DeployFailure, DeployFailureReason, DeployResult, DeployState, DockerPortMapping,
  HealthcheckSpec, RequestState, RequestType, Resources, SingularityDeploy, SingularityRequest,
} from '../contract';

export interface RequestRecord {
  request: SingularityRequest;
  state: RequestState;
  activeDeployId?: string;
  pendingDeployId?: string;
  createdAt: number;
  updatedAt: number;
}

export interface DeployRecord {
  deploy: SingularityDeploy;
  createdAt: number;
  message?: string;
  unpauseOnSuccessfulDeploy?: boolean;
  /** For a rollback: the deploy whose definition this one redeploys. */
  rollbackOf?: string;
  result?: DeployResult;
}

/** One Mesos task Griddle launched (or adopted through reconciliation). */
export interface TaskRecord {
  /**
   * Singularity's `requestId-deployId-startedAt-instanceNo-host-rackId`; tasks launched before
   * 6-part ids keep their 5-part `requestId-deployId-startedAt-instanceNo-host`.
   */
  taskId: string;
  requestId: string;
  deployId: string;
  instanceNo: number;
  agentId: string;
  hostname: string;
  /** The agent's rack (its `rack` attribute, unsanitized); absent on tasks launched before racks were recorded. */
  rackId?: string;
  /** Host ports allocated from the offer, in the deploy's port order. */
  ports: number[];
  startedAt: number;
  updatedAt: number;
  state: TaskState;
  healthy?: boolean;
  reason?: TaskStatusReason;
  message?: string;
  /** Set once Griddle decided to kill the task (drain, then KILL). */
  killRequestedAt?: number;
  /** Why Griddle decided to kill the task. */
  killReason?: string;
  /** When the task was first reported TASK_RUNNING. */
  runningSince?: number;
  /** The TaskInfo as launched (Mesos JSON mapping), for the API's mesosTask and for discovery. */
  taskInfo?: unknown;
  /** The status updates that changed the task, oldest first; only the last few (status-notes.ts). */
  updates?: TaskUpdateNote[];
  /** The health changes the executor reported, oldest first; only the last few (status-notes.ts). */
  healthResults?: HealthResultNote[];
}

/** One status update as the task's history shows it: Singularity's `SingularityTaskHistoryUpdate`. */
export interface TaskUpdateNote {
  state: TaskState;
  /** Epoch ms: the update's own Mesos timestamp, else when it arrived. */
  at: number;
  message?: string;
  reason?: TaskStatusReason;
}

/** A health change reported by the executor (TaskStatus.healthy): Singularity's health check result. */
export interface HealthResultNote {
  at: number;
  healthy: boolean;
  message?: string;
}

/** What the scheduler core keeps running: per request and deploy, this many instances. */
export interface DesiredDeployment {
  requestId: string;
  deployId: string;
  instances: number;
  /**
   * At most this many non-terminal tasks of the whole request at once, whatever their deploy or
   * state (STAGING, being killed, UNREACHABLE): a rollout's bound of instances + step. The
   * smallest one given for a request applies.
   */
  maxLiveTasks?: number;
}
