import type { SingularityDeployMarker } from './singularity-views';

/**
 * `GET /state`: every field of Singularity's SingularityState (its JSON: constructor fields and
 * getters, the old `slave` and misspelled `decomissioning` names included, since clients still
 * read them). Which ones Griddle counts and which are 0/[]/null because the concept does not
 * exist in Griddle yet is listed in docs/api.md.
 */
export const SINGULARITY_STATE_KEYS = [
  'activeTasks', 'launchingTasks', 'activeRequests', 'cooldownRequests', 'pausedRequests', 'scheduledTasks',
  'pendingRequests', 'lbCleanupTasks', 'lbCleanupRequests', 'cleaningRequests', 'activeSlaves', 'deadSlaves',
  'decommissioningSlaves', 'decomissioningSlaves', 'activeRacks', 'deadRacks', 'decommissioningRacks',
  'decomissioningRacks', 'cleaningTasks', 'hostStates', 'oldestDeploy', 'numDeploys', 'oldestDeployStep',
  'activeDeploys', 'lateTasks', 'listLateTasks', 'onDemandLateTasks', 'onDemandListLateTasks', 'futureTasks',
  'maxTaskLag', 'generatedAt', 'overProvisionedRequestIds', 'underProvisionedRequestIds', 'overProvisionedRequests',
  'underProvisionedRequests', 'finishedRequests', 'unknownRacks', 'unknownSlaves', 'authDatastoreHealthy',
  'minimumPriorityLevel', 'avgStatusUpdateDelayMs', 'lastHeartbeatAt', 'activeAgents', 'deadAgents',
  'decommissioningAgents', 'unknownAgents', 'fireAlarm', 'allRequests',
] as const;

type ListKeys = 'hostStates' | 'activeDeploys' | 'listLateTasks' | 'onDemandListLateTasks' | 'overProvisionedRequestIds' | 'underProvisionedRequestIds';
type NullableKeys = 'authDatastoreHealthy' | 'minimumPriorityLevel' | 'fireAlarm';

export interface SingularityHostState {
  master: boolean;
  uptime: number;
  driverStatus: string;
  millisSinceLastOffer: number | null;
  hostAddress: string;
  hostname: string;
  mesosMaster: string | null;
  mesosConnected: boolean;
  offerCacheSize: number;
  availableCachedCpus: number;
  availableCachedMemory: number;
}

export interface SingularityPendingTaskIdView { requestId: string; deployId: string; nextRunAt: number; instanceNo: number; pendingType: string; createdAt: number; id: string }

export type SingularityState = {
  [K in Exclude<(typeof SINGULARITY_STATE_KEYS)[number], ListKeys | NullableKeys>]: number;
} & {
  hostStates: SingularityHostState[];
  activeDeploys: SingularityDeployMarker[];
  listLateTasks: SingularityPendingTaskIdView[];
  onDemandListLateTasks: SingularityPendingTaskIdView[];
  overProvisionedRequestIds: string[];
  underProvisionedRequestIds: string[];
  authDatastoreHealthy: boolean | null;
  minimumPriorityLevel: number | null;
  fireAlarm: null;
};

/** Griddle's own fields beside Singularity's (kept from before the full field set). */
export interface GriddleStateExtras {
  pendingTasks: { requestId: string; deployId: string; missing: number; reason: string }[];
  leader: { isLeader: boolean };
}
