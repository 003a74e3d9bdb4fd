import type { TaskState, TaskStatus } from '../../../mesos-proto';
import { applyStatus } from '../../../scheduler/core';
import { HEALTH_RESULTS_KEPT, NOTE_MESSAGE_CHARS, UPDATES_KEPT } from '../../../scheduler/core/status-notes';
import type { TaskRecord } from '../../../scheduler/model';
import { healthcheckResults, renderTaskHistory, taskUpdates } from '../../../scheduler/api/task-views';

const base: TaskRecord = {
  taskId: 'r1-d1-1-1-h1-DEFAULT', requestId: 'r1', deployId: 'd1', instanceNo: 1, agentId: 'a1', hostname: 'h1', ports: [],
  startedAt: 1000, updatedAt: 1000, state: 'TASK_STAGING', taskInfo: { executor: { executor_id: { value: 'x' } } },
};

const status = (state: TaskState, over: Partial<TaskStatus> = {}): TaskStatus => ({ task_id: { value: base.taskId }, state, ...over });

/** Applies updates in order, as the status handler does. */
function play(updates: TaskStatus[], from: TaskRecord = base): TaskRecord {
  let t = from;
  updates.forEach((u, i) => (t = applyStatus(t, u, 'SERVICE', 2000 + i).task));
  return t;
}

describe('status updates kept on the task record', () => {
  it('notes each change with the update’s own time, message and reason; a repeat is not noted', () => {
    const t = play([
      status('TASK_STARTING', { timestamp: 1.5 }),
      status('TASK_RUNNING', { timestamp: 2 }),
      status('TASK_RUNNING', { timestamp: 2.5 }),
      status('TASK_RUNNING', { timestamp: 3, healthy: true, message: 'health check passed', reason: 'REASON_TASK_HEALTH_CHECK_STATUS_UPDATED' }),
      status('TASK_FAILED', { message: 'exited with 1', reason: 'REASON_COMMAND_EXECUTOR_FAILED' }), // no timestamp: when it arrived
    ]);
    expect(t.updates).toEqual([
      { state: 'TASK_STARTING', at: 1500 },
      { state: 'TASK_RUNNING', at: 2000 },
      { state: 'TASK_RUNNING', at: 3000, message: 'health check passed', reason: 'REASON_TASK_HEALTH_CHECK_STATUS_UPDATED' },
      { state: 'TASK_FAILED', at: 2004, message: 'exited with 1', reason: 'REASON_COMMAND_EXECUTOR_FAILED' },
    ]);
    expect(taskUpdates(t).map((u) => [u.taskState, u.timestamp, u.statusMessage])).toEqual([
      ['TASK_LAUNCHED', 1000, undefined], ['TASK_STARTING', 1500, undefined], ['TASK_RUNNING', 2000, undefined],
      ['TASK_FAILED', 2004, 'exited with 1'], ['TASK_RUNNING', 3000, 'health check passed'], // by time, as Singularity sorts them
    ]);
  });

  it('keeps the last updates and health results only, with messages cut short', () => {
    const flaps: TaskStatus[] = [];
    for (let i = 0; i < 30; i++) flaps.push(status('TASK_RUNNING', { healthy: i % 2 === 0, message: `${i % 2 === 0 ? 'health check passed' : 'health check failing: HTTP GET http://x/health returned 503'} ${i}` }));
    const t = play([...flaps, status('TASK_RUNNING', { message: 'x'.repeat(5000) })]);
    expect(t.updates).toHaveLength(UPDATES_KEPT);
    expect(t.updates?.at(-1)?.message).toHaveLength(NOTE_MESSAGE_CHARS);
    expect(t.updates?.at(-2)?.message).toBe('health check failing: HTTP GET http://x/health returned 503 29');
    expect(t.healthResults).toHaveLength(HEALTH_RESULTS_KEPT);
    expect(t.healthResults?.map((h) => h.healthy)).toEqual([false, true, false, true, false]); // flaps 25 to 29
  });

  it('renders health changes as Singularity’s results: a failure carries its error and HTTP status', () => {
    const t = play([
      status('TASK_RUNNING', { healthy: false, message: 'health check failing: HTTP GET http://h:1/health returned 500', timestamp: 5 }),
      status('TASK_RUNNING', { healthy: true, message: 'health check passed', timestamp: 6 }),
      status('TASK_RUNNING', { healthy: false, message: 'health check failing: connect ECONNREFUSED', timestamp: 7 }),
    ]);
    expect(healthcheckResults(t)).toEqual([
      expect.objectContaining({ timestamp: 5000, startup: true, statusCode: 500, errorMessage: 'HTTP GET http://h:1/health returned 500' }),
      expect.objectContaining({ timestamp: 6000, startup: false }),
      expect.objectContaining({ timestamp: 7000, startup: false, errorMessage: 'connect ECONNREFUSED' }),
    ]);
    expect(healthcheckResults(t)[1]).not.toHaveProperty('errorMessage');
    expect(healthcheckResults(t)[2]).not.toHaveProperty('statusCode');
  });

  it('names the container as the executor does', () => {
    const h = renderTaskHistory({ ...base, taskId: 'r1-d1-1-1-h:1-DEFAULT' }, undefined, undefined, '/sandbox');
    expect(h.containerId).toBe('griddle-r1-d1-1-1-h_1-DEFAULT');
    expect(h.directory).toBe('/sandbox');
  });
});
