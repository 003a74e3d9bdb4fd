import { EventEmitter } from 'node:events';
import type { DiscoveryScheduler } from '../../../scheduler/discovery';
import type { DeployRecord, RequestRecord, TaskRecord } from '../../../scheduler/model';

/** An in-memory state store with the core's StateStore semantics for put/delete/load. */
export class MemoryStore {
  readonly collections = new Map<string, Map<string, unknown>>();
  async load(collection: string): Promise<Map<string, unknown>> {
    return new Map([...(this.collections.get(collection) ?? new Map<string, unknown>())].map(([k, v]) => [k, structuredClone(v)]));
  }
  put(collection: string, id: string, value: unknown): void {
    if (!this.collections.has(collection)) this.collections.set(collection, new Map());
    this.collections.get(collection)!.set(id, structuredClone(value));
  }
  delete(collection: string, id: string): void {
    this.collections.get(collection)?.delete(id);
  }
}

/**
 * The part of the scheduler core discovery uses, driven by hand: tasks are set and announced
 * like the core does, and kill() goes through the installed kill gate before "killing".
 */
export class SchedulerDouble implements DiscoveryScheduler {
  readonly events = new EventEmitter();
  readonly tasks = new Map<string, TaskRecord>();
  readonly requests = new Map<string, RequestRecord>();
  readonly deploys = new Map<string, DeployRecord>();
  gate: ((task: TaskRecord) => Promise<void>) | undefined;

  constructor(readonly store: MemoryStore = new MemoryStore()) {}

  setKillGate(gate: (task: TaskRecord) => Promise<void>): void {
    this.gate = gate;
  }

  update(task: TaskRecord): void {
    const previous = this.tasks.get(task.taskId);
    this.tasks.set(task.taskId, task);
    this.events.emit('task', task, previous);
  }

  /** Runs the kill gate, then calls `killed` (what sending the KILL would lead to). */
  async kill(taskId: string, killed: (task: TaskRecord) => void | Promise<void> = () => undefined): Promise<void> {
    const task = { ...this.tasks.get(taskId)!, killRequestedAt: Date.now() };
    this.update(task);
    await this.gate?.(task);
    await killed(task);
  }
}
