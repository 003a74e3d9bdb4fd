import type { EventEmitter } from 'node:events';
import type { Logger } from '../../common/logger';
import { isTerminalState } from '../../mesos-proto';
import type { TaskRecord } from '../model';
import { recordFailure, type CrashState } from './crash-backoff';
import { deployKey } from './reconcile-plan';
import type { SchedulerEvents } from './scheduler-events';
import type { StateRepository } from './state-repository';

/**
 * A task reaching a new state: written through the repository, logged as one line, announced
 * as a 'task' event. An ended task also goes to history and, if it crashed, feeds its
 * deploy's crash-loop backoff.
 */
export class TaskTransitions {
  /** Key `requestId/deployId`. */
  readonly crash = new Map<string, CrashState>();

  constructor(
    private readonly state: StateRepository,
    private readonly events: EventEmitter<SchedulerEvents>,
    private readonly log: Logger,
    private readonly now: () => number,
  ) {}

  changed(task: TaskRecord, previous: TaskRecord | undefined): void {
    this.state.putTask(task);
    this.announce(task, previous);
  }

  ended(previous: TaskRecord, ended: TaskRecord, crashed: boolean): void {
    this.state.moveToHistory(ended);
    if (crashed) {
      const key = deployKey(ended.requestId, ended.deployId);
      this.crash.set(key, recordFailure(this.crash.get(key), this.now()));
    }
    this.announce(ended, previous);
  }

  private announce(task: TaskRecord, previous: TaskRecord | undefined): void {
    this.log.info({
      requestId: task.requestId, deployId: task.deployId, taskId: task.taskId, host: task.hostname,
      state: task.state, reason: task.reason, message: task.message, healthy: task.healthy,
    }, `task ${isTerminalState(task.state) ? 'ended' : 'state'} ${task.state}`);
    this.events.emit('task', task, previous);
  }
}
