import type { AgentPlacement } from '../model';

/** What one pending task needs from an offer; tasks of one deploy share the same `group`. */
export interface TaskDemand {
  /** Unique per pending task, e.g. `requestId/deployId/instanceNo`. */
  key: string;
  /** Tasks with the same group (a deploy) have identical needs. */
  group: string;
  requestId: string;
  deployId: string;
  cpus: number;
  memMb: number;
  diskMb: number;
  /** Ports taken from the offered ranges. */
  numPorts: number;
  /** Literal host ports the task must get. */
  hostPorts: number[];
  placement: AgentPlacement;
  requiredAttributes?: Record<string, string>;
  allowedAttributes?: Record<string, string>;
  /** The deploy's desired instance count (OPTIMISTIC's per-agent share, SEPARATE's message). */
  instances: number;
  maxTasksPerOffer?: number;
}

/** Tasks already running per agent, so placement can spread and separate. */
export interface AgentLoad {
  byRequest: Map<string, number>;
  byDeploy: Map<string, number>;
}

export function emptyLoad(): AgentLoad {
  return { byRequest: new Map(), byDeploy: new Map() };
}
