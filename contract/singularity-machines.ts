/**
 * Singularity's machine (agent and rack) maintenance shapes, its priority freeze and its task
 * shell commands, with Singularity's field names (SingularityAgent, SingularityRack,
 * SingularityMachineStateHistoryUpdate, SingularityPriorityFreeze, SingularityShellCommand…).
 */
import type { SingularityTaskId } from './singularity-views';

/** Singularity's MachineState; Griddle sets ACTIVE, FROZEN and the three decommission states. */
export type MachineState =
  | 'MISSING_ON_STARTUP' | 'ACTIVE' | 'STARTING_DECOMMISSION' | 'DECOMMISSIONING' | 'DECOMMISSIONED' | 'DEAD' | 'FROZEN';

export const MACHINE_STATES: readonly MachineState[] = [
  'MISSING_ON_STARTUP', 'ACTIVE', 'STARTING_DECOMMISSION', 'DECOMMISSIONING', 'DECOMMISSIONED', 'DEAD', 'FROZEN',
];

export interface SingularityMachineStateHistoryUpdate {
  objectId: string;
  state: MachineState;
  timestamp: number;
  user?: string;
  message?: string;
}

export interface SingularityAgent {
  id: string;
  /** Singularity's pre-1.3 name of `id`, still written beside it. */
  slaveId: string;
  host: string;
  rackId: string;
  attributes: Record<string, string>;
  firstSeenAt: number;
  currentState: SingularityMachineStateHistoryUpdate;
}

export interface SingularityRack {
  id: string;
  rackId: string;
  firstSeenAt: number;
  currentState: SingularityMachineStateHistoryUpdate;
}

/** The optional body of freeze, decommission and activate. */
export interface SingularityMachineChangeRequest {
  message?: string;
  actionId?: string;
  durationMillis?: number;
  revertToState?: MachineState;
  killTasksOnDecommissionTimeout?: boolean;
}

/** A machine state change with a duration: when it is up, the machine goes to `revertToState`. */
export interface SingularityExpiringMachineState {
  machineId: string;
  user?: string;
  startMillis: number;
  actionId: string;
  expiringAPIRequestObject: SingularityMachineChangeRequest;
  revertToState: MachineState;
  killTasksOnDecommissionTimeout: boolean;
}

export interface SingularityPriorityFreeze {
  minimumPriorityLevel: number;
  killTasks: boolean;
  message?: string;
  actionId?: string;
}

export interface SingularityPriorityFreezeParent {
  priorityFreeze: SingularityPriorityFreeze;
  timestamp: number;
  user?: string;
}

export interface SingularityShellCommand {
  name: string;
  options?: string[];
  user?: string;
  logfileName?: string;
}

export interface SingularityTaskShellCommandRequest {
  taskId: SingularityTaskId;
  user?: string;
  timestamp: number;
  shellCommand: SingularityShellCommand;
}

export type ShellCommandUpdateType = 'INVALID' | 'ACKED' | 'STARTED' | 'FINISHED' | 'FAILED';

export interface SingularityTaskShellCommandRequestId { taskId: SingularityTaskId; name: string; timestamp: number }

export interface SingularityTaskShellCommandUpdate {
  shellRequestId: SingularityTaskShellCommandRequestId;
  timestamp: number;
  message?: string;
  outputFilename?: string;
  updateType: ShellCommandUpdateType;
}

export interface SingularityTaskShellCommandHistory {
  shellRequest: SingularityTaskShellCommandRequest;
  shellUpdates: SingularityTaskShellCommandUpdate[];
}
