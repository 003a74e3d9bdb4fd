/**
 * A Mesos agent: runs the tasks the master sends, each in its executor (a real process with
 * the process containerizer, nothing with the simulated one), serves the v1 executor API and
 * the sandbox files, and forwards status updates reliably (status-update-stream.ts).
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { isIP, type AddressInfo } from 'node:net';
import { systemClock, type Clock, type Logger } from '../common';
import {
  attributeText, formatMesosDuration, isTerminalState, isValidUuidBase64, newUuidBase64, resourcesToStateJson,
  type AgentInfo, type Attribute, type ExecutorCall, type ExecutorEvent, type ExecutorInfo, type FrameworkInfo,
  type KillPolicy, type Resource, type TaskInfo, type TaskState, type TaskStatus, type TaskStatusReason,
} from '../mesos-proto';
import { decodeCall, EventStream, HttpError, negotiateAccept, readBody, refuseUnlessPost, reply, replyError, replyJson } from './http-call';
import { pushBounded } from './bounded-list';
import type { Master } from './master';
import { MESOS_VERSION } from './master-info';
import type { AgentLink, ReportedTask } from './master-model';
import { launchProcess, waitStatus, type ProcessHandle } from './process-containerizer';
import { serveFiles } from './files-api';
import { StatusUpdateStreams } from './status-update-stream';

export type ContainerizerKind = 'process' | 'simulated';

export interface AgentOptions {
  id: string;
  hostname: string;
  /** Address to listen on (default: the hostname when it is an IP, else all interfaces). */
  bind?: string;
  port: number;
  resources: Resource[];
  attributes: Attribute[];
  workDir: string;
  containerizer: ContainerizerKind;
  master: Master;
  log: Logger;
  statusUpdateRetryMs?: number;
  executorShutdownGraceMs?: number;
  executorRegistrationTimeoutMs?: number;
  executorReregistrationTimeoutMs?: number;
  executorHeartbeatMs?: number;
  timers?: Clock;
}

/** Mesos's --max_completed_executors_per_framework default, and a bound on their tasks. */
const MAX_COMPLETED_EXECUTORS_PER_FRAMEWORK = 150;
const MAX_COMPLETED_TASKS_PER_EXECUTOR = 200;

type ExecutorState = 'REGISTERING' | 'RUNNING' | 'TERMINATING' | 'TERMINATED';

interface AgentTask {
  info: TaskInfo;
  frameworkId: string;
  executorKey: string;
  state: TaskState;
  seenUuids: Set<string>;
}

interface RunningExecutor {
  key: string;
  frameworkId: string;
  framework: FrameworkInfo;
  info: ExecutorInfo;
  containerId: string;
  directory: string;
  state: ExecutorState;
  stream: EventStream<'mesos.v1.executor.Event'> | null;
  queued: TaskInfo[];
  pendingKills: ExecutorEvent[];
  completedTasks: AgentTask[];
  taskIds: Set<string>;
  process?: ProcessHandle;
  /** A TaskInfo.command task run without an executor protocol (Mesos's command executor). */
  commandTask?: TaskInfo;
  killRequested?: boolean;
  /** Why the agent killed it, when it did (else REASON_EXECUTOR_TERMINATED). */
  terminationReason?: TaskStatusReason;
  heartbeatTimer?: unknown;
  registrationTimer?: unknown;
  shutdownTimer?: unknown;
}

export interface AgentDescription {
  id: string;
  hostname: string;
  port: number;
  endpoint: string;
  url: string;
  workDir: string;
}

export class Agent implements AgentLink {
  readonly id: string;
  readonly hostname: string;
  port: number;
  readonly workDir: string;
  readonly resources: Resource[];
  readonly attributes: Attribute[];
  private readonly options: AgentOptions;
  private readonly log: Logger;
  private readonly timers: Clock;
  private readonly executors = new Map<string, RunningExecutor>();
  private readonly tasks = new Map<string, AgentTask>();
  private readonly frameworks = new Map<string, FrameworkInfo>();
  private readonly completedExecutors = new Map<string, RunningExecutor[]>();
  private readonly updates: StatusUpdateStreams;
  private server: http.Server | null = null;
  private running = false;
  private partitioned = false;
  /** Process exits observed while the agent was down; handled when it comes back. */
  private exitsWhileDown: { executor: RunningExecutor; status: number; code: number | null; signal: NodeJS.Signals | null }[] = [];
  private containerSeq = 0;

  constructor(options: AgentOptions) {
    this.options = options;
    this.id = options.id;
    this.hostname = options.hostname;
    this.port = options.port;
    this.workDir = options.workDir;
    this.resources = options.resources;
    this.attributes = options.attributes;
    this.log = options.log.child({ agentId: options.id });
    this.timers = options.timers ?? systemClock;
    this.updates = new StatusUpdateStreams({
      retryMinMs: options.statusUpdateRetryMs,
      timers: this.timers,
      forward: (frameworkId, status) => {
        if (!this.partitioned && this.running) this.options.master.statusUpdate(this.id, frameworkId, status);
      },
    });
  }

  describe(): AgentDescription {
    return { id: this.id, hostname: this.hostname, port: this.port, endpoint: `${this.hostname}:${this.port}`, url: `http://${this.hostname}:${this.port}`, workDir: this.workDir };
  }

  agentInfo(): AgentInfo {
    return { hostname: this.hostname, port: this.port, resources: this.resources, attributes: this.attributes, id: { value: this.id } };
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** Starts serving and registers (or re-registers, reporting its tasks) with the master. */
  async start(): Promise<void> {
    if (this.running) return;
    const server = http.createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        this.log.error({ err }, 'agent request failed');
        replyError(res, err);
      });
    });
    server.keepAliveTimeout = 65_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, this.options.bind ?? (isIP(this.hostname) ? this.hostname : '0.0.0.0'), () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
    const restarting = this.executors.size > 0 || this.exitsWhileDown.length > 0;
    this.running = true;
    // Registering makes the master call frameworkSubscribed for every connected framework,
    // which re-sends their pending updates.
    this.registerWithMaster();
    if (restarting) this.recover();
  }

  /** The agent process goes down: executors keep running (checkpointed ones will resubscribe). */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.updates.pause();
    for (const executor of this.executors.values()) {
      this.timers.clearTimeout(executor.heartbeatTimer);
      executor.stream?.close();
      executor.stream = null;
    }
    await this.closeServer();
    this.options.master.agentDisconnected(this.id);
    this.log.info('agent stopped');
  }

  /** The network between agent and master is cut: the master marks it unreachable. */
  partition(): void {
    this.partitioned = true;
    this.updates.pause();
    this.options.master.markAgentUnreachable(this.id);
  }

  heal(): void {
    if (!this.partitioned) return;
    this.partitioned = false;
    if (this.running) this.registerWithMaster();
  }

  private registerWithMaster(): void {
    this.options.master.registerAgent({
      id: this.id, hostname: this.hostname, port: this.port, resources: this.resources, attributes: this.attributes, link: this, tasks: this.reportTasks(),
    });
  }

  /**
   * Everything ends and no process this agent started survives. Executors first get SHUTDOWN
   * and their grace period, as when a Mesos agent is drained, so they stop their containers
   * instead of leaving them running; SIGKILL is only for those that overstay.
   */
  async destroy(): Promise<void> {
    const exits: Promise<unknown>[] = [];
    for (const executor of this.executors.values()) {
      if (!executor.process) continue;
      exits.push(executor.process.exited);
      if (executor.stream) this.shutdownExecutorNow(executor);
      else executor.process.signal('SIGKILL');
    }
    await Promise.all(exits);
    this.running = false;
    this.updates.stop();
    for (const executor of this.executors.values()) {
      this.clearExecutorTimers(executor);
      executor.stream?.close();
    }
    this.executors.clear();
    await this.closeServer();
  }

  /** SIGKILL to an executor's process (a fault for tests); returns false when unknown. */
  killExecutor(executorId: string): boolean {
    let found = false;
    for (const executor of this.executors.values()) {
      if (executor.info.executor_id.value !== executorId || !executor.process) continue;
      executor.process.signal('SIGKILL');
      found = true;
    }
    return found;
  }

  hasExecutor(executorId: string): boolean {
    return [...this.executors.values()].some((e) => e.info.executor_id.value === executorId);
  }

  /** Pids of the processes this agent runs (for leak checks). */
  pids(): number[] {
    return [...this.executors.values()].map((e) => e.process?.pid).filter((p): p is number => p !== undefined);
  }

  // ---- AgentLink (calls from the master) ----

  runTask(framework: FrameworkInfo, task: TaskInfo): void {
    const frameworkId = framework.id!.value;
    this.frameworks.set(frameworkId, framework);
    const executorInfo = task.executor ?? commandExecutorInfo(task, frameworkId);
    const key = `${frameworkId}/${executorInfo.executor_id.value}`;
    const agentTask: AgentTask = { info: task, frameworkId, executorKey: key, state: 'TASK_STAGING', seenUuids: new Set() };
    this.tasks.set(`${frameworkId}/${task.task_id.value}`, agentTask);
    let executor = this.executors.get(key);
    if (executor?.state === 'TERMINATING') {
      // As Mesos's agent: a task for an executor being shut down is dropped.
      const aware = (framework.capabilities ?? []).some((c) => c.type === 'PARTITION_AWARE');
      this.agentUpdate(agentTask, aware ? 'TASK_DROPPED' : 'TASK_LOST', 'SOURCE_AGENT', 'REASON_EXECUTOR_TERMINATED', 'Executor terminating');
      return;
    }
    if (executor && executor.state !== 'TERMINATED') {
      executor.taskIds.add(task.task_id.value);
      if (executor.state === 'RUNNING' && executor.stream) this.sendLaunch(executor, task);
      else executor.queued.push(task);
      return;
    }
    executor = this.createExecutor(framework, executorInfo, task);
    if (this.options.containerizer === 'simulated') return this.simulateLaunch(executor, agentTask);
    if (task.command) return this.runCommandTask(executor, agentTask);
    this.launchExecutor(executor);
  }

  killTask(frameworkId: string, taskId: string, killPolicy?: KillPolicy): void {
    const task = this.tasks.get(`${frameworkId}/${taskId}`);
    if (!task || isTerminalState(task.state)) return;
    const executor = this.executors.get(task.executorKey);
    if (!executor) return;
    if (this.options.containerizer === 'simulated') {
      this.agentUpdate(task, 'TASK_KILLED', 'SOURCE_EXECUTOR', undefined, 'Killed by the scheduler');
      return;
    }
    if (executor.commandTask) {
      executor.killRequested = true;
      // Mesos's command executor reports TASK_KILLING only to frameworks that opted in.
      if ((executor.framework.capabilities ?? []).some((c) => c.type === 'TASK_KILLING_STATE')) {
        this.agentUpdate(task, 'TASK_KILLING', 'SOURCE_EXECUTOR', undefined, 'Killing the command');
      }
      this.terminateProcess(executor, killPolicy?.grace_period?.nanoseconds ?? executor.commandTask.kill_policy?.grace_period?.nanoseconds);
      return;
    }
    const queuedIndex = executor.queued.findIndex((t) => t.task_id.value === taskId);
    if (queuedIndex >= 0 || executor.state === 'REGISTERING') {
      if (queuedIndex >= 0) executor.queued.splice(queuedIndex, 1);
      this.agentUpdate(task, 'TASK_KILLED', 'SOURCE_AGENT', 'REASON_TASK_KILLED_DURING_LAUNCH', 'Killed before delivery to the executor');
      if (executor.queued.length === 0 && this.liveTasks(executor).length === 0) this.shutdownExecutorNow(executor);
      return;
    }
    const event: ExecutorEvent = { type: 'KILL', kill: { task_id: { value: taskId } } };
    if (killPolicy) event.kill!.kill_policy = killPolicy;
    // A checkpointed executor between two subscriptions gets the KILL when it is back.
    if (executor.stream) executor.stream.send(event);
    else executor.pendingKills.push(event);
  }

  shutdownExecutor(frameworkId: string, executorId: string): void {
    const executor = this.executors.get(`${frameworkId}/${executorId}`);
    if (executor) this.shutdownExecutorNow(executor);
  }

  shutdownFramework(frameworkId: string): void {
    this.updates.dropFramework(frameworkId);
    for (const [key, task] of this.tasks) if (task.frameworkId === frameworkId) this.tasks.delete(key);
    for (const executor of [...this.executors.values()]) {
      if (executor.frameworkId !== frameworkId) continue;
      executor.taskIds.clear();
      executor.queued = [];
      this.shutdownExecutorNow(executor);
    }
  }

  acknowledge(frameworkId: string, taskId: string, uuid: string): void {
    const acked = this.updates.acknowledge(frameworkId, taskId, uuid);
    if (!acked) return;
    const key = `${frameworkId}/${taskId}`;
    const task = this.tasks.get(key);
    if (task && isTerminalState(acked.state) && this.updates.pending(frameworkId, taskId).length === 0) {
      this.tasks.delete(key);
      const executor = this.executors.get(task.executorKey);
      if (!executor || !executor.taskIds.delete(taskId)) return;
      pushBounded(executor.completedTasks, task, MAX_COMPLETED_TASKS_PER_EXECUTOR);
      if (executor.state === 'TERMINATED' && executor.taskIds.size === 0) this.retire(executor);
      if (this.options.containerizer === 'simulated' && executor.taskIds.size === 0) {
        this.retire(executor);
        this.options.master.executorExited(this.id, frameworkId, executor.info.executor_id.value, 0);
      }
    }
  }

  frameworkMessage(frameworkId: string, executorId: string, data: string): void {
    this.executors.get(`${frameworkId}/${executorId}`)?.stream?.send({ type: 'MESSAGE', message: { data } });
  }

  frameworkSubscribed(frameworkId: string): void {
    if (!this.partitioned && this.running) this.updates.resume(frameworkId);
  }

  // ---- executors ----

  private createExecutor(framework: FrameworkInfo, info: ExecutorInfo, task: TaskInfo): RunningExecutor {
    const frameworkId = framework.id!.value;
    const containerId = `${this.id}-c${this.containerSeq++}-${Date.now().toString(36)}`;
    const runs = path.join(this.workDir, 'slaves', this.id, 'frameworks', frameworkId, 'executors', info.executor_id.value, 'runs');
    const executor: RunningExecutor = {
      key: `${frameworkId}/${info.executor_id.value}`, frameworkId, framework, info: { ...info, framework_id: { value: frameworkId } },
      containerId, directory: path.join(runs, containerId), state: 'REGISTERING', stream: null, queued: [], pendingKills: [], completedTasks: [], taskIds: new Set([task.task_id.value]),
    };
    this.executors.set(executor.key, executor);
    if (this.options.containerizer === 'process') {
      fs.mkdirSync(executor.directory, { recursive: true });
      const latest = path.join(runs, 'latest');
      fs.rmSync(latest, { force: true });
      fs.symlinkSync(containerId, latest);
    }
    if (!task.command) executor.queued.push(task);
    return executor;
  }

  private executorEnv(executor: RunningExecutor, extra: CommandEnvSource): Record<string, string> {
    const checkpoint = executor.framework.checkpoint === true;
    const graceNs = executor.info.shutdown_grace_period?.nanoseconds;
    const graceMs = graceNs !== undefined ? graceNs / 1e6 : this.options.executorShutdownGraceMs ?? 5000;
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
    Object.assign(env, {
      MESOS_FRAMEWORK_ID: executor.frameworkId,
      MESOS_EXECUTOR_ID: executor.info.executor_id.value,
      MESOS_DIRECTORY: executor.directory,
      MESOS_SANDBOX: executor.directory,
      MESOS_SLAVE_ID: this.id,
      MESOS_AGENT_ID: this.id,
      MESOS_SLAVE_PID: `slave(1)@${this.hostname}:${this.port}`,
      MESOS_AGENT_ENDPOINT: `${this.hostname}:${this.port}`,
      MESOS_CHECKPOINT: checkpoint ? '1' : '0',
      MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD: formatMesosDuration(graceMs),
      MESOS_HTTP_COMMAND_EXECUTOR: '0',
    });
    if (checkpoint) {
      env.MESOS_RECOVERY_TIMEOUT = '15mins';
      env.MESOS_SUBSCRIPTION_BACKOFF_MAX = '2secs';
    }
    for (const variable of extra.environment?.variables ?? []) {
      if (variable.type === 'SECRET') continue;
      env[variable.name] = variable.value ?? '';
    }
    return env;
  }

  private launchExecutor(executor: RunningExecutor): void {
    const command = executor.info.command ?? {};
    executor.process = launchProcess(command, { sandbox: executor.directory, env: this.executorEnv(executor, command) });
    this.log.info({ executorId: executor.info.executor_id.value, pid: executor.process.pid, sandbox: executor.directory }, 'executor launched');
    void executor.process.exited.then(({ code, signal }) => this.processExited(executor, code, signal));
    executor.registrationTimer = this.timers.setTimeout(() => {
      if (executor.state !== 'REGISTERING') return;
      this.log.warn({ executorId: executor.info.executor_id.value }, 'executor did not subscribe in time: killing it');
      executor.terminationReason = 'REASON_EXECUTOR_REGISTRATION_TIMEOUT';
      executor.process?.signal('SIGKILL');
    }, this.options.executorRegistrationTimeoutMs ?? 60_000);
  }

  /** TaskInfo.command: what Mesos's command executor does, without a second process. */
  private runCommandTask(executor: RunningExecutor, task: AgentTask): void {
    executor.commandTask = task.info;
    executor.state = 'RUNNING';
    const command = task.info.command!;
    executor.process = launchProcess(command, { sandbox: executor.directory, env: this.executorEnv(executor, command) });
    this.agentUpdate(task, 'TASK_STARTING', 'SOURCE_EXECUTOR');
    this.agentUpdate(task, 'TASK_RUNNING', 'SOURCE_EXECUTOR');
    void executor.process.exited.then(({ code, signal }) => this.processExited(executor, code, signal));
  }

  private simulateLaunch(executor: RunningExecutor, task: AgentTask): void {
    executor.state = 'RUNNING';
    executor.queued = [];
    this.agentUpdate(task, 'TASK_STARTING', 'SOURCE_EXECUTOR');
    this.agentUpdate(task, 'TASK_RUNNING', 'SOURCE_EXECUTOR');
  }

  private sendLaunch(executor: RunningExecutor, task: TaskInfo): void {
    executor.stream?.send({ type: 'LAUNCH', launch: { task } });
  }

  private liveTasks(executor: RunningExecutor): AgentTask[] {
    const out: AgentTask[] = [];
    for (const id of executor.taskIds) {
      const task = this.tasks.get(`${executor.frameworkId}/${id}`);
      if (task && !isTerminalState(task.state)) out.push(task);
    }
    return out;
  }

  private shutdownExecutorNow(executor: RunningExecutor): void {
    if (executor.state === 'TERMINATED' || executor.state === 'TERMINATING') return;
    if (this.options.containerizer === 'simulated') {
      for (const task of this.liveTasks(executor)) this.agentUpdate(task, 'TASK_KILLED', 'SOURCE_EXECUTOR', undefined, 'Executor shut down');
      executor.state = 'TERMINATED';
      return;
    }
    executor.state = 'TERMINATING';
    executor.stream?.send({ type: 'SHUTDOWN' });
    const graceNs = executor.info.shutdown_grace_period?.nanoseconds;
    this.terminateProcess(executor, graceNs ?? (this.options.executorShutdownGraceMs ?? 5000) * 1e6);
  }

  /** Command tasks get SIGTERM at once; either kind gets SIGKILL once the grace period is over. */
  private terminateProcess(executor: RunningExecutor, graceNs: number | undefined): void {
    const graceMs = graceNs !== undefined ? graceNs / 1e6 : 3000;
    if (executor.commandTask) executor.process?.signal('SIGTERM');
    this.timers.clearTimeout(executor.shutdownTimer);
    executor.shutdownTimer = this.timers.setTimeout(() => executor.process?.signal('SIGKILL'), graceMs);
  }

  private clearExecutorTimers(executor: RunningExecutor): void {
    this.timers.clearTimeout(executor.heartbeatTimer);
    this.timers.clearTimeout(executor.registrationTimer);
    this.timers.clearTimeout(executor.shutdownTimer);
  }

  private processExited(executor: RunningExecutor, code: number | null, signal: NodeJS.Signals | null): void {
    const status = waitStatus(code, signal);
    if (!this.running) {
      if (this.executors.get(executor.key) === executor) this.exitsWhileDown.push({ executor, status, code, signal });
      return;
    }
    this.executorTerminated(executor, status, code, signal);
  }

  private executorTerminated(executor: RunningExecutor, status: number, code: number | null, signal: NodeJS.Signals | null): void {
    this.clearExecutorTimers(executor);
    executor.state = 'TERMINATED';
    executor.stream?.close();
    executor.stream = null;
    this.log.info({ executorId: executor.info.executor_id.value, code, signal }, 'executor exited');
    if (executor.commandTask) {
      const task = this.tasks.get(`${executor.frameworkId}/${executor.commandTask.task_id.value}`);
      if (task && !isTerminalState(task.state)) {
        if (executor.killRequested) this.agentUpdate(task, 'TASK_KILLED', 'SOURCE_EXECUTOR', undefined, 'Command terminated by a kill');
        else if (code === 0) this.agentUpdate(task, 'TASK_FINISHED', 'SOURCE_EXECUTOR', undefined, 'Command exited with status 0');
        else this.agentUpdate(task, 'TASK_FAILED', 'SOURCE_EXECUTOR', 'REASON_COMMAND_EXECUTOR_FAILED', signal ? `Command terminated with signal ${signal}` : `Command exited with status ${code}`);
      }
    } else {
      for (const task of this.liveTasks(executor)) {
        this.agentUpdate(task, 'TASK_FAILED', 'SOURCE_AGENT', executor.terminationReason ?? 'REASON_EXECUTOR_TERMINATED', 'Executor terminated');
      }
    }
    executor.queued = [];
    if (executor.taskIds.size === 0 || [...executor.taskIds].every((id) => !this.tasks.has(`${executor.frameworkId}/${id}`))) this.retire(executor);
    this.options.master.executorExited(this.id, executor.frameworkId, executor.info.executor_id.value, status);
  }

  /** After a restart: executors that do not resubscribe in time are killed (Mesos's reregistration timeout). */
  private recover(): void {
    const exits = this.exitsWhileDown;
    this.exitsWhileDown = [];
    for (const e of exits) this.executorTerminated(e.executor, e.status, e.code, e.signal);
    const timeout = this.options.executorReregistrationTimeoutMs ?? 2000;
    this.timers.setTimeout(() => {
      for (const executor of this.executors.values()) {
        if (executor.stream || executor.state === 'TERMINATED' || executor.commandTask || !executor.process) continue;
        if (executor.state === 'REGISTERING') continue;
        this.log.warn({ executorId: executor.info.executor_id.value }, 'executor did not resubscribe after the agent restarted: killing it');
        executor.terminationReason = 'REASON_EXECUTOR_REREGISTRATION_TIMEOUT';
        executor.process.signal('SIGKILL');
      }
    }, timeout);
  }

  private reportTasks(): ReportedTask[] {
    const out: ReportedTask[] = [];
    for (const task of this.tasks.values()) {
      const executor = this.executors.get(task.executorKey);
      out.push({ frameworkId: task.frameworkId, task: task.info, state: task.state, executor: executor && !executor.commandTask ? executor.info : undefined });
    }
    return out;
  }

  /** An update the agent (or the simulated executor) generates. */
  private agentUpdate(task: AgentTask, state: TaskState, source: TaskStatus['source'], reason?: TaskStatusReason, message?: string): void {
    const executor = this.executors.get(task.executorKey);
    const status: TaskStatus = {
      task_id: task.info.task_id, state, source, uuid: newUuidBase64(), timestamp: Date.now() / 1000,
      agent_id: { value: this.id },
    };
    if (executor) {
      status.executor_id = executor.info.executor_id;
      status.container_status = { container_id: { value: executor.containerId } };
      if (executor.process?.pid !== undefined) status.container_status.executor_pid = executor.process.pid;
    }
    if (reason) status.reason = reason;
    if (message) status.message = message;
    this.recordUpdate(task, status);
  }

  /** An executor's update as the agent forwards it: with its agent, executor and container. */
  private fromExecutor(executor: RunningExecutor, status: TaskStatus): TaskStatus {
    const container: NonNullable<TaskStatus['container_status']> = { container_id: { value: executor.containerId } };
    if (executor.process?.pid !== undefined) container.executor_pid = executor.process.pid;
    return { ...status, agent_id: { value: this.id }, executor_id: executor.info.executor_id, container_status: { ...container, ...status.container_status } };
  }

  private recordUpdate(task: AgentTask, status: TaskStatus): void {
    if (status.uuid) task.seenUuids.add(status.uuid);
    task.state = status.state;
    this.updates.enqueue(task.frameworkId, status);
  }

  // ---- HTTP ----

  private async closeServer(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const p = url.pathname;
    if (p === '/api/v1/executor' || p === '/slave(1)/api/v1/executor') return this.executorEndpoint(req, res);
    if (p.startsWith('/files/')) {
      if (await serveFiles(this.workDir, url, res)) return;
    }
    if (p === '/health' || p === '/slave(1)/health') return reply(res, 200);
    if (p === '/state' || p === '/slave(1)/state' || p === '/state.json') return replyJson(res, this.stateJson());
    reply(res, 404);
  }

  private async executorEndpoint(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (refuseUnlessPost(req, res)) return;
    const body = await readBody(req);
    try {
      const { call } = decodeCall(req, body, 'mesos.v1.executor.Call');
      const invalid = validateExecutorCall(call);
      if (invalid) throw new HttpError(400, `Failed to validate Executor::Call: ${invalid}`);
      let accept: ReturnType<typeof negotiateAccept> | undefined;
      if (call.type === 'SUBSCRIBE') accept = negotiateAccept(req);
      else if (call.type === 'HEARTBEAT') return reply(res, 202);
      if (!this.frameworks.has(call.framework_id.value)) throw new HttpError(400, 'Framework cannot be found');
      const executor = this.executors.get(`${call.framework_id.value}/${call.executor_id.value}`);
      if (!executor || executor.state === 'TERMINATED') throw new HttpError(400, 'Executor cannot be found');
      if (executor.state === 'REGISTERING' && call.type !== 'SUBSCRIBE') throw new HttpError(403, 'Executor is not subscribed');
      switch (call.type) {
        case 'SUBSCRIBE': return this.subscribeExecutor(executor, call, res, accept!);
        case 'UPDATE': {
          const status = call.update!.status;
          const task = this.tasks.get(`${executor.frameworkId}/${status.task_id.value}`);
          if (task && !task.seenUuids.has(status.uuid!)) this.recordUpdate(task, this.fromExecutor(executor, status));
          reply(res, 202);
          executor.stream?.send({ type: 'ACKNOWLEDGED', acknowledged: { task_id: status.task_id, uuid: status.uuid! } });
          return;
        }
        case 'MESSAGE':
          this.options.master.executorMessage(this.id, executor.frameworkId, executor.info.executor_id.value, call.message!.data);
          return reply(res, 202);
        default:
          return reply(res, 501);
      }
    } catch (err) {
      replyError(res, err);
    }
  }

  private subscribeExecutor(executor: RunningExecutor, call: ExecutorCall, res: http.ServerResponse, contentType: ReturnType<typeof negotiateAccept>): void {
    const previous = executor.stream;
    const stream = new EventStream(res, 'mesos.v1.executor.Event', contentType);
    executor.stream = stream;
    previous?.close();
    this.timers.clearTimeout(executor.registrationTimer);
    const resubscribe = executor.state === 'RUNNING' || executor.state === 'TERMINATING';
    if (executor.state === 'REGISTERING') executor.state = 'RUNNING';
    stream.onClose(() => {
      if (executor.stream !== stream) return;
      executor.stream = null;
      this.timers.clearTimeout(executor.heartbeatTimer);
      if (!this.running || executor.state === 'TERMINATED') return;
      if (executor.framework.checkpoint !== true) {
        this.log.info({ executorId: executor.info.executor_id.value }, 'executor disconnected without checkpointing: shutting it down');
        this.shutdownExecutorNow(executor);
      }
    });
    stream.send({
      type: 'SUBSCRIBED',
      subscribed: { executor_info: executor.info, framework_info: executor.framework, agent_info: this.agentInfo(), container_id: { value: executor.containerId } },
    });
    // Updates the executor sent but the agent never recorded (it was down) are taken now.
    for (const { status } of call.subscribe?.unacknowledged_updates ?? []) {
      const task = this.tasks.get(`${executor.frameworkId}/${status.task_id.value}`);
      if (task && status.uuid && !task.seenUuids.has(status.uuid)) this.recordUpdate(task, this.fromExecutor(executor, status));
    }
    if (executor.state === 'TERMINATING') stream.send({ type: 'SHUTDOWN' });
    else {
      const queued = executor.queued;
      executor.queued = [];
      for (const task of queued) this.sendLaunch(executor, task);
      for (const kill of executor.pendingKills.splice(0)) stream.send(kill);
    }
    const beat = (): void => {
      if (executor.stream !== stream) return;
      stream.send({ type: 'HEARTBEAT' });
      executor.heartbeatTimer = this.timers.setTimeout(beat, this.options.executorHeartbeatMs ?? 30_000);
    };
    executor.heartbeatTimer = this.timers.setTimeout(beat, this.options.executorHeartbeatMs ?? 30_000);
    this.log.info({ executorId: executor.info.executor_id.value, resubscribe }, 'executor subscribed');
  }

  /** The executor is done: it moves to the completed executors that /state keeps showing (sandbox lookups). */
  private retire(executor: RunningExecutor): void {
    if (this.executors.get(executor.key) !== executor) return;
    this.executors.delete(executor.key);
    if (this.options.containerizer === 'simulated') return;
    const list = this.completedExecutors.get(executor.frameworkId) ?? [];
    pushBounded(list, executor, MAX_COMPLETED_EXECUTORS_PER_FRAMEWORK);
    this.completedExecutors.set(executor.frameworkId, list);
  }

  /** The agent's `/state` in Mesos's shape, the parts tools read (executors' sandbox directories). */
  private stateJson(): Record<string, unknown> {
    const taskJson = (t: AgentTask): Record<string, unknown> => ({
      id: t.info.task_id.value, name: t.info.name, framework_id: t.frameworkId, executor_id: t.info.executor?.executor_id.value ?? '',
      slave_id: this.id, state: t.state, resources: resourcesToStateJson(t.info.resources ?? []),
    });
    const executorJson = (e: RunningExecutor): Record<string, unknown> => {
      const live = [...e.taskIds].map((t) => this.tasks.get(`${e.frameworkId}/${t}`)).filter((t): t is AgentTask => t !== undefined);
      return {
        id: e.info.executor_id.value, name: e.info.name ?? '', source: e.info.source ?? '', container: e.containerId, directory: e.directory,
        resources: resourcesToStateJson(e.info.resources ?? []),
        tasks: live.filter((t) => !e.queued.some((q) => q.task_id.value === t.info.task_id.value)).map(taskJson),
        queued_tasks: e.queued.map((q) => ({ id: q.task_id.value, name: q.name })),
        completed_tasks: e.completedTasks.map(taskJson),
      };
    };
    const ids = new Set([...this.frameworks.keys()]);
    const frameworkJson = (id: string): Record<string, unknown> => ({
      id,
      name: this.frameworks.get(id)?.name ?? '',
      executors: [...this.executors.values()].filter((e) => e.frameworkId === id).map(executorJson),
      completed_executors: (this.completedExecutors.get(id) ?? []).map(executorJson),
    });
    return {
      id: this.id,
      pid: `slave(1)@${this.hostname}:${this.port}`,
      hostname: this.hostname,
      version: MESOS_VERSION,
      resources: resourcesToStateJson(this.resources),
      attributes: Object.fromEntries(this.attributes.map((a) => [a.name, attributeText(a)])),
      frameworks: [...ids].filter((id) => [...this.executors.values()].some((e) => e.frameworkId === id)).map(frameworkJson),
      completed_frameworks: [...ids].filter((id) => ![...this.executors.values()].some((e) => e.frameworkId === id)).map(frameworkJson),
    };
  }

}

type CommandEnvSource = { environment?: { variables?: { name: string; value?: string; type?: string }[] } };

/** Mesos's common::validation::validateExecutorCall. */
export function validateExecutorCall(call: ExecutorCall): string | null {
  if (call.type === undefined) return "Expecting 'type' to be present";
  switch (call.type) {
    case 'SUBSCRIBE':
      return call.subscribe ? null : "Expecting 'subscribe' to be present";
    case 'UPDATE': {
      if (!call.update) return "Expecting 'update' to be present";
      const status = call.update.status;
      if (status.uuid === undefined) return "Expecting 'uuid' to be present";
      if (!isValidUuidBase64(status.uuid)) return 'Not a valid UUID';
      if (status.executor_id && status.executor_id.value !== call.executor_id.value) {
        return `ExecutorID in Call: ${call.executor_id.value} does not match ExecutorID in TaskStatus: ${status.executor_id.value}`;
      }
      if (status.source !== 'SOURCE_EXECUTOR') {
        return `Received Call from executor ${call.executor_id.value} of framework ${call.framework_id.value} with invalid source, expecting 'SOURCE_EXECUTOR'`;
      }
      if (status.state === 'TASK_STAGING') {
        return `Received TASK_STAGING from executor ${call.executor_id.value} of framework ${call.framework_id.value} which is not allowed`;
      }
      return null;
    }
    case 'MESSAGE':
      return call.message ? null : "Expecting 'message' to be present";
    default:
      return null;
  }
}

/** The ExecutorInfo Mesos's agent makes up for a command task (executor id = task id). */
function commandExecutorInfo(task: TaskInfo, frameworkId: string): ExecutorInfo {
  return {
    executor_id: { value: task.task_id.value },
    framework_id: { value: frameworkId },
    name: `Command Executor (Task: ${task.task_id.value}) (Command: sh -c '${(task.command?.value ?? '').slice(0, 20)}')`,
    source: task.task_id.value,
    command: task.command,
  };
}
