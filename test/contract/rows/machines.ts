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
    params: agentNamed('c-agent-decom-update'),
    body: { message: 'later', durationMillis: 60000 },
    status: 200,
    shape: 'empty',
    partial: 'expiring machine states (durationMillis, revertToState) are not kept: the call only checks the agent',
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
