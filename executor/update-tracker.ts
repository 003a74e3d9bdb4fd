/**
 * What the agent has not yet acknowledged, resent in SUBSCRIBE after a reconnection: updates
 * (by uuid) and the task while no update of it has been acknowledged. Pure.
 */
import type { TaskInfo, TaskStatus } from '../mesos-proto';

export class UpdateTracker {
  private readonly pending = new Map<string, TaskStatus>();
  private readonly tasks = new Map<string, { task: TaskInfo; acknowledged: boolean }>();

  addTask(task: TaskInfo): void {
    this.tasks.set(task.task_id.value, { task, acknowledged: false });
  }

  add(status: TaskStatus): void {
    if (!status.uuid) throw new Error('a tracked status update needs a uuid');
    this.pending.set(status.uuid, status);
  }

  /** Handles ACKNOWLEDGED; returns the acknowledged update (undefined when unknown). */
  acknowledge(taskId: string, uuid: string): TaskStatus | undefined {
    const status = this.pending.get(uuid);
    if (!status || status.task_id.value !== taskId) return undefined;
    this.pending.delete(uuid);
    const task = this.tasks.get(taskId);
    if (task) task.acknowledged = true;
    return status;
  }

  unacknowledgedUpdates(): { status: TaskStatus }[] {
    return [...this.pending.values()].map((status) => ({ status }));
  }

  unacknowledgedTasks(): TaskInfo[] {
    return [...this.tasks.values()].filter((t) => !t.acknowledged).map((t) => t.task);
  }

  get allAcknowledged(): boolean {
    return this.pending.size === 0;
  }
}

/**
 * Delay before resubscribe attempt `attempt` (0-based): exponential from 250 ms, capped at
 * MESOS_SUBSCRIPTION_BACKOFF_MAX, with jitter so executors of one agent do not reconnect in step.
 */
export function resubscribeDelayMs(attempt: number, backoffMaxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(backoffMaxMs, 250 * 2 ** Math.min(attempt, 20));
  return Math.round(ceiling * (0.5 + random() / 2));
}
