import type { SingularityRequest } from './singularity';
import { SINGULARITY_STATE_KEYS } from './singularity-state';
import type {
  SingularityDeployHistory, SingularityRequestParent, SingularityTask, SingularityTaskCleanup, SingularityTaskHistory,
  SingularityTaskHistoryItem, SingularityTaskHistoryUpdate, SingularityTaskId,
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
  SingularityTaskIdHistory: ['taskId', 'updatedAt', 'lastTaskState'] as const satisfies readonly (keyof SingularityTaskHistoryItem)[],
  SingularityDeployHistory: ['deploy', 'deployMarker'] as const satisfies readonly (keyof SingularityDeployHistory)[],
  SingularityState: SINGULARITY_STATE_KEYS,
} as const;
