import type { SingularityRequest } from './singularity';
import type {
  CrashLoopInfo, SingularityPaginatedResponse, SingularityPendingRequest, SingularityPendingTaskId, SingularityRequestBatch,
  SingularityRequestCleanup, SingularityRequestGroup, SingularityRequestHistory, SingularityRequestWithState,
  SingularityScheduledTasksInfo, SingularityTaskCounts, SingularityTaskIdsByStatus, SingularityTaskReconciliationStatistics,
  SingularityTaskRequest, SingularityTaskState, SingularitySandbox, SingularityUserHolder, SingularityLimits,
} from './singularity-more';
import type { SingularityS3Log, SingularityS3LogMetadata, SingularityS3SearchResult } from './singularity-logs';
import { SINGULARITY_STATE_KEYS } from './singularity-state';
import type { SingularityRequestUtilization } from './singularity-usage';
import type {
  ApiErrorBody, SingularityDeployHistory, SingularityRequestParent, SingularityTask, SingularityTaskCleanup, SingularityTaskHistory,
  SingularityTaskHealthcheckResult, SingularityTaskHistoryItem, SingularityTaskHistoryUpdate, SingularityTaskId,
} from './singularity-views';

/**
 * The members every answer of a shape carries, with Singularity's names: what a client may read
 * without checking. Tied to the types (`satisfies`), so a renamed field breaks the build here,
 * and used by the contract tests (test/contract/) to check what the API sends.
 */
export const SHAPE_KEYS = {
  SingularityRequest: ['id', 'requestType'] as const satisfies readonly (keyof SingularityRequest)[],
  SingularityRequestParent: ['request', 'state', 'requestDeployState', 'taskIds'] as const satisfies readonly (keyof SingularityRequestParent)[],
  SingularityTaskId: ['id', 'requestId', 'deployId', 'startedAt', 'instanceNo', 'host', 'sanitizedHost', 'rackId', 'sanitizedRackId'] as const satisfies readonly (keyof SingularityTaskId)[],
  SingularityTask: ['taskId', 'taskRequest', 'offers', 'mesosTask', 'rackId'] as const satisfies readonly (keyof SingularityTask)[],
  SingularityTaskCleanup: ['cleanupType', 'timestamp', 'taskId'] as const satisfies readonly (keyof SingularityTaskCleanup)[],
  SingularityTaskHistory: [
    'task', 'taskUpdates', 'healthcheckResults', 'loadBalancerUpdates', 'shellCommandHistory', 'taskMetadata', 'directory', 'containerId',
  ] as const satisfies readonly (keyof SingularityTaskHistory)[],
  SingularityTaskHistoryUpdate: ['taskId', 'timestamp', 'taskState', 'previous'] as const satisfies readonly (keyof SingularityTaskHistoryUpdate)[],
  SingularityTaskHealthcheckResult: ['taskId', 'timestamp', 'startup'] as const satisfies readonly (keyof SingularityTaskHealthcheckResult)[],
  SingularityTaskIdHistory: ['taskId', 'updatedAt', 'lastTaskState'] as const satisfies readonly (keyof SingularityTaskHistoryItem)[],
  SingularityDeployHistory: ['deploy', 'deployMarker'] as const satisfies readonly (keyof SingularityDeployHistory)[],
  SingularityState: SINGULARITY_STATE_KEYS,
  SingularitySandbox: ['files', 'fullPathToRoot', 'currentDirectory', 'agentHostname', 'slaveHostname'] as const satisfies readonly (keyof SingularitySandbox)[],
  SingularityUserHolder: ['authenticated', 'authEnabled'] as const satisfies readonly (keyof SingularityUserHolder)[],
  SingularityLimits: ['maxDecommissioningAgents'] as const satisfies readonly (keyof SingularityLimits)[],
  SingularityS3LogMetadata: ['key', 'lastModified', 'size'] as const satisfies readonly (keyof SingularityS3LogMetadata)[],
  SingularityS3Log: ['key', 'lastModified', 'size', 'getUrl', 'downloadUrl'] as const satisfies readonly (keyof SingularityS3Log)[],
  SingularityS3SearchResult: ['continuationTokens', 'lastPage', 'results'] as const satisfies readonly (keyof SingularityS3SearchResult)[],
  ApiErrorBody: ['message'] as const satisfies readonly (keyof ApiErrorBody)[],
  SingularityRequestBatch: ['requests', 'notFound'] as const satisfies readonly (keyof SingularityRequestBatch)[],
  SingularityRequestWithState: ['request', 'state', 'timestamp'] as const satisfies readonly (keyof SingularityRequestWithState)[],
  SingularityPendingRequest: ['requestId', 'timestamp', 'pendingType'] as const satisfies readonly (keyof SingularityPendingRequest)[],
  SingularityRequestCleanup: ['cleanupType', 'timestamp', 'requestId'] as const satisfies readonly (keyof SingularityRequestCleanup)[],
  CrashLoopInfo: ['requestId', 'deployId', 'start', 'type'] as const satisfies readonly (keyof CrashLoopInfo)[],
  SingularityRequestGroup: ['id', 'requestIds', 'metadata'] as const satisfies readonly (keyof SingularityRequestGroup)[],
  SingularityRequestHistory: ['createdAt', 'user', 'eventType', 'request'] as const satisfies readonly (keyof SingularityRequestHistory)[],
  SingularityPaginatedResponse: ['dataCount', 'pageCount', 'page', 'objects'] as const satisfies readonly (keyof SingularityPaginatedResponse<unknown>)[],
  SingularityPendingTaskId: ['requestId', 'deployId', 'nextRunAt', 'instanceNo', 'pendingType', 'createdAt', 'id'] as const satisfies readonly (keyof SingularityPendingTaskId)[],
  SingularityTaskRequest: ['request', 'deploy', 'pendingTask'] as const satisfies readonly (keyof SingularityTaskRequest)[],
  SingularityTaskIdsByStatus: ['healthy', 'notYetHealthy', 'pending', 'cleaning', 'loadBalanced', 'killed'] as const satisfies readonly (keyof SingularityTaskIdsByStatus)[],
  SingularityTaskCounts: ['requestId', 'active', 'pending', 'cleaning'] as const satisfies readonly (keyof SingularityTaskCounts)[],
  SingularityTaskState: ['taskHistory', 'pending'] as const satisfies readonly (keyof SingularityTaskState)[],
  SingularityScheduledTasksInfo: ['lateTasks', 'onDemandLateTasks', 'numFutureTasks', 'maxTaskLag', 'timestamp'] as const satisfies readonly (keyof SingularityScheduledTasksInfo)[],
  RequestUtilization: [
    'requestId', 'deployId', 'numTasks', 'cpuUsed', 'cpuReserved', 'memBytesUsed', 'memBytesReserved', 'diskBytesUsed', 'diskBytesReserved',
    'maxCpuUsed', 'minCpuUsed', 'maxMemBytesUsed', 'minMemBytesUsed', 'maxMemTimestamp', 'maxCpusTimestamp', 'cpuBurstRating', 'percentCpuTimeThrottled',
  ] as const satisfies readonly (keyof SingularityRequestUtilization)[],
  SingularityTaskReconciliationStatistics: [
    'taskReconciliationStartedAt', 'taskReconciliationDurationMillis', 'taskReconciliationIterations', 'taskReconciliationResponseCount',
    'taskReconciliationResponseMax', 'taskReconciliationResponseMean', 'taskReconciliationResponseMin', 'taskReconciliationResponseP50',
    'taskReconciliationResponseP75', 'taskReconciliationResponseP95', 'taskReconciliationResponseP98', 'taskReconciliationResponseP99',
    'taskReconciliationResponseP999', 'taskReconciliationResponseStddev',
  ] as const satisfies readonly (keyof SingularityTaskReconciliationStatistics)[],
} as const;
