/**
 * The executor process: subscribes to its agent, runs the one task it is given, reports every
 * status with a fresh uuid, and survives agent restarts when checkpointing is on.
 */
import { HeartbeatWatchdog, MISSED_HEARTBEATS, type Logger } from '../common';
import {
  isTerminalState, newUuidBase64, type ExecutorCall, type ExecutorEvent, type TaskInfo, type TaskStatus,
} from '../mesos-proto';
import { decodeStatisticsMessage } from '../contract/task-statistics';
import { AgentConnection, type Subscription } from './agent-connection';
import type { ExecutorSettings, MesosEnvironment, VaultSettings } from './config';
import { connectDocker } from './docker-engine';
import { collectGarbage } from './gc';
import { OrphanSweeper } from './orphan-sweeper';
import { ShellCommandRunner } from './shell-commands';
import { StatisticsResponder } from './statistics-responder';
import { TaskRunner, type StatusReport } from './task-runner';
import { UpdateTracker, resubscribeDelayMs } from './update-tracker';

export interface ExecutorOptions {
  mesos: MesosEnvironment;
  settings: ExecutorSettings;
  vault: VaultSettings;
  /** EXECUTOR_GC_INTERVAL; 0 or absent: no orphan sweep. */
  gcIntervalMs?: number;
  log: Logger;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// The bounds that keep every way out finite, agent or no agent. Past the grace period, time for
// SIGKILL, the container's exit and its removal:
const STOP_SLACK_MS = 3000;
// After SHUTDOWN/SIGTERM, how long the terminal update may wait for its acknowledgement:
const SHUTDOWN_ACK_WAIT_MS = 2000;
// At exit, how long an UPDATE still in flight may hold it (its own timeout is 30 s):
const EXIT_FLUSH_MS = 1000;
// How long the agent may take to answer SUBSCRIBE:
const SUBSCRIBE_ANSWER_TIMEOUT_MS = 10_000;

export class Executor {
  private readonly connection: AgentConnection;
  private readonly tracker = new UpdateTracker();
  private subscription: Subscription | null = null;
  private connected = false;
  private runner: TaskRunner | null = null;
  private agentId: string;
  private hostname = '127.0.0.1';
  private rackId: string | undefined;
  private killingState = false;
  private shuttingDown = false;
  private stopping = false;
  private sendChain: Promise<void> = Promise.resolve();
  private finishedResolve!: (code: number) => void;
  /** Resolves with the process exit code once the executor is done. */
  readonly finished = new Promise<number>((r) => (this.finishedResolve = r));
  private readonly log: Logger;
  private readonly sweeper: OrphanSweeper;
  private readonly shellCommands: ShellCommandRunner;
  private readonly statistics: StatisticsResponder;
  /** A half-open connection to a vanished agent never closes by itself; silence is the sign. */
  private readonly watchdog = new HeartbeatWatchdog(() =>
    this.subscription?.close(`nothing from the agent for ${MISSED_HEARTBEATS} heartbeat intervals (EXECUTOR_AGENT_HEARTBEAT_INTERVAL)`),
  );

  constructor(private readonly options: ExecutorOptions) {
    this.connection = new AgentConnection({
      endpoint: options.mesos.agentEndpoint,
      contentType: options.settings.contentType,
      authToken: options.mesos.authToken,
    });
    this.agentId = options.mesos.agentId ?? '';
    this.log = options.log.child({ executorId: options.mesos.executorId, frameworkId: options.mesos.frameworkId });
    this.sweeper = new OrphanSweeper({
      intervalMs: options.gcIntervalMs ?? 0,
      log: this.log,
      sweep: () => collectGarbage(connectDocker(), this.log, {
        keepFailed: options.settings.keepFailedContainers,
        selfExecutorId: options.mesos.executorId,
      }),
    });
    const send = async (data: string): Promise<void> => {
      if (!this.connected) throw new Error('not connected to the agent');
      await this.connection.call({ ...this.baseCall(), type: 'MESSAGE', message: { data } });
    };
    const runningTaskId = (): string | null => this.runner?.taskId ?? null;
    this.shellCommands = new ShellCommandRunner({
      docker: connectDocker, runningTaskId, sandbox: options.mesos.sandbox,
      secrets: () => this.runner?.secretValues ?? [], log: this.log, send,
    });
    this.statistics = new StatisticsResponder({ docker: connectDocker, runningTaskId, log: this.log, send });
  }

  private baseCall(): Pick<ExecutorCall, 'executor_id' | 'framework_id'> {
    return { executor_id: { value: this.options.mesos.executorId }, framework_id: { value: this.options.mesos.frameworkId } };
  }

  async start(): Promise<void> {
    this.sweeper.start();
    void this.connectLoop();
  }

  private async connectLoop(): Promise<void> {
    let attempt = 0;
    let disconnectedAt: number | null = null;
    const heartbeatMs = this.options.settings.agentHeartbeatIntervalMs;
    while (!this.stopping) {
      try {
        const subscribe = {
          unacknowledged_tasks: this.tracker.unacknowledgedTasks(),
          unacknowledged_updates: this.tracker.unacknowledgedUpdates(),
        };
        const left = disconnectedAt === null ? Infinity : this.options.mesos.recoveryTimeoutMs - (Date.now() - disconnectedAt);
        const answerTimeoutMs = Math.min(SUBSCRIBE_ANSWER_TIMEOUT_MS, Math.max(1000, left));
        this.subscription = await this.connection.subscribe({ ...this.baseCall(), type: 'SUBSCRIBE', subscribe }, (e) => {
          if (heartbeatMs > 0) this.watchdog.beat();
          this.onEvent(e);
        }, answerTimeoutMs);
        this.connected = true;
        if (heartbeatMs > 0) this.watchdog.start(heartbeatMs / 1000);
        attempt = 0;
        disconnectedAt = null;
        this.log.info({ resent: subscribe.unacknowledged_updates.length }, 'subscribed to the agent');
        const reason = await this.subscription.closed;
        this.watchdog.stop();
        this.connected = false;
        if (this.stopping) return;
        this.log.warn({ reason }, 'disconnected from the agent');
      } catch (err) {
        this.connected = false;
        this.log.warn({ cause: (err as Error).message, attempt }, 'cannot subscribe to the agent');
      }
      if (!this.options.mesos.checkpoint) {
        this.log.error('disconnected and checkpointing is off: exiting, as a Mesos executor does');
        await this.shutdownTask('agent disconnected');
        this.exit(1);
        return;
      }
      disconnectedAt ??= Date.now();
      if (Date.now() - disconnectedAt >= this.options.mesos.recoveryTimeoutMs) {
        this.log.error({ recoveryTimeoutMs: this.options.mesos.recoveryTimeoutMs }, 'agent did not come back within MESOS_RECOVERY_TIMEOUT: exiting');
        await this.shutdownTask('agent recovery timed out');
        this.exit(1);
        return;
      }
      await sleep(resubscribeDelayMs(attempt++, this.options.mesos.subscriptionBackoffMaxMs));
    }
  }

  private onEvent(event: ExecutorEvent): void {
    switch (event.type) {
      case 'SUBSCRIBED': {
        const sub = event.subscribed;
        this.hostname = sub?.agent_info.hostname ?? this.hostname;
        // Singularity's TASK_RACK_ID came from the agent's `rackid` attribute; mesos-local calls it `rack`.
        const rack = (sub?.agent_info.attributes ?? []).find((a) => a.name === 'rackid' || a.name === 'rack');
        this.rackId = rack?.text?.value ?? this.rackId;
        this.agentId = sub?.agent_info.id?.value ?? this.agentId;
        this.killingState = (sub?.framework_info.capabilities ?? []).some((c) => c.type === 'TASK_KILLING_STATE');
        return;
      }
      case 'LAUNCH':
        if (event.launch) this.launch(event.launch.task);
        return;
      case 'LAUNCH_GROUP':
        for (const task of event.launch_group?.task_group.tasks ?? []) {
          this.sendStatus(task.task_id.value, { state: 'TASK_FAILED', reason: 'REASON_TASK_INVALID', message: 'griddle-executor runs single tasks, not task groups (LAUNCH_GROUP)' });
        }
        return;
      case 'KILL': {
        const taskId = event.kill?.task_id.value;
        if (!this.runner || this.runner.taskId !== taskId) {
          this.log.warn({ taskId }, 'KILL for a task this executor does not run');
          return;
        }
        const grace = event.kill?.kill_policy?.grace_period?.nanoseconds;
        void this.runner.kill(this.runner.killGraceMs(grace === undefined ? undefined : Number(grace) / 1e6), true, this.runner.drainMs());
        return;
      }
      case 'ACKNOWLEDGED': {
        const ack = event.acknowledged;
        if (!ack) return;
        const status = this.tracker.acknowledge(ack.task_id.value, ack.uuid);
        if (status && isTerminalState(status.state) && status.task_id.value === this.runner?.taskId && this.tracker.allAcknowledged) {
          this.log.info({ state: status.state }, 'terminal update acknowledged: exiting');
          this.exit(0);
        }
        return;
      }
      case 'MESSAGE': {
        const data = event.message?.data ?? '';
        const ask = decodeStatisticsMessage(data);
        if (ask?.kind === 'griddle.statistics.ask') void this.statistics.onAsk(ask);
        else if (event.message) void this.shellCommands.onMessage(data);
        return;
      }
      case 'SHUTDOWN':
        this.log.info('SHUTDOWN from the agent');
        void this.shutdown();
        return;
      case 'ERROR':
        this.log.error({ message: event.error?.message }, 'ERROR event from the agent');
        return;
      default:
        return;
    }
  }

  private launch(task: TaskInfo): void {
    const taskId = task.task_id.value;
    if (this.runner) {
      this.sendStatus(taskId, {
        state: 'TASK_FAILED',
        reason: 'REASON_TASK_INVALID',
        message: `this executor already runs task ${this.runner.taskId}; griddle-executor runs one task per executor, give each task its own executor id`,
      });
      return;
    }
    this.tracker.addTask(task);
    const log = this.log;
    this.runner = new TaskRunner(task, {
      docker: connectDocker(),
      settings: this.options.settings,
      vault: this.options.vault,
      executorId: this.options.mesos.executorId,
      frameworkId: this.options.mesos.frameworkId,
      agentId: this.agentId,
      hostname: this.hostname,
      rackId: this.rackId,
      sandbox: this.options.mesos.sandbox,
      killingState: this.killingState,
      log,
      report: (status) => this.sendStatus(taskId, status),
    });
    log.info({ taskId, image: task.container?.docker?.image }, 'launching task');
    void this.runner.launch();
    void this.runner.done.then(() => this.afterTerminal());
  }

  /**
   * Exits once the terminal update is acknowledged, or after a bounded wait. While a
   * checkpointed executor is reconnecting the wait is extended: the resubscription carries the
   * update, and MESOS_RECOVERY_TIMEOUT bounds that loop.
   */
  private afterTerminal(): void {
    const check = () => {
      if (!this.connected && this.options.mesos.checkpoint && !this.stopping && !this.shuttingDown) {
        setTimeout(check, this.options.settings.terminalAckTimeoutMs).unref();
        return;
      }
      if (!this.stopping) this.log.warn('terminal update not acknowledged in time: exiting');
      this.exit(0);
    };
    setTimeout(check, this.options.settings.terminalAckTimeoutMs).unref();
  }

  sendStatus(taskId: string, report: StatusReport): void {
    const status: TaskStatus = {
      task_id: { value: taskId },
      state: report.state,
      source: 'SOURCE_EXECUTOR',
      uuid: newUuidBase64(),
      timestamp: Date.now() / 1000,
      executor_id: { value: this.options.mesos.executorId },
      ...(this.agentId ? { agent_id: { value: this.agentId } } : {}),
      ...(report.message !== undefined ? { message: report.message } : {}),
      ...(report.reason !== undefined ? { reason: report.reason } : {}),
      ...(report.healthy !== undefined ? { healthy: report.healthy } : {}),
      ...(report.labels ? { labels: { labels: report.labels } } : {}),
    };
    this.tracker.add(status);
    this.log.info({ taskId, state: status.state, healthy: status.healthy, reason: status.reason }, 'status update');
    // One call at a time keeps the agent's view in order; a failed call stays unacknowledged and
    // goes out again in the next SUBSCRIBE.
    this.sendChain = this.sendChain.then(async () => {
      if (!this.connected) return;
      try {
        await this.connection.call({ ...this.baseCall(), type: 'UPDATE', update: { status } });
      } catch (err) {
        this.log.warn({ cause: (err as Error).message, state: status.state }, 'UPDATE not delivered; it will be resent on resubscribe');
      }
    });
  }

  /**
   * Stops the container within the grace period. Bounded even when Docker hangs or the task is
   * still pulling its image: a container left behind then is removed by the orphan sweep.
   */
  private async shutdownTask(why: string): Promise<void> {
    if (!this.runner) return;
    this.log.info({ why }, 'stopping the task');
    const grace = Math.min(this.options.settings.killTaskTimeoutMs, Math.max(0, this.options.mesos.shutdownGracePeriodMs - 1000));
    const stopped = await Promise.race([this.runner.kill(grace).then(() => true), sleep(grace + STOP_SLACK_MS).then(() => false)]);
    if (!stopped) this.log.warn({ graceMs: grace }, 'task not stopped within its grace period; exiting anyway (the orphan sweep removes a container left behind)');
  }

  /**
   * SHUTDOWN event or SIGTERM: stop the container, report, exit. The terminal update's
   * ACKNOWLEDGED ends the executor at once; without it the executor still exits shortly after,
   * since an agent that is down or hung may never answer and the agent's own shutdown grace
   * period is running.
   */
  async shutdown(): Promise<void> {
    if (this.stopping || this.shuttingDown) return;
    this.shuttingDown = true;
    await this.shutdownTask('shutdown');
    if (this.runner && this.connected && !this.tracker.allAcknowledged) await sleep(SHUTDOWN_ACK_WAIT_MS);
    if (!this.stopping && !this.tracker.allAcknowledged) this.log.warn({ connected: this.connected }, 'terminal update not acknowledged: exiting without it');
    this.exit(0);
  }

  private exit(code: number): void {
    if (this.stopping) return;
    this.stopping = true;
    this.watchdog.stop();
    this.sweeper.stop();
    void Promise.race([this.sendChain, sleep(EXIT_FLUSH_MS)]).finally(() => {
      this.subscription?.close();
      this.connection.destroy();
      this.finishedResolve(code);
    });
  }
}
