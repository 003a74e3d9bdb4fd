import type { TaskRecord } from '../model';
import type { CoreContext } from './core-context';
import type { MesosLink } from './leadership';
import { endsTask } from './status-policy';

export type KillGate = (task: TaskRecord) => Promise<void>;

/**
 * Kills: the decision is recorded on the task first (so it survives a failover and is sent
 * again), then the kill gate runs (discovery drains the task), then KILL goes to Mesos. One
 * kill per task is in flight at a time.
 */
export class KillQueue {
  private gate: KillGate | null = null;
  private readonly inFlight = new Set<string>();

  constructor(private readonly ctx: CoreContext, private readonly link: MesosLink, private readonly poke: () => void) {}

  setGate(fn: KillGate | null): void {
    this.gate = fn;
  }

  async kill(taskId: string, why: string): Promise<void> {
    const { state, events, log, now } = this.ctx;
    const task = state.tasks.get(taskId);
    if (!task || endsTask(task.state)) return;
    if (task.killRequestedAt === undefined) {
      const next: TaskRecord = { ...task, killRequestedAt: now(), killReason: why, updatedAt: now() };
      state.putTask(next);
      log.info({ requestId: task.requestId, deployId: task.deployId, taskId, host: task.hostname, why }, 'killing task');
      events.emit('task', next, task);
      this.poke();
    }
    if (this.inFlight.has(taskId)) return;
    this.inFlight.add(taskId);
    try {
      if (this.gate) {
        try {
          await this.gate(state.tasks.get(taskId) ?? task);
        } catch (err) {
          log.warn({ taskId, err: (err as Error).message }, 'kill gate failed; killing anyway');
        }
      }
      const current = state.tasks.get(taskId);
      if (current && !endsTask(current.state)) await this.send(current);
    } finally {
      this.inFlight.delete(taskId);
    }
  }

  /** Kills decided while disconnected (or before a failover) go out again after a subscribe. */
  resendAll(): void {
    for (const t of this.ctx.state.tasks.values()) {
      if (t.killRequestedAt !== undefined && !endsTask(t.state)) void this.send(t);
    }
  }

  /** KILL without the gate: for a task whose kill was already decided. */
  async send(task: TaskRecord): Promise<void> {
    const client = this.link.client;
    if (!client?.subscribed) return; // sent again after the next subscribe
    try {
      await client.call({ type: 'KILL', kill: { task_id: { value: task.taskId }, agent_id: { value: task.agentId } } });
    } catch (err) {
      this.ctx.log.warn({ taskId: task.taskId, err: (err as Error).message }, 'KILL failed; retried after reconciliation');
    }
  }
}
