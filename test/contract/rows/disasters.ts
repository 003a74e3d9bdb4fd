import * as z from 'zod';
import type { ContractRow } from '../contract-row';

const dataPoint = z.object({
  timestamp: z.number(), numActiveTasks: z.number(), numPendingTasks: z.number(), numLateTasks: z.number(), avgTaskLagMillis: z.number(),
  numLostTasks: z.number(), numActiveAgents: z.number(), numLostAgents: z.number(), numActiveSlaves: z.number(), numLostSlaves: z.number(),
});
const disastersData = z.object({
  stats: z.array(dataPoint),
  disasters: z.array(z.object({ type: z.string(), active: z.boolean() })),
  automatedActionsDisabled: z.boolean(),
});
const disabledAction = z.object({ type: z.string(), message: z.string(), user: z.string().nullable(), automaticallyClearable: z.boolean(), expiresAt: z.number().nullable() });

/** DisastersResource: the void methods answer 204; each change is undone by the row after it. */
export const rows: ContractRow[] = [
  { endpoint: 'GET /api/disasters/stats', name: 'getDisasterStats', status: 200, shape: disastersData },
  { endpoint: 'POST /api/disasters/active/{type}', name: 'addDisaster', params: () => Promise.resolve({ type: 'USER_INITIATED' }), status: 204, shape: 'empty' },
  {
    endpoint: 'GET /api/disasters/active',
    name: 'getActiveDisasters',
    status: 200,
    shape: z.array(z.string()),
    check: (res) => expect(res.json).toContain('USER_INITIATED'),
  },
  { endpoint: 'DELETE /api/disasters/active/{type}', name: 'removeDisaster', params: () => Promise.resolve({ type: 'USER_INITIATED' }), status: 204, shape: 'empty' },
  { endpoint: 'POST /api/disasters/disable', name: 'disableAutomatedActions', status: 204, shape: 'empty' },
  { endpoint: 'POST /api/disasters/enable', name: 'enableAutomatedActions', status: 204, shape: 'empty' },
  {
    endpoint: 'POST /api/disasters/disabled-actions/{action}',
    name: 'disableAction with a SingularityDisabledActionRequest',
    params: () => Promise.resolve({ action: 'TASK_SHUFFLE' }),
    body: { type: 'TASK_SHUFFLE', message: 'contract' },
    status: 204,
    shape: 'empty',
  },
  {
    endpoint: 'GET /api/disasters/disabled-actions',
    name: 'getDisabledActions',
    status: 200,
    shape: z.array(disabledAction),
    check: (res) => expect(res.json).toEqual([expect.objectContaining({ type: 'TASK_SHUFFLE', message: 'contract' })]),
  },
  { endpoint: 'DELETE /api/disasters/disabled-actions/{action}', name: 'enableAction', params: () => Promise.resolve({ action: 'TASK_SHUFFLE' }), status: 204, shape: 'empty' },
];
