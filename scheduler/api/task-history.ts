import { isTerminalState } from '../../mesos-proto';
import type { TaskRecord } from '../model';
import type { SchedulerPort } from '../deploys';

/**
 * Ended tasks per request, newest first, kept in memory so history reads never touch the store.
 * Filled from the store's `history-tasks` once at start and from the core's task events after.
 */
export class TaskHistory {
  private readonly byRequest = new Map<string, TaskRecord[]>();
  private readonly onTask = (task: TaskRecord): void => {
    if (isTerminalState(task.state)) this.add(task);
  };

  constructor(private readonly scheduler: SchedulerPort, private readonly perRequest = 100) {}

  async start(): Promise<void> {
    this.scheduler.events.on('task', this.onTask);
    const stored = await this.scheduler.store.load('history-tasks').catch(() => new Map<string, unknown>());
    const all = [...stored.values()] as TaskRecord[];
    all.sort((a, b) => a.updatedAt - b.updatedAt);
    for (const t of all) if (!this.has(t)) this.add(t);
  }

  stop(): void {
    this.scheduler.events.off('task', this.onTask);
  }

  private has(t: TaskRecord): boolean {
    return (this.byRequest.get(t.requestId) ?? []).some((x) => x.taskId === t.taskId);
  }

  add(task: TaskRecord): void {
    let list = this.byRequest.get(task.requestId);
    if (!list) this.byRequest.set(task.requestId, (list = []));
    const i = list.findIndex((x) => x.taskId === task.taskId);
    if (i >= 0) list.splice(i, 1);
    list.unshift(task);
    if (list.length > this.perRequest) list.length = this.perRequest;
  }

  of(requestId: string): readonly TaskRecord[] {
    return this.byRequest.get(requestId) ?? [];
  }

  find(taskId: string): TaskRecord | undefined {
    for (const list of this.byRequest.values()) {
      const t = list.find((x) => x.taskId === taskId);
      if (t) return t;
    }
    return undefined;
  }
}
