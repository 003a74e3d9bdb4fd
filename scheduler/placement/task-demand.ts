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
  /** The executor's own resources, taken from the same offer beside the task's. */
  executor?: ExecutorDemand;
  placement: AgentPlacement;
  requiredAttributes?: Record<string, string>;
  allowedAttributes?: Record<string, string>;
  /** The deploy's desired instance count (OPTIMISTIC's per-agent share, SEPARATE's message). */
  instances: number;
  maxTasksPerOffer?: number;
  /** The request's taskPriorityLevel (0..1): higher is placed first when offers run short. */
  priority?: number;
}

export interface ExecutorDemand { cpus: number; memMb: number; diskMb: number; numPorts: number }

/** What the task and its executor need together from one offer. */
export function totalOf(demand: TaskDemand): ExecutorDemand {
  const e = demand.executor;
  return {
    cpus: demand.cpus + (e?.cpus ?? 0),
    memMb: demand.memMb + (e?.memMb ?? 0),
    diskMb: demand.diskMb + (e?.diskMb ?? 0),
    numPorts: demand.numPorts + (e?.numPorts ?? 0),
  };
}

/** Tasks already running per agent, so placement can spread and separate. */
export interface AgentLoad {
  byRequest: Map<string, number>;
  byDeploy: Map<string, number>;
}

export function emptyLoad(): AgentLoad {
  return { byRequest: new Map(), byDeploy: new Map() };
}
