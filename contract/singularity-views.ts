/**
 * What the API answers with: Singularity's read shapes (SingularityRequestParent,
 * SingularityTask, SingularityTaskId, SingularityDeployHistory ...). Fields Singularity always
 * writes are required here, since clients such as Nmesos fail without them; Griddle's own
 * fields sit beside Singularity's and are marked.
 */
import type { TaskState, TaskStatusReason } from '../mesos-proto';
import type { SingularityExpiringFields } from './expiring';
import type {
  AgentPlacement, DeployFailureReason, DeployState, RequestState, SingularityDeploy, SingularityRequest,
} from './singularity';

/** A request as served: the pre-1.0 `slave*` spellings are served beside the `agent*` ones. */
export interface SingularityRequestView extends SingularityRequest {
  agentPlacement: AgentPlacement;
  slavePlacement: AgentPlacement;
  requiredAgentAttributes: Record<string, string>;
  requiredSlaveAttributes: Record<string, string>;
  allowedAgentAttributes: Record<string, string>;
  allowedSlaveAttributes: Record<string, string>;
}

export type SingularityDeployView = SingularityDeploy & { env: Record<string, string> };

/**
 * Singularity serves `host` and `rackId` as the sanitized values (its getters return them), so
 * `formatTaskId` over these fields rebuilds `id` (legacy 5-part ids: see contract/task-id.ts).
 */
export interface SingularityTaskId {
  id: string;
  requestId: string;
  deployId: string;
  startedAt: number;
  instanceNo: number;
  host: string;
  sanitizedHost: string;
  rackId: string;
  sanitizedRackId: string;
}

export interface SingularityDeployMarker { requestId: string; deployId: string; timestamp: number; message?: string; user?: string }

export interface SingularityPendingDeployState {
  deployMarker: SingularityDeployMarker;
  currentDeployState: DeployState;
  deployProgress: Record<string, unknown>;
}

export interface SingularityRequestParent extends SingularityExpiringFields {
  request: SingularityRequestView;
  state: RequestState;
  requestDeployState: { requestId: string; activeDeploy?: SingularityDeployMarker; pendingDeploy?: SingularityDeployMarker };
  activeDeploy?: SingularityDeployView;
  pendingDeploy?: SingularityDeployView;
  pendingDeployState?: SingularityPendingDeployState;
  taskIds: { healthy: SingularityTaskId[]; notYetHealthy: SingularityTaskId[]; pending: SingularityTaskId[]; cleaning: SingularityTaskId[] };
  /** Griddle: queued or running one-shot runs of ON_DEMAND, RUN_ONCE and SCHEDULED requests. */
  openRuns?: number;
}

interface OfferView { hostname: string; agentId: { value: string }; slaveId: { value: string } }

export interface SingularityTask {
  taskId: SingularityTaskId;
  taskRequest: {
    request?: SingularityRequestView;
    deploy?: SingularityDeployView;
    pendingTask: { pendingTaskId: { requestId: string; deployId: string; instanceNo: number; createdAt: number } };
  };
  offer: OfferView;
  offers: OfferView[];
  /** The Mesos TaskInfo in camelCase. */
  mesosTask: unknown;
  /** The agent's rack as it came (unsanitized), DEFAULT without one. */
  rackId: string;
  agentId: { value: string };
  /** Griddle: */
  state: TaskState;
  healthy?: boolean;
  ports: number[];
  killRequestedAt?: number;
}

export interface SingularityTaskHistoryItem {
  taskId: SingularityTaskId;
  updatedAt: number;
  lastTaskState: TaskState;
  message?: string;
  reason?: TaskStatusReason;
}

export interface SingularityDeployResult {
  deployState: DeployState;
  message?: string;
  deployFailures: { reason: DeployFailureReason; message?: string; taskId?: SingularityTaskId }[];
  timestamp: number;
}

export interface SingularityDeployHistory {
  deploy: SingularityDeployView;
  deployMarker: SingularityDeployMarker;
  deployResult?: SingularityDeployResult;
  /** Griddle: */
  rollbackOf?: string;
  unpauseOnSuccessfulDeploy?: boolean;
  deployProgress?: Record<string, unknown>;
}

/** Why a task is being killed (Singularity's TaskCleanupType, the values Griddle produces). */
export type TaskCleanupType =
  | 'USER_REQUESTED' | 'USER_REQUESTED_DESTROY' | 'USER_REQUESTED_TASK_BOUNCE'
  | 'BOUNCING' | 'DEPLOY_CANCELED' | 'DEPLOY_FAILED' | 'DEPLOY_STEP_FINISHED' | 'NEW_DEPLOY_SUCCEEDED' | 'PAUSING'
  | 'REQUEST_DELETING' | 'SCALING_DOWN' | 'UNHEALTHY_NEW_TASK' | 'OVERDUE_NEW_TASK';

/** Singularity's ExtendedTaskState: Mesos's states plus LAUNCHED and CLEANING. */
export type ExtendedTaskState = TaskState | 'TASK_LAUNCHED' | 'TASK_CLEANING';

/** `DELETE /tasks/task/{id}` answers this (409 with the existing one when a kill is under way). */
export interface SingularityTaskCleanup {
  user?: string;
  cleanupType: TaskCleanupType;
  timestamp: number;
  taskId: SingularityTaskId;
  message?: string;
  actionId?: string;
}

export interface SingularityTaskHistoryUpdate {
  taskId: SingularityTaskId;
  timestamp: number;
  /** A Mesos task state, or Singularity's TASK_CLEANING while a kill is under way. */
  taskState: ExtendedTaskState;
  statusMessage?: string;
  statusReason?: string;
  previous: SingularityTaskHistoryUpdate[];
}

/**
 * A health check result. Griddle's executor reports health changes (TaskStatus.healthy with its
 * message), not every probe: `statusCode` is there when the message names one.
 */
export interface SingularityTaskHealthcheckResult {
  taskId: SingularityTaskId;
  timestamp: number;
  statusCode?: number;
  durationMillis?: number;
  responseBody?: string;
  errorMessage?: string;
  /** Before the task was first healthy. */
  startup: boolean;
}

/** `GET /history/task/{id}`. Lists Griddle has no source for yet are served empty. */
export interface SingularityTaskHistory {
  task: SingularityTask;
  taskUpdates: SingularityTaskHistoryUpdate[];
  healthcheckResults: SingularityTaskHealthcheckResult[];
  loadBalancerUpdates: unknown[];
  shellCommandHistory: unknown[];
  taskMetadata: unknown[];
  /** The sandbox directory on the agent, when the agent could tell. */
  directory: string | null;
  containerId: string | null;
  /** Griddle: the last known state, as in the task history list. */
  lastTaskState: TaskState;
}

/** The body of every 4xx/5xx answer. */
export interface ApiErrorBody { message: string; errors?: { field: string; message: string }[] }
