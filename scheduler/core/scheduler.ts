import { EventEmitter } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from '../../common/logger';
import {
  CONTENT_TYPE_JSON, isTerminalState,
  type ContentType, type FrameworkInfo, type Offer, type TaskInfo, type TaskStatus,
} from '../../mesos-proto';
import { SchedulerClient, createMasterDetector, type MasterDetector } from '../mesos-client';
import type { DeployRecord, DesiredDeployment, RequestRecord, TaskRecord } from '../model';
import { emptyLoad, matchOffers, type AgentLoad, type Assignment, type TaskDemand } from '../placement';
import type { StateStore } from '../state';
import { isHealthyRun, recordFailure, type CrashState } from './crash-backoff';
import { defaultDesired } from './desired-state';
import { countsAsInstance, deployKey, planReconcile } from './reconcile-plan';
import { Reconciler } from './reconciliation';
import { applyStatus, endsTask } from './status-policy';
import { makeTaskId } from './task-id';
import { buildTaskInfo } from './task-info';

export interface SchedulerEvents {
  task: [task: TaskRecord, previous: TaskRecord | undefined];
  request: [record: RequestRecord, previous: RequestRecord | undefined];
  deploy: [record: DeployRecord, previous: DeployRecord | undefined];
  leader: [isLeader: boolean];
  offers: [offers: Offer[]];
  /** Every status update from Mesos as it arrives, before it is applied (for metrics). */
  status: [status: TaskStatus, receivedAt: number];
  subscribed: [frameworkId: string, masterUrl: string];
  disconnected: [why: string];
}

export interface AgentInfoSeen { agentId: string; hostname: string; attributes: Record<string, string>; lastOfferAt: number }

export interface SchedulerOptions {
  store: StateStore;
  /** `http://host:5050` or `zk://host:2181/mesos`; a custom detector wins. */
  master?: string;
  detector?: MasterDetector;
  contentType?: ContentType;
  /** The command of the CUSTOM executor (GRIDDLE_EXECUTOR_CMD). */
  executorCmd?: string;
  log: Logger;
  frameworkName?: string;
  failoverTimeoutSeconds?: number;
  user?: string;
  hostname?: string;
  webuiUrl?: string;
  /** Terminal tasks kept in history per request. */
  historyPerRequest?: number;
  now?: () => number;
}

export type DesiredProvider = (s: Scheduler) => DesiredDeployment[];
export type KillGate = (task: TaskRecord) => Promise<void>;

/** Seconds Mesos keeps an offer's resources away from us after a decline. */
const REFUSE_WHILE_PENDING_S = 5;
const REFUSE_WHEN_IDLE_S = 120;
/** Agents not seen in an offer for this long stop counting as known (unless they hold tasks). */
const AGENT_FORGET_MS = 10 * 60_000;
/** Reasons that say the task's agent is gone: it stops counting as a known agent until it offers again. */
const AGENT_GONE_REASONS: ReadonlySet<string> = new Set(['REASON_AGENT_REMOVED', 'REASON_AGENT_DISCONNECTED', 'REASON_AGENT_UNKNOWN', 'REASON_AGENT_REMOVED_BY_OPERATOR']);
/** Level-triggered safety net: the loop runs at least this often. */
const TICK_MS = 5000;

/**
 * The running core: in-memory state backed by the store, and — while leader — the Mesos
 * subscription, the level-triggered reconcile loop (desired → launches and kills), offer
 * matching, status handling and reconciliation.
 */
export class Scheduler {
  readonly requests = new Map<string, RequestRecord>();
  /** Key `requestId/deployId`. */
  readonly deploys = new Map<string, DeployRecord>();
  readonly tasks = new Map<string, TaskRecord>();
  /** Key `requestId/deployId`: why tasks of that deploy are still pending. */
  readonly pendingReasons = new Map<string, string>();
  readonly agents = new Map<string, AgentInfoSeen>();
  readonly events = new EventEmitter<SchedulerEvents>();
  readonly store: StateStore;
  readonly log: Logger;
  frameworkId: string | undefined;

  private provider: DesiredProvider = defaultDesired;
  private killGate: KillGate | null = null;
  private readonly crash = new Map<string, CrashState>();
  private readonly offers = new Map<string, Offer>();
  private readonly historyIndex = new Map<string, { taskId: string; at: number }[]>();
  private readonly finished = new Map<string, number>();
  private readonly killsInFlight = new Set<string>();
  private client: SchedulerClient | null = null;
  private reconciler: Reconciler | null = null;
  private leader = false;
  private subscribedAt = 0;
  /** Bumped by every step-down, so a take-over still loading state knows it is stale. */
  private epoch = 0;
  private suppressed = false;
  private cycleRunning = false;
  private cycleAgain = false;
  private cycleScheduled = false;
  private tickTimer: NodeJS.Timeout | null = null;
  private dueTimer: NodeJS.Timeout | null = null;
  private readonly now: () => number;
  private readonly executorCmd: string;

  constructor(private readonly options: SchedulerOptions) {
    this.store = options.store;
    this.log = options.log;
    this.now = options.now ?? Date.now;
    this.executorCmd = options.executorCmd ?? process.env.GRIDDLE_EXECUTOR_CMD ?? `node ${defaultExecutorPath()}`;
  }

  get isLeader(): boolean {
    return this.leader;
  }

  get subscribed(): boolean {
    return this.client?.subscribed ?? false;
  }

  get masterUrl(): string | null {
    return this.client?.master ?? null;
  }

  // ---- state ----

  /** Loads everything from the store (at startup and when becoming leader). */
  async load(): Promise<void> {
    this.apply(await this.fetchState());
  }

  /** A standby's view of the leader's writes; dropped if this instance became leader meanwhile. */
  async refreshFromStore(): Promise<void> {
    const state = await this.fetchState();
    if (!this.leader) this.apply(state);
  }

  private async fetchState(): Promise<Map<string, unknown>[]> {
    return Promise.all([
      this.store.load('requests'), this.store.load('deploys'), this.store.load('tasks'),
      this.store.load('framework'), this.store.load('history-tasks'),
    ]);
  }

  private apply([requests, deploys, tasks, framework, history]: Map<string, unknown>[]): void {
    this.requests.clear();
    for (const [id, v] of requests) this.requests.set(id, v as RequestRecord);
    this.deploys.clear();
    for (const [id, v] of deploys) this.deploys.set(id, v as DeployRecord);
    this.tasks.clear();
    for (const [id, v] of tasks) this.tasks.set(id, v as TaskRecord);
    this.historyIndex.clear();
    this.finished.clear();
    for (const [id, v] of history) {
      const t = v as TaskRecord;
      this.indexHistory(t.requestId, id, t.updatedAt);
      this.countFinished(t);
    }
    const fw = framework.get('id') as { id?: string } | undefined;
    this.frameworkId = fw?.id;
  }

  putRequest(record: RequestRecord): void {
    const previous = this.requests.get(record.request.id);
    this.requests.set(record.request.id, record);
    this.store.put('requests', record.request.id, record);
    this.events.emit('request', record, previous);
    this.poke();
  }

  putDeploy(record: DeployRecord): void {
    const key = deployKey(record.deploy.requestId, record.deploy.id);
    const previous = this.deploys.get(key);
    this.deploys.set(key, record);
    this.store.put('deploys', key, record);
    this.events.emit('deploy', record, previous);
    this.poke();
  }

  /** Removes a request; its tasks are no longer desired and get killed by the loop. */
  deleteRequest(id: string): void {
    const previous = this.requests.get(id);
    if (!previous) return;
    this.requests.delete(id);
    this.store.delete('requests', id);
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

  setKillGate(fn: KillGate | null): void {
    this.killGate = fn;
  }

  /** The TaskInfo sent for a task (Mesos JSON mapping). */
  mesosTaskInfo(task: TaskRecord | string): TaskInfo | undefined {
    const record = typeof task === 'string' ? this.tasks.get(task) : task;
    return record?.taskInfo as TaskInfo | undefined;
  }

  /** Tasks of a deploy that ended TASK_FINISHED (what RUN_ONCE requests count). */
  finishedCount(requestId: string, deployId: string): number {
    return this.finished.get(deployKey(requestId, deployId)) ?? 0;
  }

  private countFinished(t: TaskRecord): void {
    if (t.state !== 'TASK_FINISHED') return;
    const key = deployKey(t.requestId, t.deployId);
    this.finished.set(key, (this.finished.get(key) ?? 0) + 1);
  }

  /** Agents known now: seen in a recent offer, or holding a task. */
  knownAgentCount(): number {
    const ids = new Set<string>();
    const cutoff = this.now() - AGENT_FORGET_MS;
    for (const a of this.agents.values()) if (a.lastOfferAt >= cutoff) ids.add(a.agentId);
    for (const t of this.tasks.values()) if (countsAsInstance(t)) ids.add(t.agentId);
    return ids.size;
  }

  // ---- leadership ----

  /** Starts acting: loads the state, subscribes to Mesos (same framework id) and runs the loop. */
  async becomeLeader(): Promise<void> {
    if (this.leader) return;
    const epoch = ++this.epoch;
    await this.load();
    // Leadership may have been lost while the state was loading.
    if (epoch !== this.epoch || this.leader) return;
    this.leader = true;
    const detector = this.options.detector ?? createMasterDetector(this.options.master ?? 'http://127.0.0.1:5050');
    const client = new SchedulerClient({
      detector,
      contentType: this.options.contentType ?? CONTENT_TYPE_JSON,
      frameworkInfo: () => this.frameworkInfo(),
      log: this.log,
    });
    this.client = client;
    this.reconciler = new Reconciler(
      (tasks) => client.call({ type: 'RECONCILE', reconcile: { tasks: tasks.map((t) => ({ task_id: { value: t.taskId }, agent_id: t.agentId ? { value: t.agentId } : undefined })) } }),
      // Only tasks launched before this subscription: a newer one may not have reached the
      // master yet, and it would answer that it does not know it.
      () => [...this.tasks.values()].filter((t) => !endsTask(t.state) && t.startedAt < this.subscribedAt).map((t) => ({ taskId: t.taskId, agentId: t.agentId })),
      (phase) => this.log.debug({ phase }, 'reconciliation round sent'),
    );
    client.on('subscribed', (id, master) => void this.onSubscribed(id, master));
    client.on('offers', (offers) => this.onOffers(offers));
    client.on('rescind', (id) => this.offers.delete(id));
    client.on('update', (status) => void this.onUpdate(status));
    client.on('failure', (f) => {
      // A FAILURE without an executor id is the loss of a whole agent.
      if (f.agent_id && !f.executor_id) this.agents.delete(f.agent_id.value);
    });
    client.on('failure', (f) => this.log.warn({ agentId: f.agent_id?.value, executorId: f.executor_id?.value, status: f.status }, 'executor or agent failure'));
    client.on('error', (message) => this.log.error({ message }, 'Mesos master sent ERROR'));
    client.on('disconnected', (why) => {
      this.offers.clear();
      this.reconciler?.stop();
      this.events.emit('disconnected', why);
    });
    client.start();
    this.tickTimer = setInterval(() => this.poke(), TICK_MS);
    this.events.emit('leader', true);
  }

  /** Stops acting at once: no Mesos call leaves after this returns. */
  stepDown(): void {
    this.epoch++;
    if (!this.leader) return;
    this.leader = false;
    this.client?.stop();
    this.client?.removeAllListeners();
    this.client = null;
    this.reconciler?.stop();
    this.reconciler = null;
    this.offers.clear();
    if (this.tickTimer) clearInterval(this.tickTimer);
    if (this.dueTimer) clearTimeout(this.dueTimer);
    this.tickTimer = null;
    this.dueTimer = null;
    this.events.emit('leader', false);
  }

  async close(): Promise<void> {
    this.stepDown();
    await this.store.flush().catch((err: Error) => this.log.error({ err: err.message }, 'state flush failed at close'));
  }

  private frameworkInfo(): FrameworkInfo {
    const info: FrameworkInfo = {
      user: this.options.user ?? safeUser(),
      name: this.options.frameworkName ?? 'griddle',
      failover_timeout: this.options.failoverTimeoutSeconds ?? 7 * 24 * 3600,
      checkpoint: true,
      hostname: this.options.hostname ?? os.hostname(),
      capabilities: [{ type: 'PARTITION_AWARE' }, { type: 'TASK_KILLING_STATE' }],
    };
    if (this.options.webuiUrl) info.webui_url = this.options.webuiUrl;
    if (this.frameworkId) info.id = { value: this.frameworkId };
    return info;
  }

  private async onSubscribed(frameworkId: string, master: string): Promise<void> {
    this.subscribedAt = this.now();
    if (frameworkId !== this.frameworkId) {
      this.frameworkId = frameworkId;
      this.store.put('framework', 'id', { id: frameworkId });
      await this.store.flush();
    }
    this.suppressed = false;
    this.log.info({ frameworkId, master }, 'subscribed to Mesos');
    this.events.emit('subscribed', frameworkId, master);
    this.reconciler?.start();
    // Kills decided while disconnected (or before a failover) are sent again.
    for (const t of this.tasks.values()) {
      if (t.killRequestedAt !== undefined && !endsTask(t.state)) void this.sendKill(t);
    }
    this.poke();
  }

  // ---- the loop ----

  /** Re-runs the reconcile loop soon (coalesced). */
  poke(): void {
    if (!this.leader || this.cycleScheduled) return;
    this.cycleScheduled = true;
    setImmediate(() => {
      this.cycleScheduled = false;
      void this.runCycle();
    });
  }

  private onOffers(offers: Offer[]): void {
    const now = this.now();
    for (const offer of offers) {
      this.offers.set(offer.id.value, offer);
      const attributes: Record<string, string> = {};
      for (const a of offer.attributes ?? []) attributes[a.name] = a.text?.value ?? String(a.scalar?.value ?? '');
      this.agents.set(offer.agent_id.value, { agentId: offer.agent_id.value, hostname: offer.hostname, attributes, lastOfferAt: now });
    }
    this.events.emit('offers', offers);
    this.poke();
  }

  private async runCycle(): Promise<void> {
    if (this.cycleRunning) {
      this.cycleAgain = true;
      return;
    }
    this.cycleRunning = true;
    try {
      do {
        this.cycleAgain = false;
        await this.cycle();
      } while (this.cycleAgain && this.leader);
    } catch (err) {
      this.log.error({ err: (err as Error).message, stack: (err as Error).stack }, 'scheduling cycle failed');
    } finally {
      this.cycleRunning = false;
    }
  }

  private async cycle(): Promise<void> {
    const client = this.client;
    if (!this.leader || !client) return;
    const now = this.now();
    for (const t of this.tasks.values()) {
      const key = deployKey(t.requestId, t.deployId);
      if (this.crash.has(key) && isHealthyRun(t, now)) this.crash.delete(key);
    }
    const desired = this.desired();
    const plan = planReconcile({ desired, tasks: this.tasks.values(), crash: this.crash, now });
    for (const kill of plan.kills) void this.killTask(kill.taskId, kill.reason);

    const reasons = new Map(plan.waiting);
    const demands: TaskDemand[] = [];
    const instancesByKey = new Map(desired.map((d) => [deployKey(d.requestId, d.deployId), d.instances]));
    for (const launch of plan.launches) {
      const key = deployKey(launch.requestId, launch.deployId);
      const demand = this.demandFor(launch.requestId, launch.deployId, launch.instanceNo, instancesByKey.get(key) ?? 1);
      if (typeof demand === 'string') reasons.set(key, demand);
      else demands.push(demand);
    }
    if (this.dueTimer) clearTimeout(this.dueTimer);
    this.dueTimer = plan.nextDueAt === null ? null : setTimeout(() => this.poke(), Math.max(0, plan.nextDueAt - now) + 10);

    if (!client.subscribed) {
      for (const d of demands) reasons.set(d.group, 'not subscribed to a Mesos master yet');
      this.setReasons(reasons);
      return;
    }
    const offers = [...this.offers.values()];
    // An offer is used once: it leaves the pool before anything is awaited.
    this.offers.clear();
    if (demands.length === 0) {
      this.setReasons(reasons);
      if (offers.length > 0) void this.decline(offers, REFUSE_WHEN_IDLE_S);
      if (plan.waiting.size === 0 && !this.suppressed) {
        this.suppressed = true;
        void client.call({ type: 'SUPPRESS', suppress: {} }).catch((err: Error) => this.log.warn({ err: err.message }, 'SUPPRESS failed'));
      }
      return;
    }
    if (this.suppressed) {
      this.suppressed = false;
      void client.call({ type: 'REVIVE', revive: {} }).catch((err: Error) => this.log.warn({ err: err.message }, 'REVIVE failed'));
    }
    if (offers.length === 0) {
      for (const d of demands) if (!reasons.has(d.group)) reasons.set(d.group, 'waiting for offers');
      this.setReasons(reasons);
      return;
    }
    const result = matchOffers({ demands, offers, loads: this.agentLoads(), knownAgents: Math.max(this.knownAgentCount(), new Set(offers.map((o) => o.agent_id.value)).size) });
    for (const [group, { count, reason }] of result.unplaced) reasons.set(group, `${count} task(s) pending: ${reason}`);
    this.setReasons(reasons);

    const byOffer = new Map<string, { offer: Offer; tasks: TaskInfo[]; records: TaskRecord[] }>();
    for (const a of result.assignments) {
      const record = this.launchRecord(a, now);
      if (!record) continue;
      let entry = byOffer.get(a.offer.id.value);
      if (!entry) byOffer.set(a.offer.id.value, (entry = { offer: a.offer, tasks: [], records: [] }));
      entry.tasks.push(record.taskInfo as TaskInfo);
      entry.records.push(record);
    }
    const unused = offers.filter((o) => !byOffer.has(o.id.value));
    if (unused.length > 0) void this.decline(unused, REFUSE_WHILE_PENDING_S);
    if (byOffer.size === 0) return;
    // Write-ahead: a task is on record before Mesos hears of it, so a crash right after the
    // ACCEPT leaves a known task to reconcile, never an unknown one to kill.
    try {
      await this.store.flush();
    } catch (err) {
      this.log.error({ err: (err as Error).message }, 'could not persist new tasks; not launching them');
      for (const { records, offer } of byOffer.values()) {
        for (const r of records) this.finishTask(r, { ...r, state: 'TASK_DROPPED', message: 'state store write failed before launch', updatedAt: this.now() }, false);
        void this.decline([offer], REFUSE_WHILE_PENDING_S);
      }
      return;
    }
    if (!this.leader || this.client !== client) return;
    for (const { offer, tasks, records } of byOffer.values()) {
      client.call({
        type: 'ACCEPT',
        accept: { offer_ids: [offer.id], operations: [{ type: 'LAUNCH', launch: { task_infos: tasks } }], filters: { refuse_seconds: REFUSE_WHILE_PENDING_S } },
      }).catch((err: Error) => {
        this.log.warn({ err: err.message, offerId: offer.id.value, tasks: tasks.length }, 'ACCEPT failed; reconciling its tasks');
        void client.call({ type: 'RECONCILE', reconcile: { tasks: records.map((r) => ({ task_id: { value: r.taskId }, agent_id: { value: r.agentId } })) } }).catch(() => {});
      });
    }
  }

  private setReasons(reasons: Map<string, string>): void {
    for (const key of [...this.pendingReasons.keys()]) if (!reasons.has(key)) this.pendingReasons.delete(key);
    for (const [key, reason] of reasons) this.pendingReasons.set(key, reason);
  }

  private agentLoads(): Map<string, AgentLoad> {
    const loads = new Map<string, AgentLoad>();
    for (const t of this.tasks.values()) {
      if (!countsAsInstance(t)) continue;
      let load = loads.get(t.agentId);
      if (!load) loads.set(t.agentId, (load = emptyLoad()));
      load.byRequest.set(t.requestId, (load.byRequest.get(t.requestId) ?? 0) + 1);
      const key = deployKey(t.requestId, t.deployId);
      load.byDeploy.set(key, (load.byDeploy.get(key) ?? 0) + 1);
    }
    return loads;
  }

  private demandFor(requestId: string, deployId: string, instanceNo: number, instances: number): TaskDemand | string {
    const request = this.requests.get(requestId);
    const deploy = this.deploys.get(deployKey(requestId, deployId));
    if (!request) return `request ${requestId} not found`;
    if (!deploy) return `deploy ${deployId} of ${requestId} not found`;
    const res = deploy.deploy.resources;
    const hostPorts = (deploy.deploy.containerInfo?.docker?.portMappings ?? [])
      .filter((m) => (m.hostPortType ?? 'LITERAL') === 'LITERAL').map((m) => m.hostPort);
    return {
      key: `${requestId}/${deployId}/${instanceNo}`,
      group: deployKey(requestId, deployId),
      requestId,
      deployId,
      cpus: res?.cpus ?? 1,
      memMb: res?.memoryMb ?? 64,
      diskMb: res?.diskMb ?? 0,
      numPorts: res?.numPorts ?? 0,
      hostPorts,
      placement: request.request.agentPlacement ?? 'OPTIMISTIC',
      requiredAttributes: request.request.requiredAgentAttributes,
      allowedAttributes: request.request.allowedAgentAttributes,
      instances,
      maxTasksPerOffer: request.request.maxTasksPerOffer,
    };
  }

  private launchRecord(a: Assignment, now: number): TaskRecord | null {
    const { requestId, deployId } = a.demand;
    const request = this.requests.get(requestId)!;
    const deploy = this.deploys.get(deployKey(requestId, deployId))!;
    const instanceNo = Number(a.demand.key.slice(a.demand.key.lastIndexOf('/') + 1));
    let taskId = makeTaskId(requestId, deployId, now, instanceNo, a.offer.hostname);
    while (this.tasks.has(taskId)) taskId = makeTaskId(requestId, deployId, now + 1, instanceNo, a.offer.hostname);
    let taskInfo: TaskInfo;
    try {
      taskInfo = buildTaskInfo({
        taskId, agentId: a.offer.agent_id.value, request: request.request, deploy: deploy.deploy,
        ports: a.ports, resources: a.resources, executorCmd: this.executorCmd,
      });
    } catch (err) {
      this.pendingReasons.set(a.demand.group, `invalid deploy: ${(err as Error).message}`);
      return null;
    }
    const record: TaskRecord = {
      taskId, requestId, deployId, instanceNo,
      agentId: a.offer.agent_id.value, hostname: a.offer.hostname, ports: a.ports,
      startedAt: now, updatedAt: now, state: 'TASK_STAGING', taskInfo,
    };
    this.tasks.set(taskId, record);
    this.store.put('tasks', taskId, record);
    this.logTask(record);
    this.events.emit('task', record, undefined);
    return record;
  }

  private async decline(offers: Offer[], refuseSeconds: number): Promise<void> {
    if (!this.client) return;
    try {
      await this.client.call({ type: 'DECLINE', decline: { offer_ids: offers.map((o) => o.id), filters: { refuse_seconds: refuseSeconds } } });
    } catch (err) {
      this.log.debug({ err: (err as Error).message }, 'DECLINE failed');
    }
  }

  // ---- kills ----

  /** Kills a task: marks it, passes the kill gate (discovery drains it), then sends KILL. */
  async killTask(taskId: string, why: string): Promise<void> {
    const task = this.tasks.get(taskId);
    if (!task || endsTask(task.state)) return;
    if (task.killRequestedAt === undefined) {
      const next: TaskRecord = { ...task, killRequestedAt: this.now(), killReason: why, updatedAt: this.now() };
      this.tasks.set(taskId, next);
      this.store.put('tasks', taskId, next);
      this.log.info({ requestId: task.requestId, deployId: task.deployId, taskId, host: task.hostname, why }, 'killing task');
      this.events.emit('task', next, task);
      this.poke();
    }
    if (this.killsInFlight.has(taskId)) return;
    this.killsInFlight.add(taskId);
    try {
      if (this.killGate) {
        try {
          await this.killGate(this.tasks.get(taskId) ?? task);
        } catch (err) {
          this.log.warn({ taskId, err: (err as Error).message }, 'kill gate failed; killing anyway');
        }
      }
      const current = this.tasks.get(taskId);
      if (current && !endsTask(current.state)) await this.sendKill(current);
    } finally {
      this.killsInFlight.delete(taskId);
    }
  }

  private async sendKill(task: TaskRecord): Promise<void> {
    if (!this.client?.subscribed) return; // sent again after the next subscribe
    try {
      await this.client.call({ type: 'KILL', kill: { task_id: { value: task.taskId }, agent_id: { value: task.agentId } } });
    } catch (err) {
      this.log.warn({ taskId: task.taskId, err: (err as Error).message }, 'KILL failed; retried after reconciliation');
    }
  }

  // ---- status updates ----

  private async onUpdate(status: TaskStatus): Promise<void> {
    const client = this.client;
    const taskId = status.task_id.value;
    this.events.emit('status', status, this.now());
    this.reconciler?.answered(taskId);
    const task = this.tasks.get(taskId);
    if (!task) {
      if (!endsTask(status.state) && status.state !== 'TASK_UNREACHABLE' && client) {
        this.log.warn({ taskId, state: status.state, agentId: status.agent_id?.value }, 'killing a task unknown to Griddle');
        void client.call({ type: 'KILL', kill: { task_id: { value: taskId }, agent_id: status.agent_id } }).catch(() => {});
      }
      await this.acknowledge(status);
      return;
    }
    if (status.reason === 'REASON_RECONCILIATION' && endsTask(status.state) && task.startedAt >= this.subscribedAt) {
      // An answer to a reconciliation asked before this task was launched: it says nothing about it.
      this.log.debug({ taskId, state: status.state }, 'ignoring a stale reconciliation answer');
      return;
    }
    if (status.reason !== undefined && AGENT_GONE_REASONS.has(status.reason)) this.agents.delete(task.agentId);
    const request = this.requests.get(task.requestId);
    const outcome = applyStatus(task, status, request?.request.requestType, this.now());
    if (!outcome.ignored) {
      if (outcome.finished) {
        this.finishTask(task, outcome.task, outcome.crashed);
      } else {
        this.tasks.set(taskId, outcome.task);
        this.store.put('tasks', taskId, outcome.task);
        this.logTask(outcome.task);
        this.events.emit('task', outcome.task, task);
      }
      // A reconciliation answer that the task is still running, while Griddle wants it gone.
      if (!outcome.finished && outcome.task.killRequestedAt !== undefined && status.reason === 'REASON_RECONCILIATION') {
        void this.sendKill(outcome.task);
      }
      this.poke();
    }
    try {
      await this.store.flush();
    } catch (err) {
      // Not acknowledged: the agent sends the update again and it is persisted then.
      this.log.error({ taskId, err: (err as Error).message }, 'could not persist status update; not acknowledging');
      return;
    }
    await this.acknowledge(status);
  }

  private async acknowledge(status: TaskStatus): Promise<void> {
    // Master-generated updates (reconciliation answers among them) carry no uuid and take no ack.
    if (!status.uuid || !status.agent_id || !this.client?.subscribed) return;
    try {
      await this.client.call({ type: 'ACKNOWLEDGE', acknowledge: { agent_id: status.agent_id, task_id: status.task_id, uuid: status.uuid } });
    } catch (err) {
      this.log.debug({ taskId: status.task_id.value, err: (err as Error).message }, 'ACKNOWLEDGE failed; the agent will resend');
    }
  }

  private finishTask(previous: TaskRecord, ended: TaskRecord, crashed: boolean): void {
    this.tasks.delete(ended.taskId);
    this.store.delete('tasks', ended.taskId);
    const history = { ...ended };
    this.store.put('history-tasks', ended.taskId, history);
    this.indexHistory(ended.requestId, ended.taskId, ended.updatedAt);
    this.trimHistory(ended.requestId);
    this.countFinished(ended);
    if (crashed) {
      const key = deployKey(ended.requestId, ended.deployId);
      this.crash.set(key, recordFailure(this.crash.get(key), this.now()));
    }
    this.logTask(ended);
    this.events.emit('task', ended, previous);
  }

  private indexHistory(requestId: string, taskId: string, at: number): void {
    let list = this.historyIndex.get(requestId);
    if (!list) this.historyIndex.set(requestId, (list = []));
    list.push({ taskId, at });
  }

  private trimHistory(requestId: string): void {
    const list = this.historyIndex.get(requestId);
    const max = this.options.historyPerRequest ?? 100;
    if (!list || list.length <= max) return;
    list.sort((a, b) => a.at - b.at);
    for (const old of list.splice(0, list.length - max)) this.store.delete('history-tasks', old.taskId);
  }

  private logTask(task: TaskRecord): void {
    this.log.info({
      requestId: task.requestId, deployId: task.deployId, taskId: task.taskId, host: task.hostname,
      state: task.state, reason: task.reason, message: task.message, healthy: task.healthy,
    }, `task ${isTerminalState(task.state) ? 'ended' : 'state'} ${task.state}`);
  }
}

function safeUser(): string {
  try {
    return os.userInfo().username || 'root';
  } catch {
    return 'root';
  }
}

/** This install's executor: `dist/executor/main.js` beside the compiled scheduler. */
export function defaultExecutorPath(): string {
  // Compiled: dist/scheduler/core/scheduler.js → dist/executor/main.js. From sources (tests),
  // the compiled executor is still the one agents run.
  if (__dirname.includes(`${path.sep}dist${path.sep}`)) return path.resolve(__dirname, '..', '..', 'executor', 'main.js');
  return path.resolve(__dirname, '..', '..', 'dist', 'executor', 'main.js');
}
