import { isTerminalState } from '../../mesos-proto';
import type { TaskRecord } from '../model';
import { recordFailure, type CrashState } from './crash-backoff';
import { deployKey } from './reconcile-plan';
import type { CoreContext } from './core-context';

/**
 * A task reaching a new state: written through the repository, logged as one line, announced
 * as a 'task' event. An ended task also goes to history and, if it crashed, feeds its
 * deploy's crash-loop backoff.
 */
export class TaskTransitions {
  /** Key `requestId/deployId`. */
  readonly crash = new Map<string, CrashState>();

  constructor(private readonly ctx: CoreContext) {}

  changed(task: TaskRecord, previous: TaskRecord | undefined): void {
    this.ctx.state.putTask(task);
    this.announce(task, previous);
  }

  ended(previous: TaskRecord, ended: TaskRecord, crashed: boolean): void {
    this.ctx.state.moveToHistory(ended);
    if (crashed) {
      const key = deployKey(ended.requestId, ended.deployId);
      this.crash.set(key, recordFailure(this.crash.get(key), this.ctx.now()));
    }
    this.announce(ended, previous);
  }

  private announce(task: TaskRecord, previous: TaskRecord | undefined): void {
    this.ctx.log.info({
      requestId: task.requestId, deployId: task.deployId, taskId: task.taskId, host: task.hostname,
      state: task.state, reason: task.reason, message: task.message, healthy: task.healthy,
    }, `task ${isTerminalState(task.state) ? 'ended' : 'state'} ${task.state}`);
    this.ctx.events.emit('task', task, previous);
  }
}
