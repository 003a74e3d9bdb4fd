import * as z from 'zod';
import { obj } from '../../support/api-harness';
import type { ContractContext, ContractRow } from '../contract-row';

/** PriorityResource and RequestResource's priority. */

const parent = z.object({
  priorityFreeze: z.object({ minimumPriorityLevel: z.number(), killTasks: z.boolean(), actionId: z.string() }),
  timestamp: z.number(),
});

const frozen = async (c: ContractContext): Promise<Record<string, string>> => {
  c.h.scheduler.setPriorityFreeze({ priorityFreeze: { minimumPriorityLevel: 0.1, killTasks: false, actionId: 'c-freeze' }, timestamp: 1 });
  return {};
};

export const rows: ContractRow[] = [
  {
    endpoint: 'POST /api/priority/freeze',
    body: { minimumPriorityLevel: 0.1, killTasks: false, message: 'capacity crunch', actionId: null },
    status: 200,
    shape: parent,
    check: (res) => expect(obj(res.json)).toMatchObject({ priorityFreeze: { minimumPriorityLevel: 0.1, message: 'capacity crunch' } }),
  },
  {
    endpoint: 'GET /api/priority/freeze',
    params: frozen,
    status: 200,
    shape: parent,
  },
  {
    endpoint: 'DELETE /api/priority/freeze',
    params: frozen,
    status: 204,
    shape: 'empty',
  },
  {
    endpoint: 'PUT /api/requests/request/{requestId}/priority',
    name: 'setPriority (not in the Java client)',
    params: async (c) => ({ requestId: await c.request('c_priority') }),
    body: { priority: 0.9, message: 'important' },
    status: 200,
    shape: 'SingularityRequestParent',
    check: (res) => expect(obj(obj(res.json).request).taskPriorityLevel).toBe(0.9),
  },
  {
    endpoint: 'PUT /api/requests/request/{requestId}/priority',
    name: 'an expiring priority (durationMillis)',
    params: async (c) => ({ requestId: await c.request('c_priority_exp') }),
    body: { priority: 0.8, durationMillis: 3_600_000, actionId: 'prio-1' },
    status: 200,
    shape: 'SingularityRequestParent',
    check: (res) => expect(obj(res.json).expiringPriority).toMatchObject({ actionId: 'prio-1', expiringAPIRequestObject: { priority: 0.8, durationMillis: 3_600_000 } }),
  },
  {
    endpoint: 'DELETE /api/requests/request/{requestId}/priority',
    name: 'cancels the expiring priority, keeping it (not in the Java client)',
    params: async (c) => {
      const requestId = await c.request('c_priority_del');
      await c.call('PUT', `/api/requests/request/${requestId}/priority`, { priority: 0.7, durationMillis: 3_600_000 });
      return { requestId };
    },
    status: 200,
    shape: 'SingularityRequestParent',
    check: (res) => {
      expect(obj(res.json).expiringPriority).toBeUndefined();
      expect(obj(obj(res.json).request).taskPriorityLevel).toBe(0.7);
    },
  },
];
