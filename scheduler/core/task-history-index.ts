import type { TaskRecord } from '../model';
import { deployKey } from './reconcile-plan';

/**
 * What the core remembers about ended tasks without reading the `history-tasks` collection
 * back: which entries each request holds (so the oldest can be evicted) and how many tasks of
 * each deploy FINISHED (RUN_ONCE counts them).
 */
export class TaskHistoryIndex {
  private readonly byRequest = new Map<string, { taskId: string; at: number }[]>();
  private readonly finished = new Map<string, number>();

  constructor(private readonly perRequest: number) {}

  clear(): void {
    this.byRequest.clear();
    this.finished.clear();
  }

  /**
   * An entry read back from the store. Nothing is evicted here: an over-long list is trimmed
   * (and its store entries deleted) at the request's next ended task.
   */
  restore(id: string, task: TaskRecord): void {
    this.index(task.requestId, id, task.updatedAt);
    this.count(task);
  }

  /** Notes an ended task; returns the ids of the entries now beyond the per-request bound. */
  add(task: TaskRecord): string[] {
    const list = this.index(task.requestId, task.taskId, task.updatedAt);
    this.count(task);
    if (list.length <= this.perRequest) return [];
    list.sort((a, b) => a.at - b.at);
    return list.splice(0, list.length - this.perRequest).map((old) => old.taskId);
  }

  finishedCount(requestId: string, deployId: string): number {
    return this.finished.get(deployKey(requestId, deployId)) ?? 0;
  }

  private index(requestId: string, taskId: string, at: number): { taskId: string; at: number }[] {
    let list = this.byRequest.get(requestId);
    if (!list) this.byRequest.set(requestId, (list = []));
    list.push({ taskId, at });
    return list;
  }

  private count(task: TaskRecord): void {
    if (task.state !== 'TASK_FINISHED') return;
    const key = deployKey(task.requestId, task.deployId);
    this.finished.set(key, (this.finished.get(key) ?? 0) + 1);
  }
}
