import type { TaskStatus } from '../../mesos-proto';
import type { TaskRecord } from '../model';
import type { CoreContext } from './core-context';
import type { KillQueue } from './kill-queue';
import type { MesosLink } from './leadership';
import { applyStatus, endsTask } from './status-policy';
import type { TaskTransitions } from './task-transitions';

/** Reasons that say the task's agent is gone: it stops counting as a known agent until it offers again. */
const AGENT_GONE_REASONS: ReadonlySet<string> = new Set(['REASON_AGENT_REMOVED', 'REASON_AGENT_DISCONNECTED', 'REASON_AGENT_UNKNOWN', 'REASON_AGENT_REMOVED_BY_OPERATOR']);

export interface StatusHandlerDeps extends CoreContext {
  link: MesosLink;
  transitions: TaskTransitions;
  kills: Pick<KillQueue, 'send'>;
  poke: () => void;
}

function isLaunchProgress(before: TaskRecord, after: TaskRecord): boolean {
  const launching = (s: string): boolean => s === 'TASK_STAGING' || s === 'TASK_STARTING';
  return launching(before.state) && (after.state === 'TASK_STARTING' || after.state === 'TASK_RUNNING')
    && after.healthy === before.healthy && after.killRequestedAt === undefined;
}

/**
 * Status updates from Mesos: applied to the task, persisted, and only then acknowledged, so
 * an update whose write failed is sent again by the agent.
 */
export class StatusHandler {
  constructor(private readonly deps: StatusHandlerDeps) {}

  async onUpdate(status: TaskStatus): Promise<void> {
    const { state, link, transitions, log } = this.deps;
    const client = link.client;
    const taskId = status.task_id.value;
    this.deps.events.emit('status', status, this.deps.now());
    link.reconciler?.answered(taskId);
    const task = state.tasks.get(taskId);
    if (!task) {
      if (!endsTask(status.state) && status.state !== 'TASK_UNREACHABLE' && client) {
        log.warn({ taskId, state: status.state, agentId: status.agent_id?.value }, 'killing a task unknown to Griddle');
        void client.call({ type: 'KILL', kill: { task_id: { value: taskId }, agent_id: status.agent_id } }).catch(() => {});
      }
      this.acknowledge(status);
      return;
    }
    if (status.reason === 'REASON_RECONCILIATION' && endsTask(status.state) && task.startedAt >= link.subscribedAt) {
      // An answer to a reconciliation asked before this task was launched: it says nothing about it.
      log.debug({ taskId, state: status.state }, 'ignoring a stale reconciliation answer');
      return;
    }
    if (status.reason !== undefined && AGENT_GONE_REASONS.has(status.reason)) {
      state.agents.delete(task.agentId);
      this.deps.events.emit('agentLost', task.agentId);
    }
    const request = state.requests.get(task.requestId);
    const outcome = applyStatus(task, status, request?.request.requestType, this.deps.now());
    const starting = !outcome.ignored && !outcome.finished && outcome.task.state === 'TASK_STARTING' && task.state === 'TASK_STAGING';
    if (!outcome.ignored) {
      if (outcome.finished) transitions.ended(task, outcome.task, outcome.crashed);
      else transitions.changed(outcome.task, task, !starting);
      // A launch going on as planned (STARTING, RUNNING, health as before) changes no plan:
      // a scheduling cycle per such update walked every task, 100,000 × 200,000 at full size.
      if (!isLaunchProgress(task, outcome.task)) this.deps.poke();
    }
    // A reconciliation answer that the task still lives while Griddle wants it gone: the KILL
    // was lost (sent while its agent was cut off), so it goes again, even when the answer says
    // nothing new (the periodic chase of unsettled tasks asks exactly to learn this).
    if (!outcome.finished && task.killRequestedAt !== undefined && status.reason === 'REASON_RECONCILIATION' && status.state !== 'TASK_UNREACHABLE') {
      void this.deps.kills.send(outcome.task);
    }
    try {
      if (!starting) await state.flush();
    } catch (err) {
      // Not acknowledged: the agent sends the update again and it is persisted then.
      log.error({ taskId, err: (err as Error).message }, 'could not persist status update; not acknowledging');
      return;
    }
    this.acknowledge(status);
  }

  private acknowledge(status: TaskStatus): void {
    const client = this.deps.link.client;
    // Master-generated updates (reconciliation answers among them) carry no uuid and take no ack.
    if (!status.uuid || !status.agent_id || !client?.subscribed) return;
    // Queued as its body, not awaited: see callLater.
    // Keyed by the update's uuid: a re-sent copy of an update whose ACK still waits adds none.
    client.callLater({ type: 'ACKNOWLEDGE', acknowledge: { agent_id: status.agent_id, task_id: status.task_id, uuid: status.uuid } }, `ack ${status.uuid}`);
  }
}
