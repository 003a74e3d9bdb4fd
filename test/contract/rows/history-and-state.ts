import { SINGULARITY_STATE_KEYS } from '../../../contract';
import { obj } from '../../support/api-harness';
import type { ContractRow } from '../contract-row';

/** HistoryResource and StateResource. */
export const rows: ContractRow[] = [
  {
    endpoint: 'GET /api/history/task/{taskId}',
    name: 'an active task',
    params: async (c) => ({ taskId: await c.activeTaskId('c_web') }),
    status: 200,
    shape: 'SingularityTaskHistory',
  },
  {
    endpoint: 'GET /api/history/task/{taskId}',
    name: 'an ended task',
    params: async (c) => ({ taskId: await c.endedTaskId('c_history') }),
    status: 200,
    shape: 'SingularityTaskHistory',
    check: (res) => expect(obj(res.json).lastTaskState).toBe('TASK_KILLED'),
  },
  {
    endpoint: 'GET /api/history/request/{requestId}/tasks',
    params: async (c) => {
      const requestId = await c.request('c_history');
      await c.endedTaskId(requestId);
      return { requestId };
    },
    query: { count: '100', page: '1' },
    status: 200,
    shape: { list: 'SingularityTaskIdHistory' },
    partial: 'filters beyond `count`, `page` and `deployId` (host, runId, lastTaskStatus, started/updated before/after, orderDirection) are ignored',
  },
  {
    endpoint: 'GET /api/history/request/{requestId}/deploy/{deployId}',
    params: async (c) => ({ requestId: await c.request('c_web'), deployId: 'v1' }),
    status: 200,
    shape: 'SingularityDeployHistory',
  },
  {
    endpoint: 'GET /api/history/request/{requestId}/deploys',
    params: async (c) => ({ requestId: await c.request('c_web') }),
    query: { count: '10', page: '1' },
    status: 200,
    shape: { list: 'SingularityDeployHistory' },
  },
  {
    endpoint: 'GET /api/state',
    status: 200,
    shape: 'SingularityState',
    check: (res) => expect(Object.keys(obj(res.json))).toEqual(expect.arrayContaining([...SINGULARITY_STATE_KEYS])),
    partial: 'every field is there; those for concepts Griddle lacks are 0, [] or null (see GET /api/state above)',
  },
];
