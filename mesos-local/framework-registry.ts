/**
 * The frameworks the master knows: SUBSCRIBE (and failing over to a newer stream), the
 * heartbeat, disconnection and the failover timeout, UPDATE_FRAMEWORK, and removal, which
 * kills a framework's tasks and shuts down its executors.
 */
import { isTerminalState, type MasterInfo, type SchedulerCall } from '../mesos-proto';
import { pushBounded } from './bounded-list';
import { hasCapability, validateFrameworkInfo } from './framework-info';
import type { FrameworkConnection, MasterFramework } from './master-model';
import { MAX_COMPLETED_TASKS, type MasterState } from './master-state';
import type { OfferCycle } from './offer-cycle';

const MAX_COMPLETED_FRAMEWORKS = 50;

export class FrameworkRegistry {
  readonly completed: MasterFramework[] = [];
  private completedIds = new Set<string>();
  private seq = 0;

  constructor(
    private readonly state: MasterState,
    private readonly offers: OfferCycle,
    private readonly heartbeatIntervalMs: number,
    private readonly masterInfo: () => MasterInfo,
  ) {}

  subscribe(subscribe: NonNullable<SchedulerCall['subscribe']>, connection: FrameworkConnection): void {
    const { state } = this;
    const info = subscribe.framework_info;
    const error = validateFrameworkInfo(info);
    if (error) return refuse(connection, error);
    const requestedId = info.id?.value;
    if (requestedId !== undefined && this.completedIds.has(requestedId)) {
      return refuse(connection, 'Framework has been removed');
    }
    const now = state.timers.now();
    const suppressed = (subscribe.suppressed_roles ?? []).length > 0;
    let framework = requestedId !== undefined ? state.frameworks.get(requestedId) : undefined;
    if (framework) {
      const previous = framework.connection;
      if (previous) {
        previous.send({ type: 'ERROR', error: { message: 'Framework failed over' } });
        this.closeConnection(framework);
      }
      state.timers.clearTimeout(framework.failoverTimer);
      framework.failoverTimer = undefined;
      framework.info = { ...info, id: { value: framework.id } };
      framework.partitionAware = hasCapability(info, 'PARTITION_AWARE');
      framework.reregisteredTime = now;
      framework.unregisteredTime = undefined;
      framework.recovered = false;
      this.offers.rescindFrameworkOffers(framework);
      state.log.info({ frameworkId: framework.id }, 'framework re-subscribed');
    } else {
      const id = requestedId ?? `${state.id}-${String(this.seq++).padStart(4, '0')}`;
      framework = {
        id, info: { ...info, id: { value: id } }, connection: null, partitionAware: hasCapability(info, 'PARTITION_AWARE'),
        tasks: new Map(), unreachableTasks: new Map(), completedTasks: [], offers: new Set(), registeredTime: now, recovered: false,
      };
      state.frameworks.set(id, framework);
      state.log.info({ frameworkId: id, name: info.name }, requestedId ? 'framework re-subscribed after master failover' : 'framework subscribed');
    }
    framework.connection = connection;
    state.allocator.addFramework(framework.id, { suppressed });
    connection.send({
      type: 'SUBSCRIBED',
      subscribed: { framework_id: { value: framework.id }, heartbeat_interval_seconds: this.heartbeatIntervalMs / 1000, master_info: this.masterInfo() },
    });
    connection.send({ type: 'HEARTBEAT' });
    const fw = framework;
    const beat = (): void => {
      if (fw.connection !== connection) return;
      connection.send({ type: 'HEARTBEAT' });
      fw.heartbeatTimer = state.timers.setTimeout(beat, this.heartbeatIntervalMs);
    };
    fw.heartbeatTimer = state.timers.setTimeout(beat, this.heartbeatIntervalMs);
    for (const agent of state.agents.values()) if (agent.standing === 'active') agent.link.frameworkSubscribed(fw.id);
    this.offers.allocateSoon();
  }

  /** The stream of `connection` ended (client went away or the master closed it). */
  disconnected(frameworkId: string, connection: FrameworkConnection): void {
    const { state } = this;
    const framework = state.frameworks.get(frameworkId);
    if (!framework || framework.connection !== connection) return;
    framework.connection = null;
    state.timers.clearTimeout(framework.heartbeatTimer);
    framework.unregisteredTime = state.timers.now();
    state.allocator.setFrameworkActive(framework.id, false);
    this.offers.rescindFrameworkOffers(framework);
    const timeoutMs = Math.max(0, (framework.info.failover_timeout ?? 0) * 1000);
    state.log.info({ frameworkId, failoverTimeoutSeconds: timeoutMs / 1000 }, 'framework disconnected');
    const remove = (): void => {
      if (framework.connection === null && state.frameworks.get(frameworkId) === framework) {
        state.log.info({ frameworkId }, 'framework failover timeout expired: removing it');
        this.remove(framework);
      }
    };
    if (timeoutMs === 0) remove();
    else framework.failoverTimer = state.timers.setTimeout(remove, Math.min(timeoutMs, 2 ** 31 - 1));
  }

  /** UPDATE_FRAMEWORK: Mesos lets a framework change its FrameworkInfo except user, principal and checkpoint. */
  update(framework: MasterFramework, update: NonNullable<SchedulerCall['update_framework']>): string | null {
    const info = update.framework_info;
    const invalid = validateFrameworkInfo(info);
    if (invalid) return `Supplied FrameworkInfo is not valid: ${invalid}`;
    for (const field of ['user', 'principal', 'checkpoint'] as const) {
      if ((info[field] ?? null) !== (framework.info[field] ?? null)) return `FrameworkInfo update is not valid: Updating 'FrameworkInfo.${field}' is unsupported`;
    }
    framework.info = { ...info, id: { value: framework.id } };
    framework.partitionAware = hasCapability(info, 'PARTITION_AWARE');
    this.state.allocator.setSuppressed(framework.id, (update.suppressed_roles ?? []).length > 0);
    this.offers.allocateSoon();
    return null;
  }

  remove(framework: MasterFramework): void {
    const { state } = this;
    const now = state.timers.now();
    state.timers.clearTimeout(framework.failoverTimer);
    this.closeConnection(framework);
    this.offers.rescindFrameworkOffers(framework);
    const agentsWithWork = new Set<string>();
    for (const task of framework.tasks.values()) {
      agentsWithWork.add(task.agentId);
      state.agents.get(task.agentId)?.tasks.delete(`${framework.id}/${task.info.task_id.value}`);
      if (!isTerminalState(task.state)) {
        task.state = 'TASK_KILLED';
        if (!task.resourcesRecovered) state.allocator.recover(task.agentId, framework.id, task.info.resources ?? [], now);
      }
      pushBounded(framework.completedTasks, task, MAX_COMPLETED_TASKS);
    }
    framework.tasks.clear();
    for (const agent of state.agents.values()) {
      for (const [key, executor] of agent.executors) {
        if (executor.frameworkId !== framework.id) continue;
        agentsWithWork.add(agent.id);
        agent.executors.delete(key);
        state.allocator.recover(agent.id, framework.id, executor.info.resources ?? [], now);
      }
    }
    for (const agentId of agentsWithWork) {
      const agent = state.agents.get(agentId);
      if (agent && agent.standing !== 'unreachable') agent.link.shutdownFramework(framework.id);
    }
    state.allocator.removeFramework(framework.id);
    state.frameworks.delete(framework.id);
    framework.unregisteredTime = now;
    this.completedIds.add(framework.id);
    pushBounded(this.completed, framework, MAX_COMPLETED_FRAMEWORKS);
    state.log.info({ frameworkId: framework.id }, 'framework removed');
  }

  /**
   * The new master after a failover knows frameworks only as "recovered" (from the agents'
   * tasks) until they re-subscribe, and forgets removals, so their ids are accepted again.
   */
  failover(): void {
    for (const framework of this.state.frameworks.values()) {
      this.state.timers.clearTimeout(framework.failoverTimer);
      framework.failoverTimer = undefined;
      this.closeConnection(framework);
      framework.recovered = true;
    }
    this.completedIds = new Set();
    this.seq = 0;
  }

  stop(): void {
    for (const framework of this.state.frameworks.values()) {
      this.state.timers.clearTimeout(framework.failoverTimer);
      this.closeConnection(framework);
    }
  }

  private closeConnection(framework: MasterFramework): void {
    const connection = framework.connection;
    if (!connection) return;
    framework.connection = null;
    this.state.timers.clearTimeout(framework.heartbeatTimer);
    connection.close();
  }
}

function refuse(connection: FrameworkConnection, message: string): void {
  connection.send({ type: 'ERROR', error: { message } });
  connection.close();
}
