/**
 * What each call of a subscribed framework does (ACCEPT, DECLINE, KILL, ACKNOWLEDGE,
 * RECONCILE, ...), following Apache Mesos's master (src/master/master.cpp) where a framework
 * can observe it. SUBSCRIBE and UPDATE_FRAMEWORK belong to the framework registry.
 */
import { isTerminalState, type SchedulerCall, type TaskState, type TaskStatus } from '../mesos-proto';
import type { AgentRegistry } from './agent-registry';
import type { FrameworkRegistry } from './framework-registry';
import { validateAccept } from './launch-validation';
import type { MasterFramework, MasterTask } from './master-model';
import { masterStatus, type MasterState } from './master-state';
import type { OfferCycle } from './offer-cycle';
import { reconcileTask } from './reconciliation';

type TaskQuery = { task_id: { value: string }; agent_id?: { value: string } };

export class SchedulerCalls {
  constructor(
    private readonly state: MasterState,
    private readonly offers: OfferCycle,
    private readonly frameworks: FrameworkRegistry,
    private readonly agents: AgentRegistry,
  ) {}

  /** A non-SUBSCRIBE call of a subscribed framework (the adapter checked the stream id). */
  handle(framework: MasterFramework, call: SchedulerCall): void {
    const { state } = this;
    switch (call.type) {
      case 'TEARDOWN': return this.frameworks.remove(framework);
      case 'ACCEPT': return this.accept(framework, call.accept ?? {});
      case 'DECLINE': return this.decline(framework, call.decline ?? {});
      case 'REVIVE':
        state.allocator.revive(framework.id);
        this.offers.allocateSoon();
        return;
      case 'SUPPRESS':
        state.allocator.suppress(framework.id);
        return;
      case 'KILL': return this.kill(framework, call.kill!);
      case 'SHUTDOWN': {
        const agent = state.agents.get(call.shutdown!.agent_id.value);
        if (agent && agent.standing === 'active') agent.link.shutdownExecutor(framework.id, call.shutdown!.executor_id.value);
        return;
      }
      case 'ACKNOWLEDGE': return this.acknowledge(framework, call.acknowledge!);
      case 'RECONCILE': return this.reconcile(framework, call.reconcile?.tasks ?? []);
      case 'MESSAGE': {
        const agent = state.agents.get(call.message!.agent_id.value);
        if (agent && agent.standing === 'active') agent.link.frameworkMessage(framework.id, call.message!.executor_id.value, call.message!.data);
        return;
      }
      default:
        // REQUEST, inverse offers and operation feedback: accepted and ignored, as Mesos does
        // for a cluster without maintenance windows or resource providers.
        return;
    }
  }

  private accept(framework: MasterFramework, accept: NonNullable<SchedulerCall['accept']>): void {
    const { state } = this;
    const offerIds = (accept.offer_ids ?? []).map((o) => o.value);
    const verdict = validateAccept({
      frameworkId: framework.id,
      partitionAware: framework.partitionAware,
      offerIds,
      operations: accept.operations ?? [],
      findOffer: (id) => {
        const rec = this.offers.find(id);
        return rec && { id, frameworkId: rec.frameworkId, agentId: rec.agentId, resources: rec.resources };
      },
      taskIdInUse: (taskId) => framework.tasks.has(taskId) || framework.unreachableTasks.has(taskId),
      existingExecutor: (agentId, executorId) => state.agents.get(agentId)?.executors.get(`${framework.id}/${executorId}`)?.info,
    });
    const now = state.timers.now();
    const used = verdict.usedOfferIds.map((id) => this.offers.find(id)!);
    for (const rec of used) this.offers.remove(rec);
    for (const op of verdict.ignoredOperations) state.log.warn({ frameworkId: framework.id, operation: op }, 'mesos-local does not perform this offer operation; ignored');
    for (const r of verdict.rejections) {
      state.sendUpdate(framework, masterStatus(r.task.task_id.value, r.state, r.reason, r.message, r.task.agent_id.value, now));
    }
    const agentId = verdict.agentId;
    if (agentId === undefined) {
      // Invalid offers: the known ones are discarded and their resources return unfiltered.
      for (const rec of used) state.allocator.recover(rec.agentId, framework.id, rec.resources, now);
      return;
    }
    const agent = state.agents.get(agentId);
    const refuse = accept.filters?.refuse_seconds ?? 5;
    if (!agent || agent.standing !== 'active') {
      // The agent went away between the offer and the accept: the launches are dropped.
      const dropped: TaskState = framework.partitionAware ? 'TASK_DROPPED' : 'TASK_LOST';
      for (const task of verdict.launches) {
        state.sendUpdate(framework, masterStatus(task.task_id.value, dropped, 'REASON_AGENT_UNKNOWN', 'Agent is not connected', agentId, now));
      }
      return;
    }
    state.allocator.recover(agentId, framework.id, verdict.leftover, now, refuse);
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
    const now = this.state.timers.now();
    for (const { value } of decline.offer_ids ?? []) {
      const rec = this.offers.find(value);
      if (!rec || rec.frameworkId !== framework.id) continue;
      this.offers.remove(rec);
      this.state.allocator.recover(rec.agentId, framework.id, rec.resources, now, refuse);
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
    const agent = this.state.agents.get(task.agentId);
    if (agent && agent.standing === 'active') agent.link.killTask(framework.id, task.info.task_id.value, kill.kill_policy);
  }

  private acknowledge(framework: MasterFramework, ack: NonNullable<SchedulerCall['acknowledge']>): void {
    const agent = this.state.agents.get(ack.agent_id.value);
    if (!agent || agent.standing !== 'active') {
      this.state.log.warn({ frameworkId: framework.id, taskId: ack.task_id.value }, 'acknowledgement dropped: agent is not registered');
      return;
    }
    const task = framework.tasks.get(ack.task_id.value);
    if (task && task.statusUpdateUuid === ack.uuid && task.statusUpdateState && isTerminalState(task.statusUpdateState)) {
      this.state.completeTask(framework, task);
    }
    agent.link.acknowledge(framework.id, ack.task_id.value, ack.uuid);
  }

  private reconcile(framework: MasterFramework, queries: TaskQuery[]): void {
    const now = this.state.timers.now();
    const statuses: TaskStatus[] = [];
    if (queries.length === 0) {
      for (const task of [...framework.tasks.values(), ...framework.unreachableTasks.values()]) {
        statuses.push(this.reconcileStatus(framework, task.info.task_id.value, task.agentId, now));
      }
    } else {
      for (const q of queries) statuses.push(this.reconcileStatus(framework, q.task_id.value, q.agent_id?.value, now));
    }
    for (const status of statuses) this.state.sendUpdate(framework, status);
  }

  private reconcileStatus(framework: MasterFramework, taskId: string, agentId: string | undefined, now: number): TaskStatus {
    const task = framework.tasks.get(taskId) ?? framework.unreachableTasks.get(taskId);
    const answer = reconcileTask(
      { taskId, agentId },
      task && { state: task.statusUpdateState ?? task.state, agentId: task.agentId, executorId: task.executorId, healthy: task.healthy },
      framework.partitionAware,
      (id) => this.agents.standing(id),
    );
    const status = masterStatus(taskId, answer.state, 'REASON_RECONCILIATION', answer.message, answer.agentId, now);
    if (answer.executorId) status.executor_id = { value: answer.executorId };
    if (answer.healthy !== undefined) status.healthy = answer.healthy;
    return status;
  }
}
