import type { TaskRecord } from '../model';

const NONE: ReadonlyMap<string, TaskRecord> = new Map();

/** Told of every change to the map. */
export interface TaskMapWatcher {
  /** `previous` undefined for a new task, `next` undefined for a removed one. */
  changed(taskId: string, previous: TaskRecord | undefined, next: TaskRecord | undefined): void;
  /** Every task is gone at once (a standby reloading the store): cheaper to start afresh than to hear of each. */
  cleared(): void;
}

/**
 * The live tasks by id, also grouped by request as they change. Rollouts read a request's
 * tasks on every task event; grouping every task once per event-loop turn instead cost 6 s of
 * 121 s of CPU at 30,000 tasks (one walk of all of them per turn with a status update in it).
 * Kept inside the map so that every writer (and every test that sets tasks) keeps it current.
 */
export class TaskMap extends Map<string, TaskRecord> {
  private readonly byRequest = new Map<string, Map<string, TaskRecord>>();
  private readonly watchers = new Set<TaskMapWatcher>();

  override set(taskId: string, task: TaskRecord): this {
    const previous = super.get(taskId);
    if (previous && previous.requestId !== task.requestId) this.unindex(taskId, previous.requestId);
    super.set(taskId, task);
    let group = this.byRequest.get(task.requestId);
    if (!group) this.byRequest.set(task.requestId, (group = new Map()));
    group.set(taskId, task);
    for (const w of this.watchers) w.changed(taskId, previous, task);
    return this;
  }

  override delete(taskId: string): boolean {
    const previous = super.get(taskId);
    if (!previous) return false;
    this.unindex(taskId, previous.requestId);
    super.delete(taskId);
    for (const w of this.watchers) w.changed(taskId, previous, undefined);
    return true;
  }

  override clear(): void {
    this.byRequest.clear();
    super.clear();
    for (const w of this.watchers) w.cleared();
  }

  /**
   * Calls `watcher` on every change from now on, so a read model (the API's counts per agent
   * and per state) follows every writer, as the grouping by request does. Returns the unwatch.
   */
  watch(watcher: TaskMapWatcher): () => void {
    this.watchers.add(watcher);
    return () => this.watchers.delete(watcher);
  }

  /** The request's live tasks, by id: a live view, not a copy. */
  ofRequest(requestId: string): ReadonlyMap<string, TaskRecord> {
    return this.byRequest.get(requestId) ?? NONE;
  }

  private unindex(taskId: string, requestId: string): void {
    const group = this.byRequest.get(requestId);
    if (!group) return;
    group.delete(taskId);
    if (group.size === 0) this.byRequest.delete(requestId);
  }
}
