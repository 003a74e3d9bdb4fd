import { SINGULARITY_STATE_KEYS } from '../../../contract';
import { arr, obj } from '../../support/api-harness';
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
    query: { count: '100', page: '1', lastTaskStatus: 'TASK_KILLED', host: '127.0.0.1', startedAfter: '0', orderDirection: 'ASC' },
    status: 200,
    shape: { list: 'SingularityTaskIdHistory' },
    check: (res) => {
      expect(arr(res.json).length).toBeGreaterThan(0);
      expect(arr(res.json).every((t) => t.lastTaskState === 'TASK_KILLED')).toBe(true);
    },
  },
  {
    endpoint: 'GET /api/history/request/{requestId}/tasks',
    name: 'every filter applies: a host no task ran on',
    params: async (c) => {
      const requestId = await c.request('c_history');
      await c.endedTaskId(requestId);
      return { requestId };
    },
    query: { host: 'elsewhere' },
    status: 200,
    shape: { list: 'SingularityTaskIdHistory' },
    check: (res) => expect(res.json).toEqual([]),
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
    params: async (c) => {
      await c.queuedRun('c_queued', 'qrun_1');
      c.h.scheduler.machines.observeAgent('c-state-decom', 'c-state-decom.example', 'rack-s', {});
      c.h.scheduler.machines.change('agent', 'c-state-decom', 'STARTING_DECOMMISSION', { message: 'x' });
      // Known to the machine book, no offer since: unknown (MISSING_ON_STARTUP); reported lost: DEAD.
      c.h.scheduler.machines.observeAgent('c-state-dead', 'c-state-dead.example', 'rack-dead', {});
      c.h.scheduler.events.emit('agentLost', 'c-state-dead');
      return {};
    },
    check: (res) => {
      const state = obj(res.json);
      expect(Object.keys(state)).toEqual(expect.arrayContaining([...SINGULARITY_STATE_KEYS]));
      // The queued run is due and waits: its lag counts, as in /state/scheduled-tasks-info.
      expect(state.maxTaskLag).toBeGreaterThan(0);
      expect(arr(state.listLateTasks)).toHaveLength(state.lateTasks as number);
      expect(state.decommissioningAgents).toBeGreaterThan(0);
      expect(state).toMatchObject({ deadAgents: 1, deadSlaves: 1, deadRacks: 1 });
      expect(state.unknownAgents).toBeGreaterThan(0);
    },
    after: (c) => void c.h.scheduler.machines.change('agent', 'c-state-decom', 'ACTIVE', { message: 'undo' }),
  },
];
