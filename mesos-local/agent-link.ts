/**
 * The agent's side of AgentLink: what it does when the master runs or kills a task, shuts
 * down an executor or a framework, passes on an acknowledgement or a framework message, or
 * tells it a framework (re-)subscribed.
 */
import { isTerminalState, type ExecutorEvent, type FrameworkInfo, type KillPolicy, type TaskInfo } from '../mesos-proto';
import { pushBounded } from './bounded-list';
import type { AgentState, AgentTask } from './agent-state';
import { agentUpdate } from './agent-task-updates';
import { commandExecutorInfo, type ExecutorProcesses } from './executor-processes';
import { hasCapability } from './framework-info';
import type { AgentLink } from './master-model';

/** A bound on the completed tasks each executor keeps for /state. */
const MAX_COMPLETED_TASKS_PER_EXECUTOR = 200;

export class AgentLinkHandler implements AgentLink {
  constructor(private readonly state: AgentState, private readonly processes: ExecutorProcesses) {}

  runTask(framework: FrameworkInfo, task: TaskInfo): void {
    const { state, processes } = this;
    const frameworkId = framework.id!.value;
    state.frameworks.set(frameworkId, framework);
    const executorInfo = task.executor ?? commandExecutorInfo(task, frameworkId);
    const key = `${frameworkId}/${executorInfo.executor_id.value}`;
    const agentTask: AgentTask = { info: task, frameworkId, executorKey: key, state: 'TASK_STAGING', seenUuids: new Set(), statuses: [] };
    state.tasks.set(`${frameworkId}/${task.task_id.value}`, agentTask);
    let executor = state.executors.get(key);
    if (executor?.state === 'TERMINATING') {
      // As Mesos's agent: a task for an executor being shut down is dropped.
      const aware = hasCapability(framework, 'PARTITION_AWARE');
      agentUpdate(state, agentTask, aware ? 'TASK_DROPPED' : 'TASK_LOST', 'SOURCE_AGENT', 'REASON_EXECUTOR_TERMINATED', 'Executor terminating');
      return;
    }
    if (executor && executor.state !== 'TERMINATED') {
      executor.taskIds.add(task.task_id.value);
      if (executor.state === 'RUNNING' && executor.stream) processes.sendLaunch(executor, task);
      else executor.queued.push(task);
      return;
    }
    executor = processes.create(framework, executorInfo, task);
    if (state.simulated) return processes.simulateLaunch(executor, agentTask);
    if (task.command) return processes.runCommandTask(executor, agentTask);
    processes.launchExecutor(executor);
  }

  killTask(frameworkId: string, taskId: string, killPolicy?: KillPolicy): void {
    const { state, processes } = this;
    const task = state.tasks.get(`${frameworkId}/${taskId}`);
    if (!task || isTerminalState(task.state)) return;
    const executor = state.executors.get(task.executorKey);
    if (!executor) return;
    if (state.simulated) {
      agentUpdate(state, task, 'TASK_KILLED', 'SOURCE_EXECUTOR', undefined, 'Killed by the scheduler');
      return;
    }
    if (executor.commandTask) {
      executor.killRequested = true;
      // Mesos's command executor reports TASK_KILLING only to frameworks that opted in.
      if (hasCapability(executor.framework, 'TASK_KILLING_STATE')) {
        agentUpdate(state, task, 'TASK_KILLING', 'SOURCE_EXECUTOR', undefined, 'Killing the command');
      }
      processes.terminate(executor, killPolicy?.grace_period?.nanoseconds ?? executor.commandTask.kill_policy?.grace_period?.nanoseconds);
      return;
    }
    const queuedIndex = executor.queued.findIndex((t) => t.task_id.value === taskId);
    if (queuedIndex >= 0 || executor.state === 'REGISTERING') {
      if (queuedIndex >= 0) executor.queued.splice(queuedIndex, 1);
      agentUpdate(state, task, 'TASK_KILLED', 'SOURCE_AGENT', 'REASON_TASK_KILLED_DURING_LAUNCH', 'Killed before delivery to the executor');
      if (executor.queued.length === 0 && state.liveTasks(executor).length === 0) processes.shutdown(executor);
      return;
    }
    const event: ExecutorEvent = { type: 'KILL', kill: { task_id: { value: taskId } } };
    if (killPolicy) event.kill!.kill_policy = killPolicy;
    // A checkpointed executor between two subscriptions gets the KILL when it is back.
    if (executor.stream) executor.stream.send(event);
    else executor.pendingKills.push(event);
  }

  shutdownExecutor(frameworkId: string, executorId: string): void {
    const executor = this.state.executors.get(`${frameworkId}/${executorId}`);
    if (executor) this.processes.shutdown(executor);
  }

  shutdownFramework(frameworkId: string): void {
    const { state } = this;
    state.updates.dropFramework(frameworkId);
    for (const [key, task] of state.tasks) if (task.frameworkId === frameworkId) state.tasks.delete(key);
    for (const executor of [...state.executors.values()]) {
      if (executor.frameworkId !== frameworkId) continue;
      executor.taskIds.clear();
      executor.queued = [];
      this.processes.shutdown(executor);
    }
  }

  acknowledge(frameworkId: string, taskId: string, uuid: string): void {
    const { state } = this;
    const acked = state.updates.acknowledge(frameworkId, taskId, uuid);
    if (!acked) return;
    const key = `${frameworkId}/${taskId}`;
    const task = state.tasks.get(key);
    if (task && isTerminalState(acked.state) && state.updates.pending(frameworkId, taskId).length === 0) {
      state.tasks.delete(key);
      const executor = state.executors.get(task.executorKey);
      if (!executor || !executor.taskIds.delete(taskId)) return;
      pushBounded(executor.completedTasks, task, MAX_COMPLETED_TASKS_PER_EXECUTOR);
      if (executor.state === 'TERMINATED' && executor.taskIds.size === 0) state.retire(executor);
      if (state.simulated && executor.taskIds.size === 0) {
        state.retire(executor);
        state.master.executorExited(state.id, frameworkId, executor.info.executor_id.value, 0);
      }
    }
  }

  frameworkMessage(frameworkId: string, executorId: string, data: string): void {
    this.state.executors.get(`${frameworkId}/${executorId}`)?.stream?.send({ type: 'MESSAGE', message: { data } });
  }

  frameworkSubscribed(frameworkId: string): void {
    if (!this.state.partitioned && this.state.running) this.state.updates.resend(frameworkId);
  }
}
