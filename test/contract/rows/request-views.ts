import * as z from 'zod';
import { arr, obj } from '../../support/api-harness';
import type { ContractRow } from '../contract-row';

const crashLoop = z.object({ requestId: z.string(), deployId: z.string(), start: z.number(), type: z.string() });

/** RequestResource's views: batch, by state, the pending and cleanup queues, runs, cooldown and crash loops. */
export const rows: ContractRow[] = [
  {
    endpoint: 'GET /api/requests/batch',
    name: 'getRequestsBatch: ?id= repeated, one unknown',
    params: async (c) => ({ requestId: await c.request('c_web') }),
    query: { id: 'c_web' },
    status: 200,
    shape: 'SingularityRequestBatch',
    check: (res) => expect(arr(obj(res.json).requests).map((p) => obj(p.request).id)).toEqual(['c_web']),
  },
  {
    endpoint: 'GET /api/requests/batch',
    name: 'an id that does not exist is in notFound',
    query: { id: 'c_nobody' },
    status: 200,
    shape: 'SingularityRequestBatch',
    check: (res) => expect(obj(res.json)).toEqual({ requests: [], notFound: ['c_nobody'] }),
  },
  {
    endpoint: 'GET /api/requests/cooldown',
    params: async (c) => c.cooldownRequest('c_crashy'),
    status: 200,
    shape: { list: 'SingularityRequestParent' },
    check: (res) => expect(arr(res.json).map((p) => obj(p.request).id)).toContain('c_crashy'),
  },
  {
    endpoint: 'GET /api/requests/crashloops',
    name: 'getAllCrashLoops: CrashLoopInfo lists by request id',
    params: async (c) => c.cooldownRequest('c_crashy'),
    status: 200,
    shape: z.record(z.string(), z.array(crashLoop)),
    check: (res) => expect(arr(obj(res.json).c_crashy).length).toBeGreaterThan(0),
  },
  {
    endpoint: 'GET /api/requests/request/{requestId}/crashloops',
    params: async (c) => c.cooldownRequest('c_crashy'),
    status: 200,
    shape: { list: 'CrashLoopInfo' },
    check: (res) => expect(arr(res.json).length).toBeGreaterThan(0),
  },
  {
    endpoint: 'POST /api/requests/request/{requestId}/exit-cooldown',
    name: 'a SingularityExitCooldownRequest',
    params: async (c) => c.cooldownRequest('c_crashy'),
    body: { message: 'fixed', skipHealthchecks: false, actionId: 'ec-1' },
    status: 200,
    shape: 'SingularityRequestParent',
    check: (res) => expect(obj(res.json).state).toBe('ACTIVE'),
  },
  {
    endpoint: 'GET /api/requests/queued/pending',
    params: async (c) => c.queuedRun('c_queued', 'qrun_1'),
    status: 200,
    shape: { list: 'SingularityPendingRequest' },
    check: (res) => expect(arr(res.json)).toContainEqual(expect.objectContaining({ requestId: 'c_queued', pendingType: 'ONEOFF', runId: 'qrun_1' })),
  },
  {
    endpoint: 'GET /api/requests/queued/cleanup',
    name: 'a paused and a deleted request whose tasks are still being killed',
    params: async (c) => {
      const paused = await c.request('c_pausing', 1);
      // The crashing request of the rows above is deleted here, which also ends its churn.
      const { requestId: deleted } = await c.cooldownRequest('c_crashy');
      // Held still until the row is checked: the next round would finish the kills.
      c.h.sim.stop();
      await c.call('POST', `/api/requests/request/${paused}/pause`, {});
      await c.call('DELETE', `/api/requests/request/${deleted}`, {});
      return { paused, deleted };
    },
    after: (c) => c.h.sim.start(),
    status: 200,
    shape: { list: 'SingularityRequestCleanup' },
    check: (res, p) => expect(arr(res.json)).toEqual(expect.arrayContaining([
      expect.objectContaining({ requestId: p.paused, cleanupType: 'PAUSING' }),
      expect.objectContaining({ requestId: p.deleted, cleanupType: 'DELETING' }),
    ])),
  },
  {
    endpoint: 'GET /api/requests/request/{requestId}/simple',
    params: async (c) => ({ requestId: await c.request('c_web') }),
    status: 200,
    shape: 'SingularityRequestWithState',
    check: (res) => expect(obj(res.json)).toMatchObject({ request: { id: 'c_web' }, state: 'ACTIVE' }),
  },
  {
    endpoint: 'GET /api/requests/request/{requestId}/run/{runId}',
    name: 'getTaskByRunIdForRequest: the run’s SingularityTaskId',
    params: async (c) => c.runningRun('c_runner', 'run_live'),
    status: 200,
    shape: 'SingularityTaskId',
    check: (res, p) => expect(obj(res.json).id).toBe(p.taskId),
  },
  {
    endpoint: 'GET /api/requests/request/{requestId}/run/{runId}',
    name: 'no such run: 404, which the client reads as absent',
    params: async (c) => ({ requestId: (await c.runningRun('c_runner', 'run_live')).requestId, runId: 'run_never' }),
    status: 404,
    shape: 'ApiErrorBody',
  },
];
