import { isTerminalState } from '../../mesos-proto';
import type { TaskRecord } from '../model';
import { recordFailure } from './crash-backoff';
import { instanceKey, isLaunchFailure, recordLaunchFailure } from './launch-backoff';
import { deployKey } from './reconcile-plan';
import type { CoreContext } from './core-context';

/**
 * A task reaching a new state: written through the repository, logged as one line, announced
 * as a 'task' event. An ended task also goes to history and feeds a backoff: a launch failure
 * (it never ran) its instance's launch backoff, a crash its deploy's crash-loop backoff.
 */
export class TaskTransitions {
  constructor(private readonly ctx: CoreContext) {}

  /**
   * `durable` false: a change a new leader does not need (TASK_STARTING after TASK_STAGING: it
   * finds the task STAGING and reconciliation tells it the rest). Not writing it saves a
   * third of the state writes per launch.
   */
  changed(task: TaskRecord, previous: TaskRecord | undefined, durable = true): void {
    this.ctx.state.putTask(task, durable);
    // The instance launched fine this time: its next failure starts the backoff afresh.
    if (task.state === 'TASK_RUNNING') this.ctx.state.clearLaunchBackoff(instanceKey(task.requestId, task.deployId, task.instanceNo));
    this.announce(task, previous);
  }

  ended(previous: TaskRecord, ended: TaskRecord, crashed: boolean): void {
    const { state, now } = this.ctx;
    state.moveToHistory(ended);
    if (isLaunchFailure(ended)) {
      const key = instanceKey(ended.requestId, ended.deployId, ended.instanceNo);
      const why = ended.message ?? ended.reason ?? ended.state;
      state.setLaunchBackoff(key, recordLaunchFailure(state.launchBackoff.get(key), now(), why));
    } else if (crashed) {
      const key = deployKey(ended.requestId, ended.deployId);
      state.setCrash(key, recordFailure(state.crash.get(key), now()));
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
