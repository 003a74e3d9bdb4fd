/**
 * The status updates an agent records: its own (and the simulated executor's), and the
 * executors' that it forwards. Each goes to the reliable stream (status-update-stream.ts).
 */
import { newUuidBase64, type TaskState, type TaskStatus, type TaskStatusReason } from '../mesos-proto';
import type { AgentState, AgentTask, RunningExecutor } from './agent-state';

/** An update the agent (or the simulated executor) generates. */
export function agentUpdate(state: AgentState, task: AgentTask, taskState: TaskState, source: TaskStatus['source'], reason?: TaskStatusReason, message?: string): void {
  const executor = state.executors.get(task.executorKey);
  const status: TaskStatus = {
    task_id: task.info.task_id, state: taskState, source, uuid: newUuidBase64(), timestamp: Date.now() / 1000,
    agent_id: { value: state.id },
  };
  if (executor) {
    status.executor_id = executor.info.executor_id;
    status.container_status = { container_id: { value: executor.containerId } };
    if (executor.process?.pid !== undefined) status.container_status.executor_pid = executor.process.pid;
  }
  if (reason) status.reason = reason;
  if (message) status.message = message;
  record(state, task, status);
}

/** An executor's update, unless already recorded (a resubscribing executor re-sends what it has no ACKNOWLEDGED for). */
export function executorUpdate(state: AgentState, executor: RunningExecutor, status: TaskStatus): void {
  const task = state.tasks.get(`${executor.frameworkId}/${status.task_id.value}`);
  if (task && status.uuid && !task.seenUuids.has(status.uuid)) record(state, task, fromExecutor(state, executor, status));
}

/** As the agent forwards it: with its agent, executor and container. */
function fromExecutor(state: AgentState, executor: RunningExecutor, status: TaskStatus): TaskStatus {
  const container: NonNullable<TaskStatus['container_status']> = { container_id: { value: executor.containerId } };
  if (executor.process?.pid !== undefined) container.executor_pid = executor.process.pid;
  return { ...status, agent_id: { value: state.id }, executor_id: executor.info.executor_id, container_status: { ...container, ...status.container_status } };
}

function record(state: AgentState, task: AgentTask, status: TaskStatus): void {
  if (status.uuid) task.seenUuids.add(status.uuid);
  task.state = status.state;
  if (task.statuses[task.statuses.length - 1]?.state === status.state) task.statuses.pop();
  task.statuses.push(status);
  state.updates.enqueue(task.frameworkId, status);
}
