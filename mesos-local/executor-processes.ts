/**
 * An agent's executors as processes: the sandbox, launch (an executor, or a command task the
 * way Mesos's command executor runs it, or nothing with the simulated containerizer),
 * registration timeout, shutdown with its grace period, and what an exit means for the tasks,
 * including exits that happened while the agent was down.
 */
import fs from 'node:fs';
import path from 'node:path';
import { isTerminalState, type ExecutorInfo, type FrameworkInfo, type TaskInfo } from '../mesos-proto';
import type { AgentState, AgentTask, RunningExecutor } from './agent-state';
import { agentUpdate } from './agent-task-updates';
import { executorEnv } from './executor-env';
import { launchProcess, waitStatus } from './process-containerizer';

interface ExitWhileDown {
  executor: RunningExecutor;
  status: number;
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class ExecutorProcesses {
  /** Process exits observed while the agent was down; handled when it comes back. */
  private exitsWhileDown: ExitWhileDown[] = [];
  private containerSeq = 0;

  constructor(private readonly state: AgentState) {}

  get hasExitsWhileDown(): boolean {
    return this.exitsWhileDown.length > 0;
  }

  create(framework: FrameworkInfo, info: ExecutorInfo, task: TaskInfo): RunningExecutor {
    const { state } = this;
    const frameworkId = framework.id!.value;
    const containerId = `${state.id}-c${this.containerSeq++}-${Date.now().toString(36)}`;
    const runs = path.join(state.workDir, 'slaves', state.id, 'frameworks', frameworkId, 'executors', info.executor_id.value, 'runs');
    const executor: RunningExecutor = {
      key: `${frameworkId}/${info.executor_id.value}`, frameworkId, framework, info: { ...info, framework_id: { value: frameworkId } },
      containerId, directory: path.join(runs, containerId), state: 'REGISTERING', stream: null, queued: [], pendingKills: [], completedTasks: [], taskIds: new Set([task.task_id.value]),
    };
    state.executors.set(executor.key, executor);
    if (state.options.containerizer === 'process') {
      fs.mkdirSync(executor.directory, { recursive: true });
      const latest = path.join(runs, 'latest');
      fs.rmSync(latest, { force: true });
      fs.symlinkSync(containerId, latest);
    }
    if (!task.command) executor.queued.push(task);
    return executor;
  }

  launchExecutor(executor: RunningExecutor): void {
    const { state } = this;
    const command = executor.info.command ?? {};
    executor.process = launchProcess(command, { sandbox: executor.directory, env: executorEnv(state, executor, command) });
    state.log.info({ executorId: executor.info.executor_id.value, pid: executor.process.pid, sandbox: executor.directory }, 'executor launched');
    void executor.process.exited.then(({ code, signal }) => this.processExited(executor, code, signal));
    executor.registrationTimer = state.timers.setTimeout(() => {
      if (executor.state !== 'REGISTERING') return;
      state.log.warn({ executorId: executor.info.executor_id.value }, 'executor did not subscribe in time: killing it');
      executor.terminationReason = 'REASON_EXECUTOR_REGISTRATION_TIMEOUT';
      executor.process?.signal('SIGKILL');
    }, state.options.executorRegistrationTimeoutMs ?? 60_000);
  }

  /** TaskInfo.command: what Mesos's command executor does, without a second process. */
  runCommandTask(executor: RunningExecutor, task: AgentTask): void {
    executor.commandTask = task.info;
    executor.state = 'RUNNING';
    const command = task.info.command!;
    executor.process = launchProcess(command, { sandbox: executor.directory, env: executorEnv(this.state, executor, command) });
    agentUpdate(this.state, task, 'TASK_STARTING', 'SOURCE_EXECUTOR');
    agentUpdate(this.state, task, 'TASK_RUNNING', 'SOURCE_EXECUTOR');
    void executor.process.exited.then(({ code, signal }) => this.processExited(executor, code, signal));
  }

  simulateLaunch(executor: RunningExecutor, task: AgentTask): void {
    executor.state = 'RUNNING';
    executor.queued = [];
    agentUpdate(this.state, task, 'TASK_STARTING', 'SOURCE_EXECUTOR');
    agentUpdate(this.state, task, 'TASK_RUNNING', 'SOURCE_EXECUTOR');
  }

  sendLaunch(executor: RunningExecutor, task: TaskInfo): void {
    executor.stream?.send({ type: 'LAUNCH', launch: { task } });
  }

  shutdown(executor: RunningExecutor): void {
    if (executor.state === 'TERMINATED' || executor.state === 'TERMINATING') return;
    if (this.state.simulated) {
      for (const task of this.state.liveTasks(executor)) agentUpdate(this.state, task, 'TASK_KILLED', 'SOURCE_EXECUTOR', undefined, 'Executor shut down');
      executor.state = 'TERMINATED';
      return;
    }
    executor.state = 'TERMINATING';
    executor.stream?.send({ type: 'SHUTDOWN' });
    const graceNs = executor.info.shutdown_grace_period?.nanoseconds;
    this.terminate(executor, graceNs ?? (this.state.options.executorShutdownGraceMs ?? 5000) * 1e6);
  }

  /** Command tasks get SIGTERM at once; either kind gets SIGKILL once the grace period is over. */
  terminate(executor: RunningExecutor, graceNs: number | undefined): void {
    const graceMs = graceNs !== undefined ? graceNs / 1e6 : 3000;
    if (executor.commandTask) executor.process?.signal('SIGTERM');
    this.state.timers.clearTimeout(executor.shutdownTimer);
    executor.shutdownTimer = this.state.timers.setTimeout(() => executor.process?.signal('SIGKILL'), graceMs);
  }

  clearTimers(executor: RunningExecutor): void {
    this.state.timers.clearTimeout(executor.heartbeatTimer);
    this.state.timers.clearTimeout(executor.registrationTimer);
    this.state.timers.clearTimeout(executor.shutdownTimer);
  }

  /** After a restart: executors that do not resubscribe in time are killed (Mesos's reregistration timeout). */
  recover(): void {
    const { state } = this;
    const exits = this.exitsWhileDown;
    this.exitsWhileDown = [];
    for (const e of exits) this.terminated(e.executor, e.status, e.code, e.signal);
    const timeout = state.options.executorReregistrationTimeoutMs ?? 2000;
    state.timers.setTimeout(() => {
      for (const executor of state.executors.values()) {
        if (executor.stream || executor.state === 'TERMINATED' || executor.commandTask || !executor.process) continue;
        if (executor.state === 'REGISTERING') continue;
        state.log.warn({ executorId: executor.info.executor_id.value }, 'executor did not resubscribe after the agent restarted: killing it');
        executor.terminationReason = 'REASON_EXECUTOR_REREGISTRATION_TIMEOUT';
        executor.process.signal('SIGKILL');
      }
    }, timeout);
  }

  /** SIGKILL to an executor's process (a fault for tests); returns false when unknown. */
  kill(executorId: string): boolean {
    let found = false;
    for (const executor of this.state.executors.values()) {
      if (executor.info.executor_id.value !== executorId || !executor.process) continue;
      executor.process.signal('SIGKILL');
      found = true;
    }
    return found;
  }

  /** Pids of the processes this agent runs (for leak checks). */
  pids(): number[] {
    return [...this.state.executors.values()].map((e) => e.process?.pid).filter((p): p is number => p !== undefined);
  }

  private processExited(executor: RunningExecutor, code: number | null, signal: NodeJS.Signals | null): void {
    const status = waitStatus(code, signal);
    if (!this.state.running) {
      if (this.state.executors.get(executor.key) === executor) this.exitsWhileDown.push({ executor, status, code, signal });
      return;
    }
    this.terminated(executor, status, code, signal);
  }

  private terminated(executor: RunningExecutor, status: number, code: number | null, signal: NodeJS.Signals | null): void {
    const { state } = this;
    this.clearTimers(executor);
    executor.state = 'TERMINATED';
    executor.stream?.close();
    executor.stream = null;
    state.log.info({ executorId: executor.info.executor_id.value, code, signal }, 'executor exited');
    if (executor.commandTask) {
      const task = state.tasks.get(`${executor.frameworkId}/${executor.commandTask.task_id.value}`);
      if (task && !isTerminalState(task.state)) {
        if (executor.killRequested) agentUpdate(state, task, 'TASK_KILLED', 'SOURCE_EXECUTOR', undefined, 'Command terminated by a kill');
        else if (code === 0) agentUpdate(state, task, 'TASK_FINISHED', 'SOURCE_EXECUTOR', undefined, 'Command exited with status 0');
        else agentUpdate(state, task, 'TASK_FAILED', 'SOURCE_EXECUTOR', 'REASON_COMMAND_EXECUTOR_FAILED', signal ? `Command terminated with signal ${signal}` : `Command exited with status ${code}`);
      }
    } else {
      for (const task of state.liveTasks(executor)) {
        agentUpdate(state, task, 'TASK_FAILED', 'SOURCE_AGENT', executor.terminationReason ?? 'REASON_EXECUTOR_TERMINATED', 'Executor terminated');
      }
    }
    executor.queued = [];
    if (executor.taskIds.size === 0 || [...executor.taskIds].every((id) => !state.tasks.has(`${executor.frameworkId}/${id}`))) state.retire(executor);
    state.master.executorExited(state.id, executor.frameworkId, executor.info.executor_id.value, status);
  }
}

/** The ExecutorInfo Mesos's agent makes up for a command task (executor id = task id). */
export function commandExecutorInfo(task: TaskInfo, frameworkId: string): ExecutorInfo {
  return {
    executor_id: { value: task.task_id.value },
    framework_id: { value: frameworkId },
    name: `Command Executor (Task: ${task.task_id.value}) (Command: sh -c '${(task.command?.value ?? '').slice(0, 20)}')`,
    source: task.task_id.value,
    command: task.command,
  };
}
