/**
 * Task shell commands (Singularity's TaskResource `/command`): a run is checked against the
 * allow-list, recorded with a first update, sent to the task's executor as a framework message,
 * and followed by the executor's updates (ACKED, STARTED, FINISHED/FAILED) as they arrive.
 * Runs are kept in the `shell-commands` collection, one record per run, so a new leader and
 * the task's history still show them.
 */
import type {
  SingularityShellCommand, SingularityTaskShellCommandHistory, SingularityTaskShellCommandRequest,
  SingularityTaskShellCommandUpdate, ShellCommandUpdateType,
} from '../../contract';
import { decodeShellMessage, encodeShellMessage } from '../../contract';
import type { Logger } from '../../common';
import type { SchedulerPort } from '../deploys';
import type { TaskRecord } from '../model';
import { type ShellCommandAllowList, buildArgv, outputFilename } from './shell-command-config';
import { taskIdObject } from './singularity-shapes';

/** The core's MESSAGE call (present on the real Scheduler; absent on fakes). */
type WithMessages = Partial<{ sendFrameworkMessage(agentId: string, executorId: string, data: string): Promise<void> }>;

/** Runs kept per task: the oldest go first, so a loop of commands cannot grow a record without bound. */
const RUNS_PER_TASK = 50;

export const runKey = (taskId: string, name: string, timestamp: number): string => `${taskId}/${name}/${timestamp}`;

/** Griddle launches one executor per task, named after it; a TaskInfo that says otherwise wins. */
export function executorIdOf(task: TaskRecord): string {
  const info = task.taskInfo as { executor?: { executor_id?: { value?: unknown } } } | undefined;
  const id = info?.executor?.executor_id?.value;
  return typeof id === 'string' ? id : task.taskId;
}

export class ShellCommands {
  private readonly runs = new Map<string, SingularityTaskShellCommandHistory>();
  private readonly onMessage = (_agentId: string, _executorId: string, data: string): void => this.applyMessage(data);
  private readonly onLeader = (leader: boolean): void => {
    if (leader) void this.load().catch((err: unknown) => this.log?.warn({ err }, 'could not load shell commands'));
  };

  constructor(
    private readonly scheduler: SchedulerPort,
    private allowList: ShellCommandAllowList,
    private readonly now: () => number,
    private readonly log?: Logger,
  ) {}

  async start(): Promise<void> {
    this.scheduler.events.on('frameworkMessage', this.onMessage);
    this.scheduler.events.on('leader', this.onLeader);
    await this.load();
  }

  stop(): void {
    this.scheduler.events.off('frameworkMessage', this.onMessage);
    this.scheduler.events.off('leader', this.onLeader);
  }

  /** Replaces the allow-list (tests; a reload without restarting would use it too). */
  useAllowList(list: ShellCommandAllowList): void {
    this.allowList = list;
  }

  get allowed(): ShellCommandAllowList {
    return this.allowList;
  }

  private async load(): Promise<void> {
    const stored = await this.scheduler.store.load('shell-commands');
    this.runs.clear();
    for (const [key, value] of stored) this.runs.set(key, value as SingularityTaskShellCommandHistory);
  }

  /** Checks and starts a run on an active task; throws ShellCommandError for a refused command. */
  run(task: TaskRecord, command: SingularityShellCommand): SingularityTaskShellCommandRequest {
    const argv = buildArgv(this.allowList, command);
    let timestamp = this.now();
    // The run's id is (task, name, timestamp): two runs in one millisecond get distinct ones.
    while (this.runs.has(runKey(task.taskId, command.name, timestamp))) timestamp++;
    const filename = outputFilename(command, timestamp);
    const request: SingularityTaskShellCommandRequest = {
      taskId: taskIdObject(task.taskId, task),
      ...(command.user !== undefined ? { user: command.user } : {}),
      timestamp,
      shellCommand: command,
    };
    this.save({ shellRequest: request, shellUpdates: [] });
    this.prune(task.taskId);
    const data = encodeShellMessage({ kind: 'griddle.shell-command.run', taskId: task.taskId, name: command.name, timestamp, argv, outputFilename: filename });
    const send = (this.scheduler as WithMessages).sendFrameworkMessage?.bind(this.scheduler);
    const sent = send ? send(task.agentId, executorIdOf(task), data) : Promise.reject(new Error('this scheduler sends no framework messages'));
    sent.catch((err: Error) => {
      this.log?.warn({ taskId: task.taskId, name: command.name, err: err.message }, 'shell command not delivered to the executor');
      this.update(task.taskId, command.name, timestamp, 'FAILED', `not delivered to the executor: ${err.message}`);
    });
    return request;
  }

  /** The task's runs, oldest first. */
  historyOf(taskId: string): SingularityTaskShellCommandHistory[] {
    const prefix = `${taskId}/`;
    return [...this.runs.entries()].filter(([key]) => key.startsWith(prefix)).map(([, run]) => run)
      .sort((a, b) => a.shellRequest.timestamp - b.shellRequest.timestamp);
  }

  updatesOf(taskId: string, name: string, timestamp: number): SingularityTaskShellCommandUpdate[] | undefined {
    return this.runs.get(runKey(taskId, name, timestamp))?.shellUpdates;
  }

  applyMessage(data: string): void {
    const message = decodeShellMessage(data);
    if (message?.kind !== 'griddle.shell-command.update') return;
    this.update(message.taskId, message.name, message.timestamp, message.updateType, message.message, message.outputFilename);
  }

  private update(taskId: string, name: string, timestamp: number, updateType: ShellCommandUpdateType, message?: string, filename?: string): void {
    const run = this.runs.get(runKey(taskId, name, timestamp));
    if (!run) return;
    const update: SingularityTaskShellCommandUpdate = {
      shellRequestId: { taskId: run.shellRequest.taskId, name, timestamp },
      timestamp: this.now(),
      ...(message !== undefined ? { message } : {}),
      ...(filename !== undefined ? { outputFilename: filename } : {}),
      updateType,
    };
    this.save({ ...run, shellUpdates: [...run.shellUpdates, update] });
  }

  private save(run: SingularityTaskShellCommandHistory): void {
    const key = runKey(run.shellRequest.taskId.id, run.shellRequest.shellCommand.name, run.shellRequest.timestamp);
    this.runs.set(key, run);
    this.scheduler.store.put('shell-commands', key, run);
  }

  private prune(taskId: string): void {
    const runs = this.historyOf(taskId);
    for (const run of runs.slice(0, Math.max(0, runs.length - RUNS_PER_TASK))) {
      const key = runKey(taskId, run.shellRequest.shellCommand.name, run.shellRequest.timestamp);
      this.runs.delete(key);
      this.scheduler.store.delete('shell-commands', key);
    }
  }
}
