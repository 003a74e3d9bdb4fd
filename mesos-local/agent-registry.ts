/**
 * The agents the master knows and their standing: registration, re-registration (which
 * brings back tasks of PARTITION_AWARE frameworks and shuts down those already reported
 * lost), disconnection, and the unreachable mark after the ping timeout or a partition.
 */
import { addResources, isTerminalState, type Resource, type TaskState } from '../mesos-proto';
import { recoverReportedTasks } from './agent-recovery';
import { pushBounded } from './bounded-list';
import type { AgentRegistration, MasterAgent } from './master-model';
import { MAX_COMPLETED_TASKS, masterStatus, splitKey, type MasterState } from './master-state';
import type { OfferCycle } from './offer-cycle';
import type { AgentStanding } from './reconciliation';

export class AgentRegistry {
  constructor(
    private readonly state: MasterState,
    private readonly offers: OfferCycle,
    /** How long a disconnected agent has before it is marked unreachable. */
    private readonly pingTimeoutMs: number,
  ) {}

  register(reg: AgentRegistration): void {
    const { state } = this;
    const existing = state.agents.get(reg.id);
    const now = state.timers.now();
    if (existing) return this.reregister(existing, reg);
    const agent: MasterAgent = {
      id: reg.id, hostname: reg.hostname, port: reg.port, resources: reg.resources, attributes: reg.attributes, link: reg.link,
      standing: 'active', registeredTime: now, executors: new Map(), tasks: new Set(), offers: new Set(),
    };
    state.agents.set(reg.id, agent);
    // An agent this master has never seen but that runs tasks: a newly elected master learns
    // them (and their frameworks, as "recovered") from the agent's re-registration.
    recoverReportedTasks(state, agent, reg.tasks ?? []);
    state.allocator.addAgent(reg.id, reg.resources, this.usedOnAgent(agent));
    state.log.info({ agentId: reg.id, agentHostname: reg.hostname, port: reg.port, tasks: agent.tasks.size }, reg.tasks?.length ? 'agent re-registered with a new master' : 'agent registered');
    this.offers.allocateSoon();
  }

  private reregister(agent: MasterAgent, reg: AgentRegistration): void {
    const { state } = this;
    const now = state.timers.now();
    state.timers.clearTimeout(agent.pingTimer);
    agent.pingTimer = undefined;
    const wasUnreachable = agent.standing === 'unreachable';
    agent.link = reg.link;
    agent.standing = 'active';
    agent.reregisteredTime = now;
    agent.unreachableTime = undefined;
    const nonAware = new Set<string>();
    for (const reported of reg.tasks ?? []) {
      const framework = state.frameworks.get(reported.frameworkId);
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
    if (!wasUnreachable) this.dropTasksUnknownToAgent(agent, reg);
    if (wasUnreachable || !state.allocator.hasAgent(agent.id)) {
      state.allocator.addAgent(agent.id, agent.resources, this.usedOnAgent(agent));
    } else {
      state.allocator.setAgentActive(agent.id, true);
    }
    // The agent re-sends its pending status updates itself once re-registered (agent-lifecycle.ts).
    state.log.info({ agentId: agent.id, wasUnreachable }, 'agent re-registered');
    this.offers.allocateSoon();
  }

  /** The agent's connection is gone (process down): offers are rescinded, and it is marked unreachable after the ping timeout. */
  disconnected(agentId: string): void {
    const { state } = this;
    const agent = state.agents.get(agentId);
    if (!agent || agent.standing !== 'active') return;
    agent.standing = 'disconnected';
    state.allocator.setAgentActive(agentId, false);
    this.offers.rescindAgentOffers(agent);
    state.log.info({ agentId }, 'agent disconnected');
    state.timers.clearTimeout(agent.pingTimer);
    agent.pingTimer = state.timers.setTimeout(() => this.markUnreachable(agentId), this.pingTimeoutMs);
  }

  /**
   * The master stopped hearing from the agent without its connection closing (a network
   * partition): like Mesos, it keeps the agent active (offers and launches still go out and are
   * lost) until the pings have failed for the ping timeout, then marks it unreachable.
   */
  unresponsive(agentId: string): void {
    const { state } = this;
    const agent = state.agents.get(agentId);
    if (!agent || agent.standing !== 'active' || agent.pingTimer !== undefined) return;
    state.log.info({ agentId, pingTimeoutMs: this.pingTimeoutMs }, 'agent stopped answering pings');
    agent.pingTimer = state.timers.setTimeout(() => this.markUnreachable(agentId), this.pingTimeoutMs);
  }

  /**
   * Tasks the master launched on the agent that the agent does not report (their launch was
   * lost on the way) end as Mesos's reconcileKnownSlave ends them: TASK_DROPPED (TASK_LOST
   * without PARTITION_AWARE), "Task is unknown to the agent".
   */
  private dropTasksUnknownToAgent(agent: MasterAgent, reg: AgentRegistration): void {
    const { state } = this;
    const reported = new Set((reg.tasks ?? []).map((t) => `${t.frameworkId}/${t.task.task_id.value}`));
    const now = state.timers.now();
    for (const key of [...agent.tasks]) {
      if (reported.has(key)) continue;
      const [frameworkId, taskId] = splitKey(key);
      const framework = state.frameworks.get(frameworkId);
      const task = framework?.tasks.get(taskId);
      if (!framework || !task || isTerminalState(task.state)) continue;
      const taskState: TaskState = framework.partitionAware ? 'TASK_DROPPED' : 'TASK_LOST';
      task.state = taskState;
      task.statusUpdateState = taskState;
      if (!task.resourcesRecovered) {
        task.resourcesRecovered = true;
        state.allocator.recover(agent.id, frameworkId, task.info.resources ?? [], now);
      }
      state.completeTask(framework, task);
      state.sendUpdate(framework, masterStatus(taskId, taskState, 'REASON_TASK_UNKNOWN', 'Task is unknown to the agent', agent.id, now));
    }
  }

  /** The agent failed its health checks: its tasks become TASK_UNREACHABLE (TASK_LOST without PARTITION_AWARE). */
  markUnreachable(agentId: string): void {
    const { state } = this;
    const agent = state.agents.get(agentId);
    if (!agent || agent.standing === 'unreachable') return;
    const now = state.timers.now();
    state.timers.clearTimeout(agent.pingTimer);
    agent.pingTimer = undefined;
    agent.standing = 'unreachable';
    agent.unreachableTime = now;
    this.offers.rescindAgentOffers(agent);
    state.allocator.removeAgent(agentId);
    state.log.warn({ agentId }, 'agent marked unreachable');
    for (const key of [...agent.tasks]) {
      const [frameworkId, taskId] = splitKey(key);
      const framework = state.frameworks.get(frameworkId);
      const task = framework?.tasks.get(taskId);
      if (!framework || !task) continue;
      agent.tasks.delete(key);
      framework.tasks.delete(taskId);
      const taskState: TaskState = framework.partitionAware ? 'TASK_UNREACHABLE' : 'TASK_LOST';
      const status = masterStatus(taskId, taskState, 'REASON_AGENT_REMOVED', `Agent ${agent.hostname} removed: health check timed out`, agentId, now);
      if (task.executorId) status.executor_id = { value: task.executorId };
      if (framework.partitionAware) status.unreachable_time = { nanoseconds: Math.round(now * 1e6) };
      task.state = taskState;
      task.statusUpdateState = taskState;
      task.resourcesRecovered = true;
      if (framework.partitionAware) {
        task.unreachableTime = now;
        framework.unreachableTasks.set(taskId, task);
      } else {
        pushBounded(framework.completedTasks, task, MAX_COMPLETED_TASKS);
      }
      state.sendUpdate(framework, status);
    }
    agent.executors.clear();
  }

  standing(agentId: string): AgentStanding {
    if (this.state.goneAgents.has(agentId)) return 'gone';
    const agent = this.state.agents.get(agentId);
    if (!agent) return 'unknown';
    return agent.standing === 'unreachable' ? 'unreachable' : 'registered';
  }

  usedOnAgent(agent: MasterAgent): Resource[] {
    let used: Resource[] = [];
    for (const key of agent.tasks) {
      const [frameworkId, taskId] = splitKey(key);
      const task = this.state.frameworks.get(frameworkId)?.tasks.get(taskId);
      if (task && !task.resourcesRecovered) used = addResources(used, task.info.resources ?? []);
    }
    for (const executor of agent.executors.values()) used = addResources(used, executor.info.resources ?? []);
    return used;
  }

  /** A fresh allocator (after a failover) learns every reachable agent and what already runs on it. */
  addAgentsToAllocator(): void {
    const { state } = this;
    for (const agent of state.agents.values()) {
      if (agent.standing === 'unreachable') continue;
      state.allocator.addAgent(agent.id, agent.resources, this.usedOnAgent(agent));
      if (agent.standing === 'disconnected') state.allocator.setAgentActive(agent.id, false);
    }
  }

  stop(): void {
    for (const agent of this.state.agents.values()) this.state.timers.clearTimeout(agent.pingTimer);
  }
}
