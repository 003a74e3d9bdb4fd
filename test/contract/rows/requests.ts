import { obj } from '../../support/api-harness';
import type { ContractRow } from '../contract-row';

/** RequestResource, as SingularityClient calls it (bodies: Singularity*Request with its field names). */
export const rows: ContractRow[] = [
  {
    endpoint: 'POST /api/requests',
    name: 'create a SingularityRequest',
    body: { id: 'c_created', requestType: 'SERVICE', instances: 1, owners: ['ops@example.com'], rackSensitive: false, loadBalanced: false },
    status: 200,
    shape: 'SingularityRequestParent',
  },
  { endpoint: 'GET /api/requests', params: async (c) => ({ r: await c.request('c_web') }), status: 200, shape: { list: 'SingularityRequestParent' } },
  { endpoint: 'GET /api/requests/active', params: async (c) => ({ r: await c.request('c_web') }), status: 200, shape: { list: 'SingularityRequestParent' } },
  {
    endpoint: 'GET /api/requests/paused',
    params: async (c) => {
      const r = await c.request('c_paused_list', 1);
      await c.call('POST', `/api/requests/request/${r}/pause`, {});
      return { r };
    },
    status: 200,
    shape: { list: 'SingularityRequestParent' },
  },
  { endpoint: 'GET /api/requests/request/{requestId}', params: async (c) => ({ requestId: await c.request('c_web') }), status: 200, shape: 'SingularityRequestParent' },
  {
    endpoint: 'HEAD /api/requests/request/{requestId}',
    name: 'headRequest: an integer ETag',
    params: async (c) => ({ requestId: await c.request('c_web') }),
    status: 200,
    shape: 'empty',
    check: (res) => expect(Number.isInteger(Number.parseInt(res.headers.get('etag') ?? '', 10))).toBe(true),
  },
  { endpoint: 'HEAD /api/requests/request/{requestId}', name: 'headRequest: 404 for an unknown request', params: async () => ({ requestId: 'c_none' }), status: 404, shape: 'empty' },
  {
    endpoint: 'DELETE /api/requests/request/{requestId}',
    name: 'delete with a SingularityDeleteRequestRequest',
    params: async (c) => ({ requestId: await c.request('c_deleted', 1) }),
    body: { message: 'retired', deleteFromLoadBalancer: false },
    status: 200,
    shape: 'SingularityRequest',
    check: (res, p) => expect(obj(res.json).id).toBe(p.requestId),
  },
  {
    endpoint: 'PUT /api/requests/request/{requestId}/scale',
    params: async (c) => ({ requestId: await c.request('c_scaled', 1) }),
    body: { instances: 2, message: 'more', skipHealthchecks: false, durationMillis: null, actionId: 'scale-1', bounce: false, incremental: false },
    status: 200,
    shape: 'SingularityRequestParent',
    check: (res) => expect(obj(obj(res.json).request).instances).toBe(2),
  },
  {
    endpoint: 'POST /api/requests/request/{requestId}/bounce',
    params: async (c) => ({ requestId: await c.request('c_bounced', 1) }),
    body: { incremental: true, skipHealthchecks: false, durationMillis: null, actionId: 'b-1', message: 'restart' },
    status: 200,
    shape: 'SingularityRequestParent',
  },
  {
    endpoint: 'POST /api/requests/request/{requestId}/pause',
    params: async (c) => ({ requestId: await c.request('c_paused', 1) }),
    body: { killTasks: true, durationMillis: null, actionId: 'p-1', message: 'maintenance' },
    status: 200,
    shape: 'SingularityRequestParent',
    check: (res) => expect(obj(res.json).state).toBe('PAUSED'),
  },
  {
    endpoint: 'POST /api/requests/request/{requestId}/unpause',
    params: async (c) => {
      const requestId = await c.request('c_unpaused', 1);
      await c.call('POST', `/api/requests/request/${requestId}/pause`, {});
      return { requestId };
    },
    body: { message: 'back', skipHealthchecks: false, actionId: 'u-1', durationMillis: null },
    status: 200,
    shape: 'SingularityRequestParent',
    check: (res) => expect(obj(res.json).state).toBe('ACTIVE'),
  },
  {
    endpoint: 'POST /api/requests/request/{requestId}/run',
    name: 'run an ON_DEMAND request with a SingularityRunNowRequest',
    params: async (c) => ({ requestId: await c.onDemandRequest('c_job') }),
    body: { message: 'now', runId: 'run_1', commandLineArgs: ['--once'], skipHealthchecks: null },
    status: 200,
    shape: 'SingularityRequestParent',
    check: (res) => expect(obj(res.json).pendingRequest).toMatchObject({ runId: 'run_1' }),
  },
];
