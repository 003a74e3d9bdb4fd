import * as z from 'zod';
import { MACHINE_STATES } from '../../../contract';
import { arr, obj } from '../../support/api-harness';
import type { ContractContext, ContractRow } from '../contract-row';

/** AgentResource and RackResource: machine maintenance states. */

const stateUpdate = z.object({ objectId: z.string(), state: z.enum(MACHINE_STATES as [string, ...string[]]), timestamp: z.number() });
const agent = z.object({
  id: z.string(), slaveId: z.string(), host: z.string(), rackId: z.string(), attributes: z.record(z.string(), z.string()),
  firstSeenAt: z.number(), currentState: stateUpdate,
});

/** A machine of its own per row, so rows that change states do not depend on each other's order. */
const agentNamed = (id: string, rack = `rack-${id}`, frozen?: 'agent' | 'rack') => async (c: ContractContext): Promise<Record<string, string>> => {
  c.h.scheduler.machines.observeAgent(id, `${id}.example`, rack, { rack });
  if (frozen) c.h.scheduler.machines.change(frozen, frozen === 'agent' ? id : rack, 'FROZEN', { message: 'x' });
  return { agentId: id, rackId: rack };
};

export const rows: ContractRow[] = [
  {
    endpoint: 'GET /api/agents',
    name: 'getAgents, filtered by state',
    params: agentNamed('c-agent-list'),
    query: { state: 'ACTIVE' },
    status: 200,
    shape: z.array(agent),
    check: (res) => expect(arr(res.json).map((a) => a.id)).toContain('c-agent-list'),
  },
  {
    endpoint: 'GET /api/agents/agent/{agentId}/details',
    params: agentNamed('c-agent-details'),
    status: 200,
    shape: agent,
    check: (res) => expect(obj(res.json)).toMatchObject({ id: 'c-agent-details', host: 'c-agent-details.example', currentState: { state: 'ACTIVE' } }),
  },
  {
    endpoint: 'POST /api/agents/agent/{agentId}/freeze',
    params: agentNamed('c-agent-freeze'),
    body: { message: 'maintenance', durationMillis: null, actionId: null, revertToState: null },
    status: 200,
    shape: 'empty',
  },
  {
    endpoint: 'POST /api/agents/agent/{agentId}/decommission',
    params: agentNamed('c-agent-decom'),
    body: { message: 'hardware swap', killTasksOnDecommissionTimeout: false },
    status: 200,
    shape: 'empty',
  },
  {
    endpoint: 'POST /api/agents/agent/{agentId}/decommission',
    name: 'a third at once is over maxDecommissioningAgents (2)',
    params: async (c) => {
      for (const id of ['c-agent-decom-2', 'c-agent-decom-3', 'c-agent-decom-4']) c.h.scheduler.machines.observeAgent(id, `${id}.example`, 'rack-d', {});
      for (const id of ['c-agent-decom-2', 'c-agent-decom-3']) c.h.scheduler.machines.change('agent', id, 'STARTING_DECOMMISSION', { message: 'x' });
      return { agentId: 'c-agent-decom-4' };
    },
    body: {},
    status: 400,
    shape: 'ApiErrorBody',
    check: (res) => expect(obj(res.json).message).toContain('at most 2 may at once (maxDecommissioningAgents)'),
    after: (c) => {
      for (const id of ['c-agent-decom-2', 'c-agent-decom-3']) c.h.scheduler.machines.change('agent', id, 'ACTIVE', { message: 'undo' });
    },
  },
  {
    endpoint: 'POST /api/agents/agent/{agentId}/decommission/update',
    params: async (c) => {
      const p = await agentNamed('c-agent-decom-update')(c);
      c.h.scheduler.machines.change('agent', p.agentId, 'STARTING_DECOMMISSION', { message: 'x' });
      return p;
    },
    body: { message: 'later', durationMillis: 60000, revertToState: 'ACTIVE' },
    status: 200,
    shape: 'empty',
    after: (c) => void c.h.scheduler.machines.change('agent', 'c-agent-decom-update', 'ACTIVE', { message: 'undo' }),
    partial: "Singularity's own resources have no such route (only its Java client names it): Griddle reads it as setting the expiry (durationMillis, revertToState) of the decommission under way",
  },
  {
    endpoint: 'GET /api/agents/expiring',
    name: 'a freeze with durationMillis expires (not in the Java client)',
    params: async (c) => {
      await agentNamed('c-agent-expiring')(c);
      const res = await c.call('POST', '/api/agents/agent/c-agent-expiring/freeze', { message: 'an hour', durationMillis: 3_600_000, actionId: 'freeze-1' });
      if (res.status !== 200) throw new Error(`freeze: ${res.text}`);
      return {};
    },
    status: 200,
    shape: z.array(z.object({ machineId: z.string(), startMillis: z.number(), actionId: z.string(), revertToState: z.string(), expiringAPIRequestObject: z.object({ durationMillis: z.number() }) })),
    check: (res) => expect(arr(res.json)).toContainEqual(expect.objectContaining({ machineId: 'c-agent-expiring', actionId: 'freeze-1', revertToState: 'ACTIVE' })),
  },
  {
    endpoint: 'DELETE /api/agents/agent/{agentId}/expiring',
    name: 'cancels the expiry; the freeze stays (not in the Java client)',
    params: async () => ({ agentId: 'c-agent-expiring' }),
    status: 200,
    shape: 'empty',
  },
  {
    endpoint: 'POST /api/agents/agent/{agentId}/activate',
    params: agentNamed('c-agent-activate', 'rack-a', 'agent'),
    body: {},
    status: 200,
    shape: 'empty',
  },
  {
    endpoint: 'DELETE /api/agents/agent/{agentId}',
    params: agentNamed('c-agent-delete'),
    status: 200,
    shape: 'empty',
  },
  {
    endpoint: 'GET /api/agents/agent/{agentId}',
    name: 'getAgentHistory (not in the Java client)',
    params: agentNamed('c-agent-history', 'rack-h', 'agent'),
    status: 200,
    shape: z.array(stateUpdate),
    check: (res) => expect(arr(res.json).map((u) => u.state)).toEqual(['FROZEN', 'ACTIVE']),
  },
  {
    endpoint: 'POST /api/racks/rack/{rackId}/freeze',
    params: agentNamed('c-rack-agent-1', 'c-rack-freeze'),
    body: { message: 'rack maintenance' },
    status: 200,
    shape: 'empty',
  },
  {
    endpoint: 'POST /api/racks/rack/{rackId}/decommission',
    params: agentNamed('c-rack-agent-2', 'c-rack-decom'),
    body: {},
    status: 200,
    shape: 'empty',
  },
  {
    endpoint: 'POST /api/racks/rack/{rackId}/activate',
    params: agentNamed('c-rack-agent-3', 'c-rack-activate', 'rack'),
    body: {},
    status: 200,
    shape: 'empty',
  },
  {
    endpoint: 'DELETE /api/racks/rack/{rackId}',
    params: agentNamed('c-rack-agent-4', 'c-rack-delete'),
    status: 200,
    shape: 'empty',
  },
];
