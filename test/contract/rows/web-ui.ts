import * as z from 'zod';
import { arr, obj } from '../../support/api-harness';
import type { ContractContext, ContractRow } from '../contract-row';

/**
 * The calls Singularity's web UI makes when its requests list, request page, task page and status
 * page load (SingularityUI's page containers and `actions/api/*.es6`), with the query strings it
 * sends: `useWebCache=true`, repeated `state`, `property` filters, `count`/`page`. Every page also
 * sends `user=<id>` when one is remembered in the browser, so some rows carry it. docs/api.md's
 * "Web UI page loads" table lists these calls page by page (coverage-docs.test.ts).
 */

const UI_PROPERTIES = [
  'state', 'request.id', 'request.requestType', 'request.instances', 'request.group', 'request.bounceAfterScale',
  'requestDeployState.activeDeploy.requestId', 'requestDeployState.activeDeploy.deployId', 'requestDeployState.activeDeploy.user',
  'requestDeployState.activeDeploy.timestamp', 'requestDeployState.activeDeploy.loadBalancerOptions',
];
const listQuery = (): [string, string][] => [['useWebCache', 'true'], ...UI_PROPERTIES.map((p): [string, string] => ['property', p]), ['user', 'ui-user']];

const utilization = z.object({
  requestId: z.string(), deployId: z.string(), numTasks: z.number(), cpuUsed: z.number(), cpuReserved: z.number(), memBytesUsed: z.number(),
  memBytesReserved: z.number(), diskBytesUsed: z.number(), diskBytesReserved: z.number(), maxCpuUsed: z.number(), minCpuUsed: z.number(),
  maxMemBytesUsed: z.number(), minMemBytesUsed: z.number(), maxMemTimestamp: z.number(), minMemTimestamp: z.number(), maxCpusTimestamp: z.number(),
  cpuBurstRating: z.number(), percentCpuTimeThrottled: z.number(),
});
const MB = 1024 * 1024;

const web = async (c: ContractContext): Promise<Record<string, string>> => ({ requestId: await c.request('c_web') });
const measured = async (c: ContractContext): Promise<Record<string, string>> => {
  const requestId = await c.request('c_web');
  await c.measuredUsage();
  return { requestId };
};

export const rows: ContractRow[] = [
  // Every page (the application's start and its global refresh).
  { endpoint: 'GET /api/auth/user', name: 'web UI, every page: the user', status: 200, shape: 'SingularityUserHolder' },
  { endpoint: 'GET /api/groups', name: 'web UI, every page: request groups (useWebCache)', query: { useWebCache: 'true' }, status: 200, shape: { list: 'SingularityRequestGroup' } },
  { endpoint: 'GET /api/state', name: 'web UI, every page and the status page: /state', query: { user: 'ui-user' }, status: 200, shape: 'SingularityState' },

  // Requests list.
  {
    endpoint: 'GET /api/requests/ids',
    name: 'web UI, requests list: ids in five states (repeated state, useWebCache)',
    params: web,
    query: [['useWebCache', 'true'], ...['ACTIVE', 'PAUSED', 'SYSTEM_COOLDOWN', 'FINISHED', 'DEPLOYING_TO_UNPAUSE'].map((s): [string, string] => ['state', s])],
    status: 200,
    shape: z.array(z.string()),
    check: (res) => expect(res.json).toContain('c_web'),
  },
  {
    endpoint: 'GET /api/requests',
    name: 'web UI, requests list: only the properties asked for',
    params: web,
    query: listQuery(),
    status: 200,
    shape: z.array(z.object({ state: z.string(), request: z.object({ id: z.string(), requestType: z.string() }) })),
    check: (res) => {
      const parent = obj(arr(res.json).find((p) => obj(obj(p).request).id === 'c_web'));
      expect(Object.keys(parent).sort()).toEqual(['request', 'requestDeployState', 'state']);
      expect(['id', 'requestType', 'instances', 'group', 'bounceAfterScale']).toEqual(expect.arrayContaining(Object.keys(obj(parent.request))));
      expect(obj(obj(parent.requestDeployState).activeDeploy)).toMatchObject({ requestId: 'c_web', deployId: 'v1' });
      expect(Object.keys(obj(obj(parent.requestDeployState).activeDeploy)).sort()).toEqual(['deployId', 'requestId', 'timestamp']);
    },
  },
  {
    endpoint: 'GET /api/requests/active',
    name: 'web UI, requests list (active tab): property filter',
    params: web,
    query: listQuery(),
    status: 200,
    shape: z.array(z.object({ state: z.literal('ACTIVE'), request: z.object({ id: z.string() }) })),
    check: (res) => arr(res.json).forEach((p) => expect(obj(p).taskIds).toBeUndefined()),
  },
  { endpoint: 'GET /api/requests/paused', name: 'web UI, requests list (paused tab)', query: listQuery(), status: 200, shape: z.array(z.object({ state: z.literal('PAUSED') })) },
  { endpoint: 'GET /api/requests/cooldown', name: 'web UI, requests list (cooldown tab)', query: listQuery(), status: 200, shape: z.array(z.object({ state: z.literal('SYSTEM_COOLDOWN') })) },
  { endpoint: 'GET /api/requests/finished', name: 'web UI, requests list (finished tab)', query: listQuery(), status: 200, shape: z.array(z.object({ state: z.literal('FINISHED') })) },
  {
    endpoint: 'GET /api/usage/requests',
    name: 'web UI, requests list refresh: RequestUtilization[] (useWebCache)',
    params: measured,
    query: { useWebCache: 'true' },
    status: 200,
    shape: z.array(utilization),
    check: (res) => expect(arr(res.json).find((u) => u.requestId === 'c_web')).toMatchObject({
      deployId: 'v1', numTasks: 2, cpuReserved: 0.2, cpuUsed: 0.1, memBytesUsed: 32 * MB, maxMemBytesUsed: 16 * MB, minMemBytesUsed: 16 * MB, diskBytesUsed: 0,
    }),
  },

  // Request page.
  {
    endpoint: 'GET /api/history/request/{requestId}/requests',
    name: 'web UI, request page: the last 5 request changes',
    params: web,
    query: { count: '5', page: '1' },
    status: 200,
    shape: { list: 'SingularityRequestHistory' },
    check: (res) => expect(arr(res.json).length).toBeLessThanOrEqual(5),
  },
  {
    endpoint: 'GET /api/shuffle/blacklist/{requestId}',
    name: 'web UI, request page: not opted out of shuffling',
    params: web,
    status: 200,
    shape: z.literal(false),
    partial: 'the read only, always false: Griddle never shuffles tasks, so there is no opt-out list to write',
  },
  { endpoint: 'GET /api/history/request/{requestId}/tasks/active', name: 'web UI, request page: active task history', params: web, status: 200, shape: { list: 'SingularityTaskIdHistory' } },
  {
    endpoint: 'GET /api/history/request/{requestId}/deploys',
    name: 'web UI, request page: the last 5 deploys',
    params: web,
    query: { count: '5', page: '1' },
    status: 200,
    shape: { list: 'SingularityDeployHistory' },
    check: (res) => expect(arr(res.json).length).toBeLessThanOrEqual(5),
  },
  { endpoint: 'GET /api/tasks/scheduled/request/{requestId}', name: 'web UI, request page: pending tasks', params: web, status: 200, shape: { list: 'SingularityTaskRequest' } },
  {
    endpoint: 'GET /api/usage/requests/request/{requestId}',
    name: 'web UI, request page: RequestUtilization (useWebCache)',
    params: measured,
    query: { useWebCache: 'true' },
    status: 200,
    shape: utilization,
    check: (res) => expect(obj(res.json)).toMatchObject({ requestId: 'c_web', numTasks: 2, memBytesReserved: 64 * MB }),
  },
  {
    endpoint: 'GET /api/usage/requests/request/{requestId}',
    name: 'a request with no measured task is a 404 (the UI expects it)',
    params: async (c) => ({ requestId: await c.onDemandRequest('c_ui_unmeasured') }),
    query: { useWebCache: 'true' },
    status: 404,
    shape: 'ApiErrorBody',
  },
  {
    endpoint: 'GET /api/history/request/{requestId}/tasks',
    name: 'web UI, request page: task history, 10 a page, requestId repeated in the query',
    params: async (c) => {
      await c.endedTaskId('c_history');
      return { requestId: 'c_history' };
    },
    query: { requestId: 'c_history', count: '10', page: '1' },
    status: 200,
    shape: { list: 'SingularityTaskIdHistory' },
    check: (res) => {
      expect(arr(res.json).length).toBeGreaterThan(0);
      expect(arr(res.json).length).toBeLessThanOrEqual(10);
    },
  },

  // Task page.
  {
    endpoint: 'GET /api/history/task/{taskId}',
    name: 'web UI, task page: a running task’s last update is not terminal (the UI derives isStillRunning from it)',
    params: async (c) => ({ taskId: await c.activeTaskId('c_web') }),
    status: 200,
    shape: 'SingularityTaskHistory',
    check: (res) => expect(obj(arr(obj(res.json).taskUpdates).at(-1)).taskState).toBe('TASK_RUNNING'),
  },
  {
    endpoint: 'GET /api/history/task/{taskId}',
    name: 'web UI, task page: an ended task’s last update is terminal, after a TASK_RUNNING one (STOPPED, not NEVER_RAN)',
    params: async (c) => ({ taskId: await c.endedTaskId('c_history') }),
    status: 200,
    shape: 'SingularityTaskHistory',
    check: (res) => {
      const states = arr(obj(res.json).taskUpdates).map((u) => u.taskState);
      expect(states).toContain('TASK_RUNNING');
      expect(['TASK_KILLED', 'TASK_FINISHED', 'TASK_FAILED', 'TASK_LOST', 'TASK_ERROR']).toContain(states.at(-1));
    },
  },
  {
    endpoint: 'GET /api/sandbox/{taskId}/browse',
    name: 'web UI, task page: the sandbox root, no path given',
    params: async (c) => {
      await c.fakeAgent();
      return { taskId: await c.activeTaskId('c_web') };
    },
    status: 200,
    shape: 'SingularitySandbox',
    check: (res) => expect(obj(res.json).currentDirectory).toBe(''),
  },
  {
    endpoint: 'GET /api/history/request/{requestId}/deploy/{deployId}',
    name: 'web UI, task page: the task’s deploy',
    params: async (c) => ({ requestId: await c.request('c_web'), deployId: 'v1' }),
    status: 200,
    shape: 'SingularityDeployHistory',
  },
  { endpoint: 'GET /api/tasks/cleaning', name: 'web UI, task and request pages: task cleanups', status: 200, shape: { list: 'SingularityTaskCleanup' } },
  { endpoint: 'GET /api/deploys/pending', name: 'web UI, task page: pending deploys', status: 200, shape: z.array(z.object({ deployMarker: z.object({ requestId: z.string(), deployId: z.string() }) })) },
];
