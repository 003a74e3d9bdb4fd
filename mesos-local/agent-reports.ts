/**
 * What agents report to the master (task status updates, executor exits, executor messages):
 * recorded on the master's side and passed on to the framework.
 */
import { isTerminalState, type TaskState, type TaskStatus } from '../mesos-proto';
import { pushBounded } from './bounded-list';
import type { MasterState } from './master-state';

const MAX_STATUSES = 16;

/**
 * A status update the agent forwards (and re-forwards until acknowledged), with the task's
 * latest state on the agent (Mesos's StatusUpdate.latest_state): the update in flight may be an
 * older one still waiting for its acknowledgement while the task has ended since. As in Mesos's
 * master, the task's `state` becomes the latest state (resources come back as soon as it is
 * terminal) and `status_update_state` the forwarded one, which reconciliation answers with.
 */
export function forwardStatusUpdate(state: MasterState, agentId: string, frameworkId: string, status: TaskStatus, latestState: TaskState = status.state): void {
  const framework = state.frameworks.get(frameworkId);
  const agent = state.agents.get(agentId);
  if (!framework || !agent || agent.standing !== 'active') return;
  const task = framework.tasks.get(status.task_id.value);
  if (task) {
    task.state = latestState;
    task.statusUpdateState = status.state;
    task.statusUpdateUuid = status.uuid;
    if (status.healthy !== undefined) task.healthy = status.healthy;
    if (task.statuses[task.statuses.length - 1]?.uuid !== status.uuid) pushBounded(task.statuses, status, MAX_STATUSES);
    if (isTerminalState(latestState) && !task.resourcesRecovered) {
      task.resourcesRecovered = true;
      state.allocator.recover(agentId, frameworkId, task.info.resources ?? [], state.timers.now());
    }
  }
  state.sendUpdate(framework, status);
}

export function executorExited(state: MasterState, agentId: string, frameworkId: string, executorId: string, waitStatus: number): void {
  const agent = state.agents.get(agentId);
  const key = `${frameworkId}/${executorId}`;
  const executor = agent?.executors.get(key);
  if (agent && executor) {
    agent.executors.delete(key);
    state.allocator.recover(agentId, frameworkId, executor.info.resources ?? [], state.timers.now());
  }
  const framework = state.frameworks.get(frameworkId);
  framework?.connection?.send({ type: 'FAILURE', failure: { agent_id: { value: agentId }, executor_id: { value: executorId }, status: waitStatus } });
}

export function executorMessage(state: MasterState, agentId: string, frameworkId: string, executorId: string, data: string): void {
  state.frameworks.get(frameworkId)?.connection?.send({
    type: 'MESSAGE', message: { agent_id: { value: agentId }, executor_id: { value: executorId }, data },
  });
}
