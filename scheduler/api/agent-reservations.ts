import { isTerminalState } from '../../mesos-proto';
import type { TaskRecord } from '../model';
import type { AgentOffer } from './cluster-utilization';

export interface AgentReserved extends AgentOffer {
  /** Live tasks on the agent. */
  tasks: number;
}

const NONE: AgentReserved = Object.freeze({ cpus: 0, memoryMb: 0, diskMb: 0, tasks: 0 });

/**
 * What the live tasks of each agent reserve, kept per agent: a task change marks its agent,
 * and a read sums again only the marked agents' tasks. Summed in task-map order, as a walk of
 * every task would, so the floating-point totals are the same to the last bit (a task that
 * moved agent would join the end of its new agent's list: the core never moves one).
 */
export class AgentReservations {
  /** Per agent: its tasks by id, in the order they entered the task map. */
  private readonly byAgent = new Map<string, Map<string, TaskRecord>>();
  private readonly sums = new Map<string, AgentReserved>();
  private readonly stale = new Set<string>();
  /** Tasks summed so far: after one change a read sums one agent's tasks, not every task. */
  visited = 0;

  /** `reserve`: what one live task reserves (its TaskInfo's resources, else its deploy's). */
  constructor(private readonly reserve: (t: TaskRecord) => AgentOffer) {}

  change(taskId: string, previous: TaskRecord | undefined, next: TaskRecord | undefined): void {
    if (previous && previous.agentId !== next?.agentId) {
      const tasks = this.byAgent.get(previous.agentId);
      tasks?.delete(taskId);
      if (tasks?.size === 0) this.byAgent.delete(previous.agentId);
      this.stale.add(previous.agentId);
    }
    if (next) {
      let tasks = this.byAgent.get(next.agentId);
      if (!tasks) this.byAgent.set(next.agentId, (tasks = new Map()));
      tasks.set(taskId, next);
      this.stale.add(next.agentId);
    }
  }

  /** Marks the agents of these tasks: what they reserve may have changed without a task change (their deploy's resources). */
  touch(tasks: Iterable<TaskRecord>): void {
    for (const t of tasks) this.stale.add(t.agentId);
  }

  /** What the agent's live tasks reserve (zeros for none). */
  of(agentId: string): AgentReserved {
    if (this.stale.has(agentId)) this.sum(agentId);
    return this.sums.get(agentId) ?? NONE;
  }

  private sum(agentId: string): void {
    this.stale.delete(agentId);
    const sum = { cpus: 0, memoryMb: 0, diskMb: 0, tasks: 0 };
    for (const t of this.byAgent.get(agentId)?.values() ?? []) {
      this.visited++;
      if (isTerminalState(t.state)) continue;
      const r = this.reserve(t);
      sum.cpus += r.cpus;
      sum.memoryMb += r.memoryMb;
      sum.diskMb += r.diskMb;
      sum.tasks++;
    }
    if (sum.tasks === 0) this.sums.delete(agentId);
    else this.sums.set(agentId, sum);
  }
}
