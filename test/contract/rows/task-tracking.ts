import { obj } from '../../support/api-harness';
import type { ContractRow } from '../contract-row';

/** TaskTrackerResource: a task's state by task id or by run, active, ended or still queued. */
export const rows: ContractRow[] = [
  {
    endpoint: 'GET /api/track/task/{taskId}',
    name: 'an active task',
    params: async (c) => ({ taskId: await c.activeTaskId('c_web') }),
    status: 200,
    shape: 'SingularityTaskState',
    check: (res, p) => expect(obj(res.json)).toMatchObject({ taskId: { id: p.taskId }, currentState: 'TASK_RUNNING', pending: false }),
  },
  {
    endpoint: 'GET /api/track/task/{taskId}',
    name: 'an ended task',
    params: async (c) => ({ taskId: await c.endedTaskId('c_history') }),
    status: 200,
    shape: 'SingularityTaskState',
    check: (res) => expect(obj(res.json)).toMatchObject({ currentState: 'TASK_KILLED', pending: false }),
  },
  {
    endpoint: 'GET /api/track/run/{requestId}/{runId}',
    name: 'getTaskState of a running run',
    params: async (c) => c.runningRun('c_runner', 'run_live'),
    status: 200,
    shape: 'SingularityTaskState',
    check: (res, p) => expect(obj(res.json)).toMatchObject({ runId: p.runId, taskId: { id: p.taskId }, pending: false }),
  },
  {
    endpoint: 'GET /api/track/run/{requestId}/{runId}',
    name: 'a run still queued',
    params: async (c) => c.queuedRun('c_queued', 'qrun_1'),
    status: 200,
    shape: 'SingularityTaskState',
    check: (res) => expect(obj(res.json)).toMatchObject({ runId: 'qrun_1', pending: true, pendingTaskId: { requestId: 'c_queued' } }),
  },
];
