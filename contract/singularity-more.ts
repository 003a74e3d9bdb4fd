/**
 * More of Singularity's read shapes: request history, pending (scheduled) tasks, task states,
 * crash loops, request groups, cleanups, paginated answers and the state views. Field names are
 * Singularity's (SingularityBase models); Optional fields are left out when empty, as Jackson
 * does with Griddle's other answers.
 */
import type { RequestState, Resources, SingularityRequest } from './singularity';
import type {
  ExtendedTaskState, SingularityDeployView, SingularityRequestParent, SingularityRequestView, SingularityTaskHistoryUpdate,
  SingularityTaskId, TaskCleanupType,
} from './singularity-views';

export type RequestHistoryType =
  | 'CREATED' | 'UPDATED' | 'DELETING' | 'DELETED' | 'PAUSED' | 'UNPAUSED' | 'ENTERED_COOLDOWN' | 'EXITED_COOLDOWN'
  | 'FINISHED' | 'DEPLOYED_TO_UNPAUSE' | 'BOUNCED' | 'SCALED' | 'SCALE_REVERTED';

export interface SingularityRequestHistory {
  createdAt: number;
  user: string | null;
  eventType: RequestHistoryType;
  request: SingularityRequest;
  message?: string;
}

export interface SingularityRequestWithState { request: SingularityRequestView; state: RequestState; timestamp: number }
export interface SingularityRequestBatch { requests: SingularityRequestParent[]; notFound: string[] }

export type PendingType =
  | 'IMMEDIATE' | 'ONEOFF' | 'BOUNCE' | 'NEW_DEPLOY' | 'NEXT_DEPLOY_STEP' | 'UNPAUSED' | 'RETRY' | 'UPDATED_REQUEST'
  | 'DECOMISSIONED_SLAVE_OR_RACK' | 'TASK_DONE' | 'STARTUP' | 'CANCEL_BOUNCE' | 'TASK_BOUNCE' | 'DEPLOY_CANCELLED'
  | 'DEPLOY_FAILED' | 'DEPLOY_FINISHED';

export interface SingularityPendingTaskId {
  requestId: string;
  deployId: string;
  nextRunAt: number;
  instanceNo: number;
  pendingType: PendingType;
  createdAt: number;
  /** `requestId-deployId-nextRunAt-instanceNo-pendingType-createdAt` */
  id: string;
}

export interface SingularityPendingTask {
  pendingTaskId: SingularityPendingTaskId;
  cmdLineArgsList?: string[];
  user?: string;
  runId?: string;
  skipHealthchecks?: boolean;
  message?: string;
  resources?: Resources;
  s3UploaderAdditionalFiles: never[];
  envOverrides: Record<string, string>;
  requiredAgentAttributeOverrides: Record<string, string>;
  allowedAgentAttributeOverrides: Record<string, string>;
  extraArtifacts: never[];
}

/** A scheduled task: what the scheduler wants to launch. */
export interface SingularityTaskRequest {
  request: SingularityRequestView;
  deploy?: SingularityDeployView;
  pendingTask: SingularityPendingTask;
  /** Griddle: why it is not running yet (the core's pending reason). */
  pendingReason?: string;
}

export interface SingularityPendingRequest {
  requestId: string;
  deployId?: string;
  timestamp: number;
  pendingType: PendingType;
  user?: string;
  runId?: string;
  message?: string;
  cmdLineArgsList?: string[];
  /** Griddle: instances still to launch for it. */
  missingInstances: number;
}

export type RequestCleanupType = 'DELETING' | 'PAUSING' | 'BOUNCE' | 'INCREMENTAL_BOUNCE';
export interface SingularityRequestCleanup {
  user?: string;
  cleanupType: RequestCleanupType;
  timestamp: number;
  killTasks?: boolean;
  requestId: string;
  deployId?: string;
  message?: string;
}

export interface SingularityKilledTaskIdRecord {
  taskId: SingularityTaskId;
  timestamp: number;
  originalTimestamp: number;
  requestCleanupType?: RequestCleanupType;
  taskCleanupType?: TaskCleanupType;
  retries: number;
}

export interface SingularityTaskIdHistory {
  taskId: SingularityTaskId;
  updatedAt: number;
  lastTaskState: ExtendedTaskState;
  runId?: string;
}

export interface SingularityPaginatedResponse<T> { dataCount: number; pageCount: number; page: number; objects: T[] }

export interface SingularityTaskState {
  taskId?: SingularityTaskId;
  pendingTaskId?: SingularityPendingTaskId;
  runId?: string;
  currentState?: ExtendedTaskState;
  taskHistory: SingularityTaskHistoryUpdate[];
  pending: boolean;
}

export interface SingularityTaskIdsByStatus {
  healthy: SingularityTaskId[];
  notYetHealthy: SingularityTaskId[];
  pending: SingularityPendingTaskId[];
  cleaning: SingularityTaskId[];
  loadBalanced: SingularityTaskId[];
  killed: SingularityTaskId[];
}

export interface SingularityTaskCounts { requestId: string; active: number; pending: number; cleaning: number }

export type CrashLoopType =
  | 'FAST_FAILURE_LOOP' | 'SINGLE_INSTANCE_FAILURE_LOOP' | 'MULTI_INSTANCE_FAILURE' | 'UNEXPECTED_EXITS' | 'OOM'
  | 'SLOW_FAILURES' | 'STARTUP_FAILURE_LOOP';

export interface CrashLoopInfo { requestId: string; deployId: string; start: number; end?: number; type: CrashLoopType }

export interface SingularityRequestGroup { id: string; requestIds: string[]; metadata: Record<string, string> }

export interface SingularityScheduledTasksInfo {
  lateTasks: SingularityPendingTaskId[];
  onDemandLateTasks: SingularityPendingTaskId[];
  numFutureTasks: number;
  maxTaskLag: number;
  timestamp: number;
}

export interface SingularityTaskReconciliationStatistics {
  taskReconciliationStartedAt: number;
  taskReconciliationDurationMillis: number;
  taskReconciliationIterations: number;
  taskReconciliationResponseCount: number;
  taskReconciliationResponseMax: number;
  taskReconciliationResponseMean: number;
  taskReconciliationResponseMin: number;
  taskReconciliationResponseP50: number;
  taskReconciliationResponseP75: number;
  taskReconciliationResponseP95: number;
  taskReconciliationResponseP98: number;
  taskReconciliationResponseP99: number;
  taskReconciliationResponseP999: number;
  taskReconciliationResponseStddev: number;
}

/** One entry of a sandbox directory; `name` is relative to the directory browsed. */
export interface SingularitySandboxFile { name: string; mtime: number; size: number; mode: string }

/** A sandbox directory's listing (`agentHostname` is also written under its old name `slaveHostname`). */
export interface SingularitySandbox {
  files: SingularitySandboxFile[];
  fullPathToRoot: string;
  currentDirectory: string;
  agentHostname: string;
  slaveHostname: string;
}

export interface SingularityUser {
  id: string;
  name?: string;
  email?: string;
  groups: string[];
  scopes: string[];
  authenticated: boolean;
}

/** Who the caller is: `user` absent when no token was presented or tokens are off. */
export interface SingularityUserHolder { user?: SingularityUser; authenticated: boolean; authEnabled: boolean }

export interface SingularityLimits { maxDecommissioningAgents: number }
