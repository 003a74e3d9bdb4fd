import { isTerminalState } from '../../mesos-proto';
import type { AgentOffer } from '../../scheduler/api/cluster-utilization';
import type { TaskRecord } from '../../scheduler/model';

/**
 * The walks of every task that the slim overview and agents list used to make per call, kept
 * as the oracle their kept counts are checked against.
 */

/** Tasks per state, keys in the order the walk meets them. */
export function walkedStates(tasks: Iterable<TaskRecord>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of tasks) out[t.state] = (out[t.state] ?? 0) + 1;
  return out;
}

/** What each agent's live tasks reserve, summed in the walk's order. */
export function walkedReserved(tasks: Iterable<TaskRecord>, reserve: (t: TaskRecord) => AgentOffer): Map<string, AgentOffer & { tasks: number }> {
  const out = new Map<string, AgentOffer & { tasks: number }>();
  for (const t of tasks) {
    if (isTerminalState(t.state)) continue;
    const r = reserve(t);
    const sum = out.get(t.agentId) ?? { cpus: 0, memoryMb: 0, diskMb: 0, tasks: 0 };
    sum.cpus += r.cpus;
    sum.memoryMb += r.memoryMb;
    sum.diskMb += r.diskMb;
    sum.tasks++;
    out.set(t.agentId, sum);
  }
  return out;
}
