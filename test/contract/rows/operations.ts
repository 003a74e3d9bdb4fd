import * as z from 'zod';
import { obj } from '../../support/api-harness';
import type { ContractContext, ContractRow } from '../contract-row';

/**
 * WebhookResource and RequestResource's expiring actions, as SingularityClient calls them.
 * Webhooks point at a closed port: their updates stay queued, which the queue rows read.
 */

const uri = (name: string): string => `http://127.0.0.1:9/${name}`;
const idOf = (type: string, name: string): string => `${type}-${encodeURIComponent(uri(name))}`;
const hook = async (c: ContractContext, type: string, name: string): Promise<Record<string, string>> => {
  await c.call('POST', '/api/webhooks', { uri: uri(name), type });
  return { webhookId: idOf(type, name) };
};

const webhook = z.object({ id: z.string(), uri: z.string(), type: z.enum(['REQUEST', 'DEPLOY', 'TASK']), timestamp: z.number() });
const summary = z.object({ webhook, queueSize: z.number().int() });
const deployUpdate = z.object({ deployMarker: z.object({ requestId: z.string(), deployId: z.string() }), eventType: z.enum(['STARTING', 'FINISHED']) });
const requestHistory = z.object({ createdAt: z.number(), eventType: z.string(), request: z.object({ id: z.string() }) });
const taskUpdate = z.object({ taskId: z.object({ id: z.string() }), timestamp: z.number(), taskState: z.string() });

/** A request of its own with an expiring action of `kind` started on it. */
const withExpiring = (id: string, path: string, method: string, body: Record<string, unknown>) => async (c: ContractContext) => {
  const requestId = await c.request(id, 1);
  await c.call(method, `/api/requests/request/${requestId}/${path}`, body);
  return { requestId };
};

/** `GET /api/webhooks/<path>?webhookId=` (with a fresh request, so something is queued) and the deprecated path form. */
function queueRows(path: string, type: string, item: z.ZodType): ContractRow[] {
  const name = `c-${path}`;
  return [
    {
      endpoint: `GET /api/webhooks/${path}`,
      params: async (c) => {
        const p = await hook(c, type, name);
        await c.request(`c_hooked_${path}`, 1);
        return p;
      },
      query: { webhookId: idOf(type, name) },
      status: 200,
      shape: z.array(item).min(1),
    },
    { endpoint: `GET /api/webhooks/${path}/{webhookId}`, params: (c) => hook(c, type, name), status: 200, shape: z.array(item) },
  ];
}

export const rows: ContractRow[] = [
  { endpoint: 'POST /api/webhooks', name: 'a SingularityWebhook', body: { uri: uri('c-request'), type: 'REQUEST' }, status: 200, shape: z.enum(['CREATED', 'EXISTED']) },
  { endpoint: 'GET /api/webhooks', params: (c) => hook(c, 'TASK', 'c-task'), status: 200, shape: z.array(webhook).min(1) },
  { endpoint: 'GET /api/webhooks/summary', params: (c) => hook(c, 'TASK', 'c-task'), status: 200, shape: z.array(summary).min(1) },
  ...queueRows('deploy', 'DEPLOY', deployUpdate),
  ...queueRows('request', 'REQUEST', requestHistory),
  ...queueRows('task', 'TASK', taskUpdate),
  {
    endpoint: 'DELETE /api/webhooks',
    params: (c) => hook(c, 'TASK', 'c-gone'),
    query: { webhookId: idOf('TASK', 'c-gone') },
    status: 200,
    shape: z.literal('DELETED'),
  },
  { endpoint: 'DELETE /api/webhooks/{webhookId}', params: (c) => hook(c, 'TASK', 'c-gone-2'), status: 200, shape: z.literal('DELETED') },

  {
    endpoint: 'PUT /api/requests/request/{requestId}/scale',
    name: 'an expiring scale (durationMillis, actionId)',
    params: async (c) => ({ requestId: await c.request('c_exp_scale', 1) }),
    body: { instances: 2, durationMillis: 3_600_000, message: 'for an hour', actionId: 'exp-1' },
    status: 200,
    shape: 'SingularityRequestParent',
    check: (res) => expect(obj(res.json).expiringScale).toMatchObject({ actionId: 'exp-1', revertToInstances: 1, expiringAPIRequestObject: { durationMillis: 3_600_000 } }),
  },
  {
    endpoint: 'DELETE /api/requests/request/{requestId}/scale',
    params: withExpiring('c_exp_scale_del', 'scale', 'PUT', { instances: 2, durationMillis: 3_600_000 }),
    status: 200,
    shape: 'SingularityRequestParent',
    check: (res) => expect(obj(obj(res.json).request).instances).toBe(2),
  },
  { endpoint: 'DELETE /api/requests/request/{requestId}/scale', name: 'none to cancel', params: async (c) => ({ requestId: await c.request('c_web') }), status: 404, shape: z.object({ message: z.string() }) },
  {
    endpoint: 'DELETE /api/requests/request/{requestId}/pause',
    params: withExpiring('c_exp_pause', 'pause', 'POST', { durationMillis: 3_600_000 }),
    status: 200,
    shape: 'SingularityRequestParent',
    check: (res) => expect(obj(res.json).state).toBe('PAUSED'),
  },
  {
    endpoint: 'DELETE /api/requests/request/{requestId}/bounce',
    params: withExpiring('c_exp_bounce', 'bounce', 'POST', { durationMillis: 3_600_000 }),
    status: 200,
    shape: 'SingularityRequestParent',
  },
  {
    endpoint: 'PUT /api/requests/request/{requestId}/skip-healthchecks',
    params: async (c) => ({ requestId: await c.request('c_exp_skip', 1) }),
    body: { skipHealthchecks: true, durationMillis: 3_600_000, message: 'noisy checks', actionId: 'skip-1' },
    status: 200,
    shape: 'SingularityRequestParent',
    check: (res) => expect(obj(res.json).expiringSkipHealthchecks).toMatchObject({ actionId: 'skip-1', revertToSkipHealthchecks: false }),
  },
  {
    endpoint: 'DELETE /api/requests/request/{requestId}/skip-healthchecks',
    params: withExpiring('c_exp_skip_del', 'skip-healthchecks', 'PUT', { skipHealthchecks: true, durationMillis: 3_600_000 }),
    status: 200,
    shape: 'SingularityRequestParent',
    check: (res) => expect(obj(obj(res.json).request).skipHealthchecks).toBe(true),
  },
];
