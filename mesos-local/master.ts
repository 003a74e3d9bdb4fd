/**
 * The master's core: frameworks, offers, tasks and agents, and what each scheduler call does
 * to them. No HTTP here: the adapter (master-http.ts) decodes calls and hands over a
 * FrameworkConnection per event stream; agents talk to it through AgentLink. Behaviour
 * follows Apache Mesos's master (src/master/master.cpp) where a framework can observe it.
 */
import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import { systemClock, type Clock, type Logger } from '../common';
import {
  isTerminalState, addResources,
  type Attribute, type ExecutorInfo, type FrameworkInfo, type KillPolicy, type MasterInfo, type Offer,
  type Resource, type SchedulerCall, type SchedulerEvent, type TaskInfo, type TaskState, type TaskStatus, type TaskStatusReason,
} from '../mesos-proto';
import { Allocator } from './allocator';
import { validateAccept } from './launch-validation';
import { reconcileTask, type AgentStanding } from './reconciliation';

export const MESOS_VERSION = '1.11.0';

/** One SUBSCRIBE stream of a framework. */
export interface FrameworkConnection {
  readonly streamId: string;
  send(event: SchedulerEvent): void;
  close(): void;
}

/** What the master asks of an agent. */
export interface AgentLink {
  runTask(framework: FrameworkInfo, task: TaskInfo): void;
  killTask(frameworkId: string, taskId: string, killPolicy?: KillPolicy): void;
  shutdownExecutor(frameworkId: string, executorId: string): void;
  shutdownFramework(frameworkId: string): void;
  acknowledge(frameworkId: string, taskId: string, uuid: string): void;
  frameworkMessage(frameworkId: string, executorId: string, data: string): void;
  /** The framework (re-)subscribed: pending status updates go out again now. */
  frameworkSubscribed(frameworkId: string): void;
}

/** A task as an agent reports it when it (re-)registers. */
export interface ReportedTask {
  frameworkId: string;
  task: TaskInfo;
  state: TaskState;
  executor?: ExecutorInfo;
}

export interface AgentRegistration {
  id: string;
  hostname: string;
  port: number;
  resources: Resource[];
  attributes: Attribute[];
  link: AgentLink;
  tasks?: ReportedTask[];
}

export interface MasterTask {
  info: TaskInfo;
  frameworkId: string;
  agentId: string;
  executorId?: string;
  state: TaskState;
  /** State of the latest update forwarded to the framework (what reconciliation answers). */
  statusUpdateState?: TaskState;
  statusUpdateUuid?: string;
  statuses: TaskStatus[];
  healthy?: boolean;
  resourcesRecovered: boolean;
  unreachableTime?: number;
}

export interface MasterFramework {
  id: string;
  info: FrameworkInfo;
  connection: FrameworkConnection | null;
  partitionAware: boolean;
  tasks: Map<string, MasterTask>;
  unreachableTasks: Map<string, MasterTask>;
  completedTasks: MasterTask[];
  offers: Set<string>;
  registeredTime: number;
  reregisteredTime?: number;
  unregisteredTime?: number;
  /** Known from agents after a master failover, not yet re-subscribed. */
  recovered: boolean;
  failoverTimer?: unknown;
  heartbeatTimer?: unknown;
}

export interface MasterAgent extends Omit<AgentRegistration, 'tasks'> {
  standing: 'active' | 'disconnected' | 'unreachable';
  registeredTime: number;
  reregisteredTime?: number;
  unreachableTime?: number;
  /** frameworkId/executorId → executor and its resources. */
  executors: Map<string, { frameworkId: string; info: ExecutorInfo }>;
  /** frameworkId/taskId of the tasks on it. */
  tasks: Set<string>;
  offers: Set<string>;
  pingTimer?: unknown;
}

interface OfferRecord {
  offer: Offer;
  frameworkId: string;
  agentId: string;
  resources: Resource[];
}

export interface MasterOptions {
  hostname?: string;
  ip?: string;
  port: number;
  allocationIntervalMs?: number;
  heartbeatIntervalMs?: number;
  /** How long a disconnected agent has before it is marked unreachable (Mesos: 15 s × 5 pings). */
  agentPingTimeoutMs?: number;
  timers?: Clock;
  log: Logger;
}

const MAX_COMPLETED_TASKS = 1000;
const MAX_COMPLETED_FRAMEWORKS = 50;
const MAX_STATUSES = 16;

export class Master {
  id = '';
  readonly hostname: string;
  readonly ip: string;
  port: number;
  startTime: number;
  electedTime: number | null = null;
  readonly frameworks = new Map<string, MasterFramework>();
  readonly completedFrameworks: MasterFramework[] = [];
  readonly agents = new Map<string, MasterAgent>();
  readonly goneAgents = new Set<string>();
  private completedFrameworkIds = new Set<string>();
  private readonly offers = new Map<string, OfferRecord>();
  private allocator = new Allocator();
  private readonly timers: Clock;
  private readonly log: Logger;
  private readonly allocationIntervalMs: number;
  readonly heartbeatIntervalMs: number;
  private readonly agentPingTimeoutMs: number;
  private allocationTimer: unknown;
  private allocationSoon: unknown;
  private frameworkSeq = 0;
  private offerSeq = 0;
  private stopped = false;

  constructor(options: MasterOptions) {
    this.hostname = options.hostname ?? '127.0.0.1';
    this.ip = options.ip ?? '127.0.0.1';
    this.port = options.port;
    this.timers = options.timers ?? systemClock;
    this.log = options.log;
    this.allocationIntervalMs = options.allocationIntervalMs ?? 1000;
    this.heartbeatIntervalMs = options.heartbeatIntervalMs ?? 15_000;
    this.agentPingTimeoutMs = options.agentPingTimeoutMs ?? 75_000;
    this.startTime = this.timers.now();
    this.newIdentity();
    this.scheduleAllocationCycle();
  }

  masterInfo(): MasterInfo {
    return {
      id: this.id,
      ip: ipToNetworkOrderInt(this.ip),
      port: this.port,
      pid: `master@${this.ip}:${this.port}`,
      hostname: this.hostname,
      version: MESOS_VERSION,
      address: { hostname: this.hostname, ip: this.ip, port: this.port },
    };
  }

  // ---- scheduler calls ----

  subscribe(subscribe: NonNullable<SchedulerCall['subscribe']>, connection: FrameworkConnection): void {
    const info = subscribe.framework_info;
    const error = validateFrameworkInfo(info);
    if (error) return this.refuse(connection, error);
    const requestedId = info.id?.value;
    if (requestedId !== undefined && this.completedFrameworkIds.has(requestedId)) {
      return this.refuse(connection, 'Framework has been removed');
    }
    const now = this.timers.now();
    const suppressed = (subscribe.suppressed_roles ?? []).length > 0;
    let framework = requestedId !== undefined ? this.frameworks.get(requestedId) : undefined;
    if (framework) {
      const previous = framework.connection;
      if (previous) {
        previous.send({ type: 'ERROR', error: { message: 'Framework failed over' } });
        this.closeConnection(framework);
      }
      this.timers.clearTimeout(framework.failoverTimer);
      framework.failoverTimer = undefined;
      framework.info = { ...info, id: { value: framework.id } };
      framework.partitionAware = hasCapability(info, 'PARTITION_AWARE');
      framework.reregisteredTime = now;
      framework.unregisteredTime = undefined;
      framework.recovered = false;
      this.rescindFrameworkOffers(framework, false);
      this.log.info({ frameworkId: framework.id }, 'framework re-subscribed');
    } else {
      const id = requestedId ?? `${this.id}-${String(this.frameworkSeq++).padStart(4, '0')}`;
      framework = {
        id, info: { ...info, id: { value: id } }, connection: null, partitionAware: hasCapability(info, 'PARTITION_AWARE'),
        tasks: new Map(), unreachableTasks: new Map(), completedTasks: [], offers: new Set(), registeredTime: now, recovered: false,
      };
      this.frameworks.set(id, framework);
      this.log.info({ frameworkId: id, name: info.name }, requestedId ? 'framework re-subscribed after master failover' : 'framework subscribed');
    }
    framework.connection = connection;
    this.allocator.addFramework(framework.id, { suppressed });
    connection.send({
      type: 'SUBSCRIBED',
      subscribed: { framework_id: { value: framework.id }, heartbeat_interval_seconds: this.heartbeatIntervalMs / 1000, master_info: this.masterInfo() },
    });
    connection.send({ type: 'HEARTBEAT' });
    const fw = framework;
    const beat = (): void => {
      if (fw.connection !== connection) return;
      connection.send({ type: 'HEARTBEAT' });
      fw.heartbeatTimer = this.timers.setTimeout(beat, this.heartbeatIntervalMs);
    };
    fw.heartbeatTimer = this.timers.setTimeout(beat, this.heartbeatIntervalMs);
    for (const agent of this.agents.values()) if (agent.standing === 'active') agent.link.frameworkSubscribed(fw.id);
    this.allocateSoon();
  }

  /** The stream of `connection` ended (client went away or the master closed it). */
  disconnected(frameworkId: string, connection: FrameworkConnection): void {
    const framework = this.frameworks.get(frameworkId);
    if (!framework || framework.connection !== connection) return;
    framework.connection = null;
    this.timers.clearTimeout(framework.heartbeatTimer);
    framework.unregisteredTime = this.timers.now();
    this.allocator.setFrameworkActive(framework.id, false);
    this.rescindFrameworkOffers(framework, false);
    const timeoutMs = Math.max(0, (framework.info.failover_timeout ?? 0) * 1000);
    this.log.info({ frameworkId, failoverTimeoutSeconds: timeoutMs / 1000 }, 'framework disconnected');
    const remove = (): void => {
      if (framework.connection === null && this.frameworks.get(frameworkId) === framework) {
        this.log.info({ frameworkId }, 'framework failover timeout expired: removing it');
        this.removeFramework(framework);
      }
    };
    if (timeoutMs === 0) remove();
    else framework.failoverTimer = this.timers.setTimeout(remove, Math.min(timeoutMs, 2 ** 31 - 1));
  }

  /** A non-SUBSCRIBE call of a subscribed framework (the adapter checked the stream id). */
  handleCall(framework: MasterFramework, call: SchedulerCall): void {
    switch (call.type) {
      case 'TEARDOWN': return this.removeFramework(framework);
      case 'ACCEPT': return this.accept(framework, call.accept ?? {});
      case 'DECLINE': return this.decline(framework, call.decline ?? {});
      case 'REVIVE':
        this.allocator.revive(framework.id);
        this.allocateSoon();
        return;
      case 'SUPPRESS':
        this.allocator.suppress(framework.id);
        return;
      case 'KILL': return this.kill(framework, call.kill!);
      case 'SHUTDOWN': {
        const agent = this.agents.get(call.shutdown!.agent_id.value);
        if (agent && agent.standing === 'active') agent.link.shutdownExecutor(framework.id, call.shutdown!.executor_id.value);
        return;
      }
      case 'ACKNOWLEDGE': return this.acknowledge(framework, call.acknowledge!);
      case 'RECONCILE': return this.reconcile(framework, call.reconcile?.tasks ?? []);
      case 'MESSAGE': {
        const agent = this.agents.get(call.message!.agent_id.value);
        if (agent && agent.standing === 'active') agent.link.frameworkMessage(framework.id, call.message!.executor_id.value, call.message!.data);
        return;
      }
      default:
        // REQUEST, inverse offers and operation feedback: accepted and ignored, as Mesos does
        // for a cluster without maintenance windows or resource providers.
        return;
    }
  }

  /** UPDATE_FRAMEWORK: Mesos lets a framework change its FrameworkInfo except user, principal and checkpoint. */
  updateFramework(framework: MasterFramework, update: NonNullable<SchedulerCall['update_framework']>): string | null {
    const info = update.framework_info;
    const invalid = validateFrameworkInfo(info);
    if (invalid) return `Supplied FrameworkInfo is not valid: ${invalid}`;
    for (const field of ['user', 'principal', 'checkpoint'] as const) {
      if ((info[field] ?? null) !== (framework.info[field] ?? null)) return `FrameworkInfo update is not valid: Updating 'FrameworkInfo.${field}' is unsupported`;
    }
    framework.info = { ...info, id: { value: framework.id } };
    framework.partitionAware = hasCapability(info, 'PARTITION_AWARE');
    this.allocator.setSuppressed(framework.id, (update.suppressed_roles ?? []).length > 0);
    this.allocateSoon();
    return null;
  }

  getFramework(id: string): MasterFramework | undefined {
    return this.frameworks.get(id);
  }

  private accept(framework: MasterFramework, accept: NonNullable<SchedulerCall['accept']>): void {
    const offerIds = (accept.offer_ids ?? []).map((o) => o.value);
    const verdict = validateAccept({
      frameworkId: framework.id,
      partitionAware: framework.partitionAware,
      offerIds,
      operations: accept.operations ?? [],
      findOffer: (id) => {
        const rec = this.offers.get(id);
        return rec && { id, frameworkId: rec.frameworkId, agentId: rec.agentId, resources: rec.resources };
      },
      taskIdInUse: (taskId) => framework.tasks.has(taskId) || framework.unreachableTasks.has(taskId),
      existingExecutor: (agentId, executorId) => this.agents.get(agentId)?.executors.get(`${framework.id}/${executorId}`)?.info,
    });
    const now = this.timers.now();
    const used = verdict.usedOfferIds.map((id) => this.offers.get(id)!);
    for (const rec of used) this.removeOffer(rec);
    for (const op of verdict.ignoredOperations) this.log.warn({ frameworkId: framework.id, operation: op }, 'mesos-local does not perform this offer operation; ignored');
    for (const r of verdict.rejections) {
      this.sendUpdate(framework, masterStatus(r.task.task_id.value, r.state, r.reason, r.message, r.task.agent_id.value, now));
    }
    const agentId = verdict.agentId;
    if (agentId === undefined) {
      // Invalid offers: the known ones are discarded and their resources return unfiltered.
      for (const rec of used) this.allocator.recover(rec.agentId, framework.id, rec.resources, now);
      return;
    }
    const agent = this.agents.get(agentId);
    const refuse = accept.filters?.refuse_seconds ?? 5;
    if (!agent || agent.standing !== 'active') {
      // The agent went away between the offer and the accept: the launches are dropped.
      const state: TaskState = framework.partitionAware ? 'TASK_DROPPED' : 'TASK_LOST';
      for (const task of verdict.launches) {
        this.sendUpdate(framework, masterStatus(task.task_id.value, state, 'REASON_AGENT_UNKNOWN', 'Agent is not connected', agentId, now));
      }
      return;
    }
    this.allocator.recover(agentId, framework.id, verdict.leftover, now, refuse);
    for (const task of verdict.launches) {
      const executorId = task.executor?.executor_id.value;
      if (task.executor && executorId !== undefined && !agent.executors.has(`${framework.id}/${executorId}`)) {
        agent.executors.set(`${framework.id}/${executorId}`, { frameworkId: framework.id, info: { ...task.executor, framework_id: { value: framework.id } } });
      }
      const record: MasterTask = {
        info: task, frameworkId: framework.id, agentId, executorId, state: 'TASK_STAGING', statuses: [], resourcesRecovered: false,
      };
      framework.tasks.set(task.task_id.value, record);
      agent.tasks.add(`${framework.id}/${task.task_id.value}`);
      agent.link.runTask(framework.info, task);
    }
  }

  private decline(framework: MasterFramework, decline: NonNullable<SchedulerCall['decline']>): void {
    const refuse = decline.filters?.refuse_seconds ?? 5;
    const now = this.timers.now();
    for (const { value } of decline.offer_ids ?? []) {
      const rec = this.offers.get(value);
      if (!rec || rec.frameworkId !== framework.id) continue;
      this.removeOffer(rec);
      this.allocator.recover(rec.agentId, framework.id, rec.resources, now, refuse);
    }
  }

  private kill(framework: MasterFramework, kill: NonNullable<SchedulerCall['kill']>): void {
    const task = framework.tasks.get(kill.task_id.value);
    if (!task) {
      // Mesos answers a kill of a task it does not know with a reconciliation of that task.
      this.reconcile(framework, [{ task_id: kill.task_id, agent_id: kill.agent_id }]);
      return;
    }
    if (isTerminalState(task.state)) return;
    const agent = this.agents.get(task.agentId);
    if (agent && agent.standing === 'active') agent.link.killTask(framework.id, task.info.task_id.value, kill.kill_policy);
  }

  private acknowledge(framework: MasterFramework, ack: NonNullable<SchedulerCall['acknowledge']>): void {
    const agent = this.agents.get(ack.agent_id.value);
    if (!agent || agent.standing !== 'active') {
      this.log.warn({ frameworkId: framework.id, taskId: ack.task_id.value }, 'acknowledgement dropped: agent is not registered');
      return;
    }
    const task = framework.tasks.get(ack.task_id.value);
    if (task && task.statusUpdateUuid === ack.uuid && task.statusUpdateState && isTerminalState(task.statusUpdateState)) {
      this.completeTask(framework, task);
    }
    agent.link.acknowledge(framework.id, ack.task_id.value, ack.uuid);
  }

  private reconcile(framework: MasterFramework, queries: { task_id: { value: string }; agent_id?: { value: string } }[]): void {
    const now = this.timers.now();
    const statuses: TaskStatus[] = [];
    if (queries.length === 0) {
      for (const task of [...framework.tasks.values(), ...framework.unreachableTasks.values()]) {
        statuses.push(this.reconcileStatus(framework, task.info.task_id.value, task.agentId, now));
      }
    } else {
      for (const q of queries) statuses.push(this.reconcileStatus(framework, q.task_id.value, q.agent_id?.value, now));
    }
    for (const status of statuses) this.sendUpdate(framework, status);
  }

  private reconcileStatus(framework: MasterFramework, taskId: string, agentId: string | undefined, now: number): TaskStatus {
    const task = framework.tasks.get(taskId) ?? framework.unreachableTasks.get(taskId);
    const answer = reconcileTask(
      { taskId, agentId },
      task && { state: task.statusUpdateState ?? task.state, agentId: task.agentId, executorId: task.executorId, healthy: task.healthy },
      framework.partitionAware,
      (id) => this.standing(id),
    );
    const status = masterStatus(taskId, answer.state, 'REASON_RECONCILIATION', answer.message, answer.agentId, now);
    if (answer.executorId) status.executor_id = { value: answer.executorId };
    if (answer.healthy !== undefined) status.healthy = answer.healthy;
    return status;
  }

  private standing(agentId: string): AgentStanding {
    if (this.goneAgents.has(agentId)) return 'gone';
    const agent = this.agents.get(agentId);
    if (!agent) return 'unknown';
    return agent.standing === 'unreachable' ? 'unreachable' : 'registered';
  }

  // ---- agents ----

  registerAgent(reg: AgentRegistration): void {
    const existing = this.agents.get(reg.id);
    const now = this.timers.now();
    if (existing) return this.reregisterAgent(existing, reg);
    const agent: MasterAgent = {
      id: reg.id, hostname: reg.hostname, port: reg.port, resources: reg.resources, attributes: reg.attributes, link: reg.link,
      standing: 'active', registeredTime: now, executors: new Map(), tasks: new Set(), offers: new Set(),
    };
    this.agents.set(reg.id, agent);
    this.allocator.addAgent(reg.id, reg.resources);
    this.log.info({ agentId: reg.id, agentHostname: reg.hostname, port: reg.port }, 'agent registered');
    this.allocateSoon();
  }

  private reregisterAgent(agent: MasterAgent, reg: AgentRegistration): void {
    const now = this.timers.now();
    this.timers.clearTimeout(agent.pingTimer);
    const wasUnreachable = agent.standing === 'unreachable';
    agent.link = reg.link;
    agent.standing = 'active';
    agent.reregisteredTime = now;
    agent.unreachableTime = undefined;
    const nonAware = new Set<string>();
    for (const reported of reg.tasks ?? []) {
      const framework = this.frameworks.get(reported.frameworkId);
      if (!framework) continue;
      const taskId = reported.task.task_id.value;
      const unreachable = framework.unreachableTasks.get(taskId);
      if (unreachable) {
        framework.unreachableTasks.delete(taskId);
        unreachable.state = reported.state;
        unreachable.statusUpdateState = reported.state;
        unreachable.unreachableTime = undefined;
        unreachable.resourcesRecovered = isTerminalState(reported.state);
        framework.tasks.set(taskId, unreachable);
        agent.tasks.add(`${framework.id}/${taskId}`);
      } else if (wasUnreachable && !framework.tasks.has(taskId)) {
        // Tasks that were reported TASK_LOST to a framework without PARTITION_AWARE are shut down.
        nonAware.add(framework.id);
      }
      if (reported.executor && !agent.executors.has(`${framework.id}/${reported.executor.executor_id.value}`)) {
        agent.executors.set(`${framework.id}/${reported.executor.executor_id.value}`, { frameworkId: framework.id, info: reported.executor });
      }
    }
    for (const frameworkId of nonAware) agent.link.shutdownFramework(frameworkId);
    if (wasUnreachable || !this.allocator.hasAgent(agent.id)) {
      this.allocator.addAgent(agent.id, agent.resources, this.usedOnAgent(agent));
    } else {
      this.allocator.setAgentActive(agent.id, true);
    }
    this.log.info({ agentId: agent.id, wasUnreachable }, 'agent re-registered');
    for (const fw of this.frameworks.values()) if (fw.connection) agent.link.frameworkSubscribed(fw.id);
    this.allocateSoon();
  }

  /** The agent's connection is gone (process down): offers are rescinded, and it is marked unreachable after the ping timeout. */
  agentDisconnected(agentId: string): void {
    const agent = this.agents.get(agentId);
    if (!agent || agent.standing !== 'active') return;
    agent.standing = 'disconnected';
    this.allocator.setAgentActive(agentId, false);
    this.rescindAgentOffers(agent);
    this.log.info({ agentId }, 'agent disconnected');
    agent.pingTimer = this.timers.setTimeout(() => this.markAgentUnreachable(agentId), this.agentPingTimeoutMs);
  }

  /** The agent failed its health checks: its tasks become TASK_UNREACHABLE (TASK_LOST without PARTITION_AWARE). */
  markAgentUnreachable(agentId: string): void {
    const agent = this.agents.get(agentId);
    if (!agent || agent.standing === 'unreachable') return;
    const now = this.timers.now();
    this.timers.clearTimeout(agent.pingTimer);
    agent.standing = 'unreachable';
    agent.unreachableTime = now;
    this.rescindAgentOffers(agent);
    this.allocator.removeAgent(agentId);
    this.log.warn({ agentId }, 'agent marked unreachable');
    for (const key of [...agent.tasks]) {
      const [frameworkId, taskId] = splitKey(key);
      const framework = this.frameworks.get(frameworkId);
      const task = framework?.tasks.get(taskId);
      if (!framework || !task) continue;
      agent.tasks.delete(key);
      framework.tasks.delete(taskId);
      const state: TaskState = framework.partitionAware ? 'TASK_UNREACHABLE' : 'TASK_LOST';
      const status = masterStatus(taskId, state, 'REASON_AGENT_REMOVED', `Agent ${agent.hostname} removed: health check timed out`, agentId, now);
      if (task.executorId) status.executor_id = { value: task.executorId };
      if (framework.partitionAware) status.unreachable_time = { nanoseconds: Math.round(now * 1e6) };
      task.state = state;
      task.statusUpdateState = state;
      task.resourcesRecovered = true;
      if (framework.partitionAware) {
        task.unreachableTime = now;
        framework.unreachableTasks.set(taskId, task);
      } else {
        pushBounded(framework.completedTasks, task, MAX_COMPLETED_TASKS);
      }
      this.sendUpdate(framework, status);
    }
    agent.executors.clear();
  }

  /** A status update the agent forwards (and re-forwards until acknowledged). */
  statusUpdate(agentId: string, frameworkId: string, status: TaskStatus): void {
    const framework = this.frameworks.get(frameworkId);
    const agent = this.agents.get(agentId);
    if (!framework || !agent || agent.standing !== 'active') return;
    const task = framework.tasks.get(status.task_id.value);
    if (task) {
      task.state = status.state;
      task.statusUpdateState = status.state;
      task.statusUpdateUuid = status.uuid;
      if (status.healthy !== undefined) task.healthy = status.healthy;
      if (task.statuses[task.statuses.length - 1]?.uuid !== status.uuid) pushBounded(task.statuses, status, MAX_STATUSES);
      if (isTerminalState(status.state) && !task.resourcesRecovered) {
        task.resourcesRecovered = true;
        this.allocator.recover(agentId, frameworkId, task.info.resources ?? [], this.timers.now());
      }
    }
    this.sendUpdate(framework, status);
  }

  executorExited(agentId: string, frameworkId: string, executorId: string, waitStatus: number): void {
    const agent = this.agents.get(agentId);
    const key = `${frameworkId}/${executorId}`;
    const executor = agent?.executors.get(key);
    if (agent && executor) {
      agent.executors.delete(key);
      this.allocator.recover(agentId, frameworkId, executor.info.resources ?? [], this.timers.now());
    }
    const framework = this.frameworks.get(frameworkId);
    framework?.connection?.send({ type: 'FAILURE', failure: { agent_id: { value: agentId }, executor_id: { value: executorId }, status: waitStatus } });
  }

  executorMessage(agentId: string, frameworkId: string, executorId: string, data: string): void {
    this.frameworks.get(frameworkId)?.connection?.send({
      type: 'MESSAGE', message: { agent_id: { value: agentId }, executor_id: { value: executorId }, data },
    });
  }

  // ---- lifecycle ----

  /**
   * Simulates a master failover: every stream is dropped and outstanding offers vanish; the
   * new master knows the tasks again from the agents, the frameworks only as "recovered"
   * until they re-subscribe with their ids.
   */
  failover(): void {
    for (const framework of this.frameworks.values()) {
      this.timers.clearTimeout(framework.failoverTimer);
      framework.failoverTimer = undefined;
      this.closeConnection(framework);
      framework.recovered = true;
      framework.offers.clear();
    }
    this.offers.clear();
    for (const agent of this.agents.values()) agent.offers.clear();
    this.completedFrameworkIds = new Set();
    this.newIdentity();
    this.allocator = new Allocator();
    for (const agent of this.agents.values()) {
      if (agent.standing === 'unreachable') continue;
      this.allocator.addAgent(agent.id, agent.resources, this.usedOnAgent(agent));
      if (agent.standing === 'disconnected') this.allocator.setAgentActive(agent.id, false);
    }
    this.log.warn({ masterId: this.id }, 'master failed over');
  }

  stop(): void {
    this.stopped = true;
    this.timers.clearTimeout(this.allocationTimer);
    this.timers.clearTimeout(this.allocationSoon);
    for (const framework of this.frameworks.values()) {
      this.timers.clearTimeout(framework.failoverTimer);
      this.closeConnection(framework);
    }
    for (const agent of this.agents.values()) this.timers.clearTimeout(agent.pingTimer);
  }

  offerCount(): number {
    return this.offers.size;
  }

  offersOf(frameworkId: string): Offer[] {
    return [...(this.frameworks.get(frameworkId)?.offers ?? [])].map((id) => this.offers.get(id)!.offer);
  }

  usedOnAgent(agent: MasterAgent): Resource[] {
    let used: Resource[] = [];
    for (const key of agent.tasks) {
      const [frameworkId, taskId] = splitKey(key);
      const task = this.frameworks.get(frameworkId)?.tasks.get(taskId);
      if (task && !task.resourcesRecovered) used = addResources(used, task.info.resources ?? []);
    }
    for (const executor of agent.executors.values()) used = addResources(used, executor.info.resources ?? []);
    return used;
  }

  offeredOnAgent(agent: MasterAgent): Resource[] {
    let offered: Resource[] = [];
    for (const id of agent.offers) offered = addResources(offered, this.offers.get(id)?.resources ?? []);
    return offered;
  }

  // ---- internals ----

  private newIdentity(): void {
    this.id = randomUUID();
    this.frameworkSeq = 0;
  }

  private refuse(connection: FrameworkConnection, message: string): void {
    connection.send({ type: 'ERROR', error: { message } });
    connection.close();
  }

  private closeConnection(framework: MasterFramework): void {
    const connection = framework.connection;
    if (!connection) return;
    framework.connection = null;
    this.timers.clearTimeout(framework.heartbeatTimer);
    connection.close();
  }

  private removeFramework(framework: MasterFramework): void {
    const now = this.timers.now();
    this.timers.clearTimeout(framework.failoverTimer);
    this.closeConnection(framework);
    this.rescindFrameworkOffers(framework, false);
    const agentsWithWork = new Set<string>();
    for (const task of framework.tasks.values()) {
      agentsWithWork.add(task.agentId);
      this.agents.get(task.agentId)?.tasks.delete(`${framework.id}/${task.info.task_id.value}`);
      if (!isTerminalState(task.state)) {
        task.state = 'TASK_KILLED';
        if (!task.resourcesRecovered) this.allocator.recover(task.agentId, framework.id, task.info.resources ?? [], now);
      }
      pushBounded(framework.completedTasks, task, MAX_COMPLETED_TASKS);
    }
    framework.tasks.clear();
    for (const agent of this.agents.values()) {
      for (const [key, executor] of agent.executors) {
        if (executor.frameworkId !== framework.id) continue;
        agentsWithWork.add(agent.id);
        agent.executors.delete(key);
        this.allocator.recover(agent.id, framework.id, executor.info.resources ?? [], now);
      }
    }
    for (const agentId of agentsWithWork) {
      const agent = this.agents.get(agentId);
      if (agent && agent.standing !== 'unreachable') agent.link.shutdownFramework(framework.id);
    }
    this.allocator.removeFramework(framework.id);
    this.frameworks.delete(framework.id);
    framework.unregisteredTime = now;
    this.completedFrameworkIds.add(framework.id);
    pushBounded(this.completedFrameworks, framework, MAX_COMPLETED_FRAMEWORKS);
    this.log.info({ frameworkId: framework.id }, 'framework removed');
  }

  private completeTask(framework: MasterFramework, task: MasterTask): void {
    const taskId = task.info.task_id.value;
    framework.tasks.delete(taskId);
    this.agents.get(task.agentId)?.tasks.delete(`${framework.id}/${taskId}`);
    pushBounded(framework.completedTasks, task, MAX_COMPLETED_TASKS);
  }

  private sendUpdate(framework: MasterFramework, status: TaskStatus): void {
    framework.connection?.send({ type: 'UPDATE', update: { status } });
  }

  private removeOffer(rec: OfferRecord): void {
    const id = rec.offer.id.value;
    this.offers.delete(id);
    this.frameworks.get(rec.frameworkId)?.offers.delete(id);
    this.agents.get(rec.agentId)?.offers.delete(id);
  }

  /** Takes back a framework's offers; `notify` sends RESCIND events. */
  private rescindFrameworkOffers(framework: MasterFramework, notify: boolean): void {
    const now = this.timers.now();
    for (const id of [...framework.offers]) {
      const rec = this.offers.get(id);
      if (!rec) continue;
      this.removeOffer(rec);
      this.allocator.recover(rec.agentId, framework.id, rec.resources, now);
      if (notify) framework.connection?.send({ type: 'RESCIND', rescind: { offer_id: { value: id } } });
    }
  }

  private rescindAgentOffers(agent: MasterAgent): void {
    const now = this.timers.now();
    for (const id of [...agent.offers]) {
      const rec = this.offers.get(id);
      if (!rec) continue;
      this.removeOffer(rec);
      this.allocator.recover(rec.agentId, rec.frameworkId, rec.resources, now);
      this.frameworks.get(rec.frameworkId)?.connection?.send({ type: 'RESCIND', rescind: { offer_id: { value: id } } });
    }
  }

  private scheduleAllocationCycle(): void {
    if (this.stopped) return;
    this.allocationTimer = this.timers.setTimeout(() => {
      this.runAllocation();
      this.scheduleAllocationCycle();
    }, this.allocationIntervalMs);
  }

  /** Events that add offerable capacity allocate at once (coalesced), as Mesos's allocator does. */
  private allocateSoon(): void {
    if (this.allocationSoon !== undefined || this.stopped) return;
    this.allocationSoon = this.timers.setTimeout(() => {
      this.allocationSoon = undefined;
      this.runAllocation();
    }, 0);
  }

  /** One allocation cycle: all new offers of a framework go out in a single OFFERS event. */
  runAllocation(): void {
    const now = this.timers.now();
    const byFramework = new Map<string, Offer[]>();
    for (const allocation of this.allocator.allocate(now)) {
      const framework = this.frameworks.get(allocation.frameworkId);
      const agent = this.agents.get(allocation.agentId);
      if (!framework?.connection || !agent) {
        this.allocator.recover(allocation.agentId, allocation.frameworkId, allocation.resources, now);
        continue;
      }
      const role = frameworkRole(framework.info);
      const id = `${this.id}-O${this.offerSeq++}`;
      const executorIds = [...agent.executors.values()].filter((e) => e.frameworkId === framework.id).map((e) => e.info.executor_id);
      const offer: Offer = {
        id: { value: id },
        framework_id: { value: framework.id },
        agent_id: { value: agent.id },
        hostname: agent.hostname,
        url: { scheme: 'http', address: { hostname: agent.hostname, ...(isIP(agent.hostname) ? { ip: agent.hostname } : {}), port: agent.port }, path: '/slave(1)' },
        resources: allocation.resources.map((r) => ({ ...r, allocation_info: { role } })),
        attributes: agent.attributes,
        allocation_info: { role },
      };
      if (executorIds.length > 0) offer.executor_ids = executorIds;
      this.offers.set(id, { offer, frameworkId: framework.id, agentId: agent.id, resources: allocation.resources });
      framework.offers.add(id);
      agent.offers.add(id);
      const list = byFramework.get(framework.id) ?? [];
      list.push(offer);
      byFramework.set(framework.id, list);
    }
    for (const [frameworkId, offers] of byFramework) {
      this.frameworks.get(frameworkId)!.connection!.send({ type: 'OFFERS', offers: { offers } });
    }
  }
}

export function masterStatus(taskId: string, state: TaskState, reason: TaskStatusReason, message: string, agentId: string | undefined, nowMs: number): TaskStatus {
  const status: TaskStatus = { task_id: { value: taskId }, state, source: 'SOURCE_MASTER', reason, message, timestamp: nowMs / 1000 };
  if (agentId !== undefined) status.agent_id = { value: agentId };
  return status;
}

function validateFrameworkInfo(info: FrameworkInfo): string | null {
  if (info.role !== undefined && info.roles !== undefined && info.roles.length > 0) {
    return "'FrameworkInfo.role' must not be set when 'FrameworkInfo.roles' is set";
  }
  if (info.failover_timeout !== undefined && (Number.isNaN(info.failover_timeout) || info.failover_timeout < 0)) {
    return "'FrameworkInfo.failover_timeout' must be a non-negative number of seconds";
  }
  if ((info.roles?.length ?? 0) > 0 && !hasCapability(info, 'MULTI_ROLE')) {
    return "'FrameworkInfo.roles' is set but the framework lacks the MULTI_ROLE capability";
  }
  return null;
}

function hasCapability(info: FrameworkInfo, type: string): boolean {
  return (info.capabilities ?? []).some((c) => c.type === type);
}

export function frameworkRole(info: FrameworkInfo): string {
  return info.roles?.[0] ?? info.role ?? '*';
}

function splitKey(key: string): [string, string] {
  const i = key.indexOf('/');
  return [key.slice(0, i), key.slice(i + 1)];
}

/** Appends, dropping the oldest beyond `max` (completed tasks, frameworks, statuses). */
export function pushBounded<T>(list: T[], item: T, max: number): void {
  list.push(item);
  if (list.length > max) list.splice(0, list.length - max);
}

/** MasterInfo.ip is the IPv4 address as a uint32 in network byte order (MESOS-1201). */
function ipToNetworkOrderInt(ip: string): number {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return 0;
  return ((parts[3] << 24) >>> 0) + (parts[2] << 16) + (parts[1] << 8) + parts[0];
}

