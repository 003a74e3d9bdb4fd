import type { TaskState } from '../../../mesos-proto';
import { stateTaskCounts } from '../../../scheduler/api/state-task-counts';
import { taskRecord } from '../../support/task-fixtures';

/**
 * `/state`'s per-task figures. Tested on records, not on a live scheduler: there, tasks set by
 * hand were killed by the next scheduling cycle (duplicates of running instances) before the
 * GET was answered, on a loaded machine.
 */
describe('stateTaskCounts', () => {
  it('counts running, launching and cleaning tasks apart: a killed task is cleaning, never active', () => {
    const t = (id: string, state: TaskState, killed = false) => taskRecord(id, { state, ...(killed ? { killRequestedAt: 1 } : {}) });
    const counts = stateTaskCounts([
      t('running', 'TASK_RUNNING'),
      t('staging', 'TASK_STAGING'),
      t('starting-killed', 'TASK_STARTING', true),
      t('running-killed', 'TASK_RUNNING', true),
      t('finished', 'TASK_FINISHED'),
    ]);
    expect({ active: counts.activeTasks, launching: counts.launchingTasks, cleaning: counts.cleaningTasks }).toEqual({ active: 1, launching: 2, cleaning: 2 });
  });

  it('counts per deploy only the tasks that hold an instance (not killed, not ended, not unreachable)', () => {
    const counts = stateTaskCounts([
      taskRecord('a', { requestId: 'web', deployId: 'd1', state: 'TASK_RUNNING' }),
      taskRecord('b', { requestId: 'web', deployId: 'd1', state: 'TASK_STAGING' }),
      taskRecord('c', { requestId: 'web', deployId: 'd1', state: 'TASK_RUNNING', killRequestedAt: 1 }),
      taskRecord('d', { requestId: 'web', deployId: 'd2', state: 'TASK_UNREACHABLE' }),
      taskRecord('e', { requestId: 'web', deployId: 'd2', state: 'TASK_FAILED' }),
    ]);
    expect([...counts.instancesByDeploy]).toEqual([['web/d1', 2]]);
  });
});
