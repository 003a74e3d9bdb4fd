/**
 * Singularity's disaster and usage shapes (DisastersResource, UsageResource), with its field
 * names so the Java client's classes read them unchanged.
 */

/** SingularityDisasterType. LOST_SLAVES is the older name of LOST_AGENTS; both are accepted. */
export const DISASTER_TYPES = ['EXCESSIVE_TASK_LAG', 'LOST_SLAVES', 'LOST_AGENTS', 'LOST_TASKS', 'USER_INITIATED'] as const;
export type SingularityDisasterType = (typeof DISASTER_TYPES)[number];

/** SingularityAction, with whether it may be disabled (Singularity's `canDisable`). */
export const SINGULARITY_ACTIONS = {
  BOUNCE_REQUEST: true, SCALE_REQUEST: true, PRIORITY_REQUEST: true, REMOVE_REQUEST: true, CREATE_REQUEST: true,
  UPDATE_REQUEST: true, VIEW_REQUEST: false, PAUSE_REQUEST: false, KILL_TASK: true, BOUNCE_TASK: true,
  RUN_SHELL_COMMAND: true, ADD_METADATA: true, DEPLOY: true, CANCEL_DEPLOY: true, ADD_WEBHOOK: true,
  REMOVE_WEBHOOK: true, VIEW_WEBHOOKS: false, TASK_RECONCILIATION: true, STARTUP_TASK_RECONCILIATION: true,
  RUN_HEALTH_CHECKS: true, ADD_DISASTER: false, REMOVE_DISASTER: false, DISABLE_ACTION: false, ENABLE_ACTION: false,
  VIEW_DISASTERS: false, FREEZE_SLAVE: true, FREEZE_AGENT: true, ACTIVATE_SLAVE: true, ACTIVATE_AGENT: true,
  DECOMMISSION_SLAVE: true, DECOMMISSION_AGENT: true, VIEW_SLAVES: false, VIEW_AGENTS: false, FREEZE_RACK: true,
  ACTIVATE_RACK: true, DECOMMISSION_RACK: true, VIEW_RACKS: false, SEND_EMAIL: true, PROCESS_OFFERS: true,
  CACHE_OFFERS: true, EXPENSIVE_API_CALLS: true, RUN_CLEANUP_POLLER: true, RUN_DEPLOY_POLLER: true,
  RUN_SCHEDULER_POLLER: true, RUN_EXPIRING_ACTION_POLLER: true, RUN_UPSTREAM_POLLER: true, TASK_SHUFFLE: true,
} as const;
export type SingularityAction = keyof typeof SINGULARITY_ACTIONS;

export interface SingularityDisasterDataPoint {
  timestamp: number;
  numActiveTasks: number;
  numPendingTasks: number;
  numLateTasks: number;
  avgTaskLagMillis: number;
  numLostTasks: number;
  numActiveAgents: number;
  numLostAgents: number;
  /** The same counts under Singularity's older names. */
  numActiveSlaves: number;
  numLostSlaves: number;
}

export interface SingularityDisaster { type: SingularityDisasterType; active: boolean }

export interface SingularityDisastersData {
  stats: SingularityDisasterDataPoint[];
  disasters: SingularityDisaster[];
  automatedActionsDisabled: boolean;
}

export interface SingularityDisabledAction {
  type: SingularityAction;
  message: string;
  user: string | null;
  automaticallyClearable: boolean;
  expiresAt: number | null;
}

/** SingularityClusterUtilization. */
export interface SingularityClusterUtilization {
  numRequestsWithUnderUtilizedCpu: number;
  numRequestsWithOverUtilizedCpu: number;
  numRequestsWithUnderUtilizedMemBytes: number;
  numRequestsWithUnderUtilizedDiskBytes: number;
  totalUnderUtilizedCpu: number;
  totalOverUtilizedCpu: number;
  totalUnderUtilizedMemBytes: number;
  totalUnderUtilizedDiskBytes: number;
  avgUnderUtilizedCpu: number;
  avgOverUtilizedCpu: number;
  avgUnderUtilizedMemBytes: number;
  avgUnderUtilizedDiskBytes: number;
  maxUnderUtilizedCpu: number;
  maxOverUtilizedCpu: number;
  maxUnderUtilizedMemBytes: number;
  maxUnderUtilizedDiskBytes: number;
  maxUnderUtilizedCpuRequestId: string | null;
  maxOverUtilizedCpuRequestId: string | null;
  maxUnderUtilizedMemBytesRequestId: string | null;
  maxUnderUtilizedDiskBytesRequestId: string | null;
  minUnderUtilizedCpu: number;
  minOverUtilizedCpu: number;
  minUnderUtilizedMemBytes: number;
  minUnderUtilizedDiskBytes: number;
  totalMemBytesUsed: number;
  totalMemBytesAvailable: number;
  totalDiskBytesUsed: number;
  totalDiskBytesAvailable: number;
  totalCpuUsed: number;
  totalCpuAvailable: number;
  timestamp: number;
  /** Griddle's addition: what each request reserves, the figures the totals are made of. */
  requestUtilizations: GriddleRequestReservation[];
}

export interface GriddleRequestReservation {
  requestId: string;
  deployId: string;
  numTasks: number;
  cpuReserved: number;
  memBytesReserved: number;
  diskBytesReserved: number;
  /** Measured use of the tasks measured so far (cpus: a rate, from two samples), or null before any measurement; disk is never measured (Docker reports none). */
  cpuUsed: number | null;
  memBytesUsed: number | null;
  diskBytesUsed: number | null;
}
