import { isTerminalState } from '../../mesos-proto';
import type { TaskRecord } from '../model';
import { emptyLoad, type AgentLoad } from '../placement';
import { countsAsInstance, deployKey } from './reconcile-plan';
import { firstChaseDelayMs } from './unsettled-tasks';

const NONE: ReadonlyMap<string, TaskRecord> = new Map();
const NO_DEPLOYS: ReadonlyMap<string, number> = new Map();

/** What the tasks on one agent add up to. */
export interface AgentTasks {
  /** Tasks of any state, and the host and rack the latest of them named. */
  tasks: number;
  hostname: string;
  rackId: string;
  /** Not terminal. */
  live: number;
}

/** Told of every change to the map. */
export interface TaskMapWatcher {
  /** `previous` undefined for a new task, `next` undefined for a removed one. */
  changed(taskId: string, previous: TaskRecord | undefined, next: TaskRecord | undefined): void;
  /** Every task is gone at once (a standby reloading the store): cheaper to start afresh than to hear of each. */
  cleared(): void;
}

/**
 * The live tasks by id, also indexed as they change: by request (with a version per request
 * that moves on every change to one of its tasks), by agent, and live tasks per deploy.
 * Rollouts read a request's tasks on every task event, and each scheduling cycle needs the
 * agents holding tasks and the requests whose tasks changed: computing these from all tasks
 * per cycle or per event cost most of the leader's CPU at 30,000 tasks.
 * Kept inside the map so that every writer (and every test that sets tasks) keeps it current.
 */
export class TaskMap extends Map<string, TaskRecord> {
  private readonly byRequest = new Map<string, Map<string, TaskRecord>>();
  private readonly versions = new Map<string, number>();
  private readonly byAgent = new Map<string, AgentTasks>();
  private readonly liveByDeploy = new Map<string, Map<string, number>>();
  private readonly loadByAgent = new Map<string, AgentLoad>();
  private readonly unsettledTasks = new Map<string, TaskRecord>();
  /** Moves on whenever an agent gets its first task here. */
  agentsAdded = 0;
  private updatesOwed = 0;
  private readonly watchers = new Set<TaskMapWatcher>();

  override set(taskId: string, task: TaskRecord): this {
    const previous = super.get(taskId);
    if (previous) this.unindex(taskId, previous);
    super.set(taskId, task);
    let group = this.byRequest.get(task.requestId);
    if (!group) this.byRequest.set(task.requestId, (group = new Map()));
    group.set(taskId, task);
    this.count(task, 1);
    if (firstChaseDelayMs(task) !== null) this.unsettledTasks.set(taskId, task);
    for (const w of this.watchers) w.changed(taskId, previous, task);
    return this;
  }

  override delete(taskId: string): boolean {
    const previous = super.get(taskId);
    if (!previous) return false;
    this.unindex(taskId, previous);
    super.delete(taskId);
    for (const w of this.watchers) w.changed(taskId, previous, undefined);
    return true;
  }

  override clear(): void {
    for (const requestId of this.byRequest.keys()) this.bump(requestId);
    this.byRequest.clear();
    this.byAgent.clear();
    this.liveByDeploy.clear();
    this.loadByAgent.clear();
    this.unsettledTasks.clear();
    this.updatesOwed = 0;
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

  /** Requests with at least one task here. */
  requestIds(): Iterable<string> {
    return this.byRequest.keys();
  }

  /** Moves on whenever one of the request's tasks is set or deleted. */
  versionOf(requestId: string): number {
    return this.versions.get(requestId) ?? 0;
  }

  /** Agents holding at least one task: a live view. */
  agents(): ReadonlyMap<string, AgentTasks> {
    return this.byAgent;
  }

  /**
   * Per agent, its tasks that count as instances (`countsAsInstance`) by request and by deploy:
   * what the placement rules read (a live view; an agent without such tasks is not listed).
   */
  loads(): ReadonlyMap<string, AgentLoad> {
    return this.loadByAgent;
  }

  /** Per deploy id of the request: its tasks not in a terminal state (none listed when 0). */
  liveDeploysOf(requestId: string): ReadonlyMap<string, number> {
    return this.liveByDeploy.get(requestId) ?? NO_DEPLOYS;
  }

  /**
   * Tasks whose real state Griddle may have to ask Mesos about (`firstChaseDelayMs`), a live
   * view: the chase looks at these every second, not at every task.
   */
  unsettled(): ReadonlyMap<string, TaskRecord> {
    return this.unsettledTasks;
  }

  /** Status updates the launches under way still owe (STAGING: STARTING and RUNNING; STARTING: RUNNING), each to be acknowledged. */
  get launchUpdatesOwed(): number {
    return this.updatesOwed;
  }

  private unindex(taskId: string, previous: TaskRecord): void {
    this.count(previous, -1);
    this.unsettledTasks.delete(taskId);
    const group = this.byRequest.get(previous.requestId);
    if (!group) return;
    group.delete(taskId);
    if (group.size === 0) this.byRequest.delete(previous.requestId);
  }

  private count(t: TaskRecord, sign: 1 | -1): void {
    this.bump(t.requestId);
    this.updatesOwed += sign * (t.state === 'TASK_STAGING' ? 2 : t.state === 'TASK_STARTING' ? 1 : 0);
    const live = isTerminalState(t.state) ? 0 : sign;
    let agent = this.byAgent.get(t.agentId);
    if (!agent) {
      this.byAgent.set(t.agentId, (agent = { tasks: 0, hostname: t.hostname, rackId: t.rackId ?? 'DEFAULT', live: 0 }));
      this.agentsAdded++;
    }
    agent.tasks += sign;
    agent.live += live;
    if (sign > 0) {
      agent.hostname = t.hostname;
      agent.rackId = t.rackId ?? 'DEFAULT';
    }
    if (agent.tasks === 0) this.byAgent.delete(t.agentId);
    if (live !== 0) {
      let deploys = this.liveByDeploy.get(t.requestId);
      if (!deploys) this.liveByDeploy.set(t.requestId, (deploys = new Map()));
      if (add(deploys, t.deployId, live) === 0) this.liveByDeploy.delete(t.requestId);
    }
    if (countsAsInstance(t)) {
      let load = this.loadByAgent.get(t.agentId);
      if (!load) this.loadByAgent.set(t.agentId, (load = emptyLoad()));
      add(load.byDeploy, deployKey(t.requestId, t.deployId), sign);
      if (add(load.byRequest, t.requestId, sign) === 0) this.loadByAgent.delete(t.agentId);
    }
  }

  private bump(requestId: string): void {
    this.versions.set(requestId, (this.versions.get(requestId) ?? 0) + 1);
  }
}

/** Adds to a count, dropping it at 0; returns how many counts the map still holds. */
function add(counts: Map<string, number>, key: string, by: number): number {
  const n = (counts.get(key) ?? 0) + by;
  if (n > 0) counts.set(key, n);
  else counts.delete(key);
  return counts.size;
}
