import { arr, obj } from '../../support/api-harness';
import type { ContractRow } from '../contract-row';

/** HistoryResource's views: a request's own history, its active tasks, a run's task and the task search. */
export const rows: ContractRow[] = [
  {
    endpoint: 'GET /api/history/request/{requestId}/requests',
    name: 'getHistoryForRequest with count and page',
    params: async (c) => ({ requestId: await c.request('c_web') }),
    query: { count: '10', page: '1' },
    status: 200,
    shape: { list: 'SingularityRequestHistory' },
    check: (res) => expect(arr(res.json).map((e) => e.eventType)).toContain('CREATED'),
  },
  {
    endpoint: 'GET /api/history/request/{requestId}/tasks/active',
    params: async (c) => ({ requestId: await c.request('c_web') }),
    status: 200,
    shape: { list: 'SingularityTaskIdHistory' },
    check: (res) => expect(arr(res.json).length).toBeGreaterThan(0),
  },
  {
    endpoint: 'GET /api/history/request/{requestId}/run/{runId}',
    name: 'getHistoryForTaskByRunId',
    params: async (c) => c.runningRun('c_runner', 'run_live'),
    status: 200,
    shape: 'SingularityTaskIdHistory',
    check: (res, p) => expect(obj(res.json)).toMatchObject({ taskId: { id: p.taskId }, runId: p.runId }),
  },
  {
    endpoint: 'GET /api/history/tasks',
    name: 'getTaskHistory with the client’s filters',
    params: async (c) => ({ taskId: await c.endedTaskId('c_history') }),
    query: { requestId: 'c_history', deployId: 'v1', host: '127.0.0.1', lastTaskStatus: 'TASK_KILLED', orderDirection: 'DESC', count: '10', page: '1' },
    status: 200,
    shape: { list: 'SingularityTaskIdHistory' },
    check: (res, p) => expect(arr(res.json).map((t) => obj(t.taskId).id)).toContain(p.taskId),
  },
  {
    endpoint: 'GET /api/history/tasks/withmetadata',
    params: async (c) => ({ taskId: await c.endedTaskId('c_history') }),
    query: { requestId: 'c_history', count: '1', page: '1' },
    status: 200,
    shape: 'SingularityPaginatedResponse',
    check: (res) => expect(obj(res.json)).toMatchObject({ page: 1, objects: [expect.objectContaining({ lastTaskState: 'TASK_KILLED' })] }),
  },
];
