import type { DeployRecord, RequestRecord, TaskRecord } from '../model';
import type { StateStore } from '../state';
import type { CrashState } from './crash-backoff';
import type { LaunchBackoff } from './launch-backoff';
import { BACKOFF_PREFIX, backoffRecord, restoreBackoff, type BackoffRecord } from './backoff-record';
import { deployKey } from './reconcile-plan';
import { TaskHistoryIndex } from './task-history-index';
import { TaskMap } from './task-map';

export interface AgentInfoSeen { agentId: string; hostname: string; attributes: Record<string, string>; lastOfferAt: number }

/** Agents not seen in an offer for this long stop counting as known (unless they hold tasks). */
const AGENT_FORGET_MS = 10 * 60_000;

type Snapshot = Map<string, unknown>[];

/**
 * The core's in-memory state and the only place it writes to the store, so that what a write
 * promises (queued now, durable at the next `flush()`) is decided here and nowhere else.
 * It raises no events and starts no work: its callers announce changes.
 */
export class StateRepository {
  readonly requests = new Map<string, RequestRecord>();
  /** Key `requestId/deployId`. */
  readonly deploys = new Map<string, DeployRecord>();
  readonly tasks = new TaskMap();
  /** Key `requestId/deployId`: why tasks of that deploy are still pending. */
  readonly pendingReasons = new Map<string, string>();
  readonly agents = new Map<string, AgentInfoSeen>();
  frameworkId: string | undefined;
  /** Crash-loop backoff, key `requestId/deployId`. */
  readonly crash = new Map<string, CrashState>();
  /** Launch-failure backoff, key `requestId/deployId/instanceNo`. */
  readonly launchBackoff = new Map<string, LaunchBackoff>();
  /** Moves on whenever a crash or launch backoff is set or cleared (the cycle's cached plans depend on them). */
  backoffVersion = 0;
  private readonly history: TaskHistoryIndex;

  constructor(readonly store: StateStore, historyPerRequest: number, private readonly now: () => number) {
    this.history = new TaskHistoryIndex(historyPerRequest);
  }

  /** Loads everything (at start, or on taking over: then only what changed since the last refresh is read). */
  async load(): Promise<void> {
    this.apply(await this.fetch());
    this.store.keepReads?.(false);
  }

  /** A standby's re-read; applies only if `stillWanted()` holds once the reads are back. */
  async refresh(stillWanted: () => boolean): Promise<void> {
    this.store.keepReads?.(true);
    const snapshot = await this.fetch();
    if (stillWanted()) this.apply(snapshot);
  }

  private async fetch(): Promise<Snapshot> {
    return Promise.all([
      this.store.load('requests'), this.store.load('deploys'), this.store.load('tasks'),
      this.store.load('framework'), this.store.load('history-tasks'),
    ]);
  }

  private apply([requests, deploys, tasks, framework, history]: Snapshot): void {
    this.requests.clear();
    for (const [id, v] of requests) this.requests.set(id, v as RequestRecord);
    this.deploys.clear();
    for (const [id, v] of deploys) this.deploys.set(id, v as DeployRecord);
    this.tasks.clear();
    for (const [id, v] of tasks) this.tasks.set(id, v as TaskRecord);
    this.history.clear();
    for (const [id, v] of history) this.history.restore(id, v as TaskRecord);
    const fw = framework.get('id') as { id?: string } | undefined;
    this.frameworkId = fw?.id;
    this.crash.clear();
    this.launchBackoff.clear();
    this.backoffVersion++;
    for (const [id, v] of framework) {
      if (id.startsWith(BACKOFF_PREFIX)) restoreBackoff(id.slice(BACKOFF_PREFIX.length), v as BackoffRecord, this.crash, this.launchBackoff);
    }
  }

  /** Returns the record it replaced. */
  putRequest(record: RequestRecord): RequestRecord | undefined {
    const previous = this.requests.get(record.request.id);
    // The store first: it may refuse the record (RecordTooLargeError), and memory must then stay as it was.
    this.store.put('requests', record.request.id, record);
    this.requests.set(record.request.id, record);
    return previous;
  }

  /** Returns the record it replaced. */
  putDeploy(record: DeployRecord): DeployRecord | undefined {
    const key = deployKey(record.deploy.requestId, record.deploy.id);
    const previous = this.deploys.get(key);
    this.store.put('deploys', key, record);
    this.deploys.set(key, record);
    return previous;
  }

  /** Returns the removed record, if there was one. */
  deleteRequest(id: string): RequestRecord | undefined {
    const previous = this.requests.get(id);
    if (!previous) return undefined;
    this.requests.delete(id);
    this.store.delete('requests', id);
    return previous;
  }

  /** A live task, new or changed; `durable` false keeps the change in memory only (see TaskTransitions). */
  putTask(task: TaskRecord, durable = true): void {
    if (durable) this.store.put('tasks', task.taskId, task);
    this.tasks.set(task.taskId, task);
  }

  /** An ended task leaves the live set for the bounded per-request history. */
  moveToHistory(ended: TaskRecord): void {
    this.store.put('history-tasks', ended.taskId, { ...ended });
    this.store.delete('tasks', ended.taskId);
    this.tasks.delete(ended.taskId);
    for (const evicted of this.history.add(ended)) this.store.delete('history-tasks', evicted);
  }

  setCrash(key: string, state: CrashState): void {
    this.crash.set(key, state);
    this.saveBackoff(key);
  }

  clearCrash(key: string): void {
    if (this.crash.delete(key)) this.saveBackoff(key);
  }

  setLaunchBackoff(key: string, state: LaunchBackoff): void {
    this.launchBackoff.set(key, state);
    this.saveBackoff(key.slice(0, key.lastIndexOf('/')));
  }

  clearLaunchBackoff(key: string): void {
    if (this.launchBackoff.delete(key)) this.saveBackoff(key.slice(0, key.lastIndexOf('/')));
  }

  /** Drops the backoffs of deploys that are no longer desired at all (key `requestId/deployId`). */
  pruneBackoffs(desired: ReadonlySet<string>): void {
    for (const key of [...this.crash.keys()]) if (!desired.has(key)) this.clearCrash(key);
    for (const key of [...this.launchBackoff.keys()]) {
      if (!desired.has(key.slice(0, key.lastIndexOf('/')))) this.clearLaunchBackoff(key);
    }
  }

  /**
   * A deploy's backoffs as one small record (`framework/backoff/<requestId>/<deployId>`), so a
   * new leader continues them instead of launching a crash-looping deploy at full speed.
   */
  private saveBackoff(deploy: string): void {
    this.backoffVersion++;
    const record = backoffRecord(deploy, this.crash, this.launchBackoff);
    if (record) this.store.put('framework', BACKOFF_PREFIX + deploy, record);
    else this.store.delete('framework', BACKOFF_PREFIX + deploy);
  }

  /** Durable before it resolves: the framework id must survive whatever happens next. */
  async saveFrameworkId(id: string): Promise<void> {
    this.store.put('framework', 'id', { id });
    this.frameworkId = id;
    await this.store.flush();
  }

  /** Resolves once every write made so far is durable; rejects when one failed. */
  flush(): Promise<void> {
    return this.store.flush();
  }

  /** Tasks of a deploy that ended TASK_FINISHED (what RUN_ONCE requests count). */
  finishedCount(requestId: string, deployId: string): number {
    return this.history.finishedCount(requestId, deployId);
  }

  /** Agents known now: seen in a recent offer, or holding a task. */
  knownAgentCount(): number {
    const ids = new Set<string>();
    const cutoff = this.now() - AGENT_FORGET_MS;
    for (const a of this.agents.values()) if (a.lastOfferAt >= cutoff) ids.add(a.agentId);
    for (const agentId of this.tasks.loads().keys()) ids.add(agentId);
    return ids.size;
  }
}
