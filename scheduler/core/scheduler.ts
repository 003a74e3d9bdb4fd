import { EventEmitter } from 'node:events';
import path from 'node:path';
import type { Logger } from '../../common/logger';
import type { SingularityPriorityFreezeParent } from '../../contract';
import type { TaskInfo } from '../../mesos-proto';
import type { DeployRecord, DesiredDeployment, RequestRecord, TaskRecord } from '../model';
import type { StateStore } from '../state';
import type { CoreContext, SchedulerEvents } from './core-context';
import { defaultDesired } from './desired-state';
import { KillQueue, type KillGate } from './kill-queue';
import { MachineBook } from './machines';
import { PRIORITY_FREEZE_ID } from './priority-freeze';
import { Leadership, type LeadershipOptions } from './leadership';
import { OfferCycle } from './offer-cycle';
import { StateRepository, type AgentInfoSeen } from './state-repository';
import { StatusHandler } from './status-handler';
import { TaskTransitions } from './task-transitions';
import type { CrashState } from './crash-backoff';
import type { LaunchBackoff } from './launch-backoff';
import { deployKey } from './reconcile-plan';
import type { ReconcileStats } from './reconciliation';

export type { SchedulerEvents } from './core-context';
export type { AgentInfoSeen } from './state-repository';
export type { KillGate } from './kill-queue';

export interface SchedulerOptions extends LeadershipOptions {
  store: StateStore;
  /** The command of the CUSTOM executor (GRIDDLE_EXECUTOR_CMD). */
  executorCmd?: string;
  log: Logger;
  /** Terminal tasks kept in history per request. */
  historyPerRequest?: number;
  now?: () => number;
}

export type DesiredProvider = (s: Scheduler) => DesiredDeployment[];

/**
 * The running core, as one object for the API, the deploy engine and main: it wires the state
 * repository, leadership (the Mesos session), the offer cycle, kills and status handling
 * together, and forwards to them.
 */
export class Scheduler {
  readonly events = new EventEmitter<SchedulerEvents>();
  /** Hosts that get no new task (Singularity's inactive hosts); kept by the API, which persists them. */
  readonly inactiveHosts = new Set<string>();
  readonly store: StateStore;
  readonly log: Logger;
  private readonly state: StateRepository;
  private readonly leadership: Leadership;
  private readonly cycle: OfferCycle;
  private readonly kills: KillQueue;
  private readonly statuses: StatusHandler;
  private readonly now: () => number;
  private provider: DesiredProvider = defaultDesired;
  /** Agents and racks with their maintenance states (freeze, decommission). */
  readonly machines: MachineBook;
  private freeze: SingularityPriorityFreezeParent | null = null;
  private unreachableHold: () => boolean = () => false;

  constructor(options: SchedulerOptions) {
    this.store = options.store;
    this.log = options.log;
    this.now = options.now ?? Date.now;
    const poke = (): void => this.poke();
    this.state = new StateRepository(options.store, options.historyPerRequest ?? 100, this.now);
    this.machines = new MachineBook(options.store, this.now);
    const ctx: CoreContext = { state: this.state, events: this.events, log: this.log, now: this.now };
    const transitions = new TaskTransitions(ctx);
    // Leadership's hooks reach parts built after it; they only fire once it is leader.
    this.leadership = new Leadership(ctx, options, {
      started: () => this.cycle.start(),
      stopped: () => this.cycle.stop(),
      subscribed: () => {
        this.cycle.subscribed();
        this.kills.resendAll();
        this.poke();
      },
      offers: (offers) => this.cycle.onOffers(offers),
      rescind: (id) => this.cycle.rescind(id),
      update: (status) => void this.statuses.onUpdate(status),
      disconnected: () => this.cycle.dropOffers(),
    });
    const link = this.leadership;
    this.kills = new KillQueue(ctx, link, poke);
    this.cycle = new OfferCycle({
      ...ctx, link, transitions,
      desired: () => this.desired(),
      kill: (taskId, why) => this.kills.kill(taskId, why),
      inactiveHosts: () => this.inactiveHosts,
      executorCmd: options.executorCmd ?? process.env.GRIDDLE_EXECUTOR_CMD ?? `node ${defaultExecutorPath()}`,
      machines: this.machines,
      priorityFreeze: () => this.freeze,
      keepUnreachable: () => this.unreachableHold(),
    });
    this.statuses = new StatusHandler({ ...ctx, link, transitions, kills: this.kills, poke });
  }

  get requests(): Map<string, RequestRecord> { return this.state.requests; }
  /** Key `requestId/deployId`. */
  get deploys(): Map<string, DeployRecord> { return this.state.deploys; }
  get tasks(): Map<string, TaskRecord> { return this.state.tasks; }
  /** Key `requestId/deployId`: why tasks of that deploy are still pending. */
  get pendingReasons(): Map<string, string> { return this.state.pendingReasons; }
  get agents(): Map<string, AgentInfoSeen> { return this.state.agents; }
  get frameworkId(): string | undefined { return this.state.frameworkId; }
  get isLeader(): boolean { return this.leadership.isLeader; }
  get subscribed(): boolean { return this.leadership.client?.subscribed ?? false; }
  get masterUrl(): string | null { return this.leadership.client?.master ?? null; }
  /** Calls to Mesos waiting for a connection, and re-sent ACKs not queued twice: a backlog shows here first. */
  get mesosCalls(): { waiting: number; oldestWaitMs: number; coalesced: number } {
    const client = this.leadership.client;
    return { waiting: client?.waiting ?? 0, oldestWaitMs: client?.oldestWaitMs ?? 0, coalesced: client?.coalescedCalls ?? 0 };
  }

  /** Loads everything from the store (at startup and when becoming leader). */
  async load(): Promise<void> {
    await Promise.all([this.state.load(), this.machines.load(), this.loadFreeze()]);
  }

  private async loadFreeze(): Promise<void> {
    const framework = await this.store.load('framework');
    this.freeze = (framework.get(PRIORITY_FREEZE_ID) as SingularityPriorityFreezeParent | undefined) ?? null;
  }

  /** Singularity's priority freeze in force, or null. */
  get priorityFreeze(): SingularityPriorityFreezeParent | null { return this.freeze; }

  /** Sets (or with null lifts) the priority freeze; persisted, and the loop re-runs at once. */
  setPriorityFreeze(freeze: SingularityPriorityFreezeParent | null): void {
    if (freeze) this.store.put('framework', PRIORITY_FREEZE_ID, freeze);
    else this.store.delete('framework', PRIORITY_FREEZE_ID);
    this.freeze = freeze;
    this.poke();
  }

  /** A standby's view of the leader's writes; dropped if this instance became leader meanwhile. */
  async refreshFromStore(): Promise<void> {
    await this.state.refresh(() => !this.leadership.isLeader);
    if (!this.leadership.isLeader) await Promise.all([this.machines.load(), this.loadFreeze()]);
  }

  putRequest(record: RequestRecord): void {
    const previous = this.state.putRequest(record);
    this.events.emit('request', record, previous);
    this.poke();
  }

  putDeploy(record: DeployRecord): void {
    const previous = this.state.putDeploy(record);
    this.events.emit('deploy', record, previous);
    this.poke();
  }

  /** Removes a request; its tasks are no longer desired and get killed by the loop. */
  deleteRequest(id: string): void {
    const previous = this.state.deleteRequest(id);
    if (!previous) return;
    this.events.emit('request', { ...previous, state: 'DELETED', updatedAt: this.now() }, previous);
    this.poke();
  }

  setDesiredProvider(fn: DesiredProvider): void {
    this.provider = fn;
    this.poke();
  }

  /** What must run, from the installed provider. */
  desired(): DesiredDeployment[] {
    return this.provider(this);
  }

  /** Installs the disaster hold: while it answers true, UNREACHABLE tasks are not replaced. */
  setUnreachableHold(fn: () => boolean): void {
    this.unreachableHold = fn;
    this.poke();
  }

  /** Whether UNREACHABLE tasks keep their instance now (the planner's `keepUnreachable`). */
  holdsUnreachable(): boolean {
    return this.unreachableHold();
  }

  setKillGate(fn: KillGate | null): void {
    this.kills.setGate(fn);
  }

  /** The TaskInfo sent for a task (Mesos JSON mapping). */
  mesosTaskInfo(task: TaskRecord | string): TaskInfo | undefined {
    const record = typeof task === 'string' ? this.tasks.get(task) : task;
    return record?.taskInfo as TaskInfo | undefined;
  }

  /** Tasks of a deploy that ended TASK_FINISHED (what RUN_ONCE requests count). */
  finishedCount(requestId: string, deployId: string): number {
    return this.state.finishedCount(requestId, deployId);
  }

  /** Agents known now: seen in a recent offer, or holding a task. */
  knownAgentCount(): number {
    return this.state.knownAgentCount();
  }

  /** Crash-loop backoffs by `requestId/deployId` (read-only view for the API). */
  get crashBackoffs(): ReadonlyMap<string, CrashState> { return this.state.crash; }
  /** Launch-failure backoffs by `requestId/deployId/instanceNo`. */
  get launchBackoffs(): ReadonlyMap<string, LaunchBackoff> { return this.state.launchBackoff; }

  /** Lifts a deploy's crash-loop and launch backoffs (an operator ended its cooldown). */
  resetBackoff(requestId: string, deployId: string): void {
    const key = deployKey(requestId, deployId);
    this.state.clearCrash(key);
    for (const k of [...this.state.launchBackoff.keys()]) if (k.startsWith(`${key}/`)) this.state.clearLaunchBackoff(k);
    this.poke();
  }

  /** The latest task reconciliation's numbers, or null before the first one. */
  reconciliationStats(): ReconcileStats | null {
    return this.leadership.reconciler?.stats() ?? null;
  }

  /** Starts acting: loads the state, subscribes to Mesos (same framework id) and runs the loop. */
  async becomeLeader(): Promise<void> {
    // A standby's view of the machines may be up to one refresh old.
    await Promise.all([this.machines.load(), this.loadFreeze()]);
    return this.leadership.becomeLeader();
  }

  /** Stops acting at once: no Mesos call leaves after this returns. */
  stepDown(): void {
    this.leadership.stepDown();
  }

  async close(): Promise<void> {
    this.stepDown();
    await this.state.flush().catch((err: Error) => this.log.error({ err: err.message }, 'state flush failed at close'));
  }

  /** Re-runs the reconcile loop soon (coalesced). */
  poke(): void {
    this.cycle.poke();
  }

  /** Kills a task: marks it, passes the kill gate (discovery drains it), then sends KILL. */
  killTask(taskId: string, why: string): Promise<void> {
    return this.kills.kill(taskId, why);
  }

  /** Sends a framework message (Mesos MESSAGE call) to an executor; `data` is base64. */
  sendFrameworkMessage(agentId: string, executorId: string, data: string): Promise<void> {
    const client = this.leadership.client;
    if (!client) return Promise.reject(new Error('MESSAGE: not the leader'));
    return client.call({ type: 'MESSAGE', message: { agent_id: { value: agentId }, executor_id: { value: executorId }, data } });
  }
}

/** This install's executor: `dist/executor/main.js` beside the compiled scheduler. */
export function defaultExecutorPath(): string {
  // Compiled: dist/scheduler/core/scheduler.js → dist/executor/main.js. From sources (tests),
  // the compiled executor is still the one agents run.
  if (__dirname.includes(`${path.sep}dist${path.sep}`)) return path.resolve(__dirname, '..', '..', 'executor', 'main.js');
  return path.resolve(__dirname, '..', '..', 'dist', 'executor', 'main.js');
}
