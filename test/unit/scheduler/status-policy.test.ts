import type { TaskState, TaskStatus } from '../../../mesos-proto';
import { applyStatus } from '../../../scheduler/core';
import type { RequestType } from '../../../contract';
import type { TaskRecord } from '../../../scheduler/model';

const base: TaskRecord = {
  taskId: 't1', requestId: 'r1', deployId: 'd1', instanceNo: 1, agentId: 'a1', hostname: 'h1', ports: [],
  startedAt: 0, updatedAt: 0, state: 'TASK_RUNNING', runningSince: 0,
};

function status(state: TaskState, over: Partial<TaskStatus> = {}): TaskStatus {
  return { task_id: { value: 't1' }, state, ...over };
}

describe('applyStatus (LOST/GONE/UNREACHABLE/FAILED/ERROR rules)', () => {
  it.each<[TaskState, RequestType, boolean, boolean, boolean]>([
    // state, request type, killed by Griddle, → finished, crashed
    ['TASK_FAILED', 'SERVICE', false, true, true],
    ['TASK_ERROR', 'SERVICE', false, true, true],
    ['TASK_FAILED', 'SERVICE', true, true, false],
    ['TASK_LOST', 'SERVICE', false, true, false],
    ['TASK_GONE', 'SERVICE', false, true, false],
    ['TASK_DROPPED', 'SERVICE', false, true, false],
    ['TASK_GONE_BY_OPERATOR', 'SERVICE', false, true, false],
    ['TASK_UNKNOWN', 'SERVICE', false, true, false],
    ['TASK_UNREACHABLE', 'SERVICE', false, false, false],
    ['TASK_KILLED', 'SERVICE', true, true, false],
    ['TASK_KILLED', 'SERVICE', false, true, false],
    ['TASK_FINISHED', 'SERVICE', false, true, true],
    ['TASK_FINISHED', 'WORKER', false, true, true],
    ['TASK_FINISHED', 'RUN_ONCE', false, true, false],
    ['TASK_FINISHED', 'SERVICE', true, true, false],
    ['TASK_KILLING', 'SERVICE', true, false, false],
  ])('%s of a %s task (killed by us: %s) → finished %s, crash %s', (state, type, killed, finished, crashed) => {
    const task = killed ? { ...base, killRequestedAt: 1 } : base;
    const outcome = applyStatus(task, status(state), type, 5);
    expect(outcome.finished).toBe(finished);
    expect(outcome.crashed).toBe(crashed);
    expect(outcome.task.state).toBe(state);
  });

  it('records health, reason and message, and when the task started running', () => {
    const outcome = applyStatus({ ...base, state: 'TASK_STAGING', runningSince: undefined }, status('TASK_RUNNING', { healthy: true, message: 'up' }), 'SERVICE', 42);
    expect(outcome.task).toMatchObject({ state: 'TASK_RUNNING', healthy: true, message: 'up', runningSince: 42, updatedAt: 42 });
  });

  it('a failed health check is a crash', () => {
    const outcome = applyStatus(base, status('TASK_FAILED', { healthy: false, reason: 'REASON_TASK_HEALTH_CHECK_STATUS_UPDATED', message: 'health check failed: 503' }), 'SERVICE', 5);
    expect(outcome).toMatchObject({ finished: true, crashed: true });
    expect(outcome.task.reason).toBe('REASON_TASK_HEALTH_CHECK_STATUS_UPDATED');
  });

  it('ignores updates after the end and duplicates', () => {
    expect(applyStatus({ ...base, state: 'TASK_KILLED' }, status('TASK_RUNNING'), 'SERVICE', 5).ignored).toBe(true);
    expect(applyStatus(base, status('TASK_RUNNING'), 'SERVICE', 5).ignored).toBe(true);
  });
});
