import * as z from 'zod';
import type { ContractRow } from '../contract-row';

const hosts = z.array(z.string());

/** InactiveAgentResource: `?host=` on POST and DELETE, 204 as Singularity's void methods answer. */
export const rows: ContractRow[] = [
  { endpoint: 'POST /api/inactive', name: 'markAgentAsInactive', query: { host: 'c-bad-host.example.com' }, status: 204, shape: 'empty' },
  {
    endpoint: 'GET /api/inactive',
    name: 'getInactiveAgents',
    status: 200,
    shape: hosts,
    check: (res) => expect(res.json).toEqual(['c-bad-host.example.com']),
  },
  { endpoint: 'DELETE /api/inactive', name: 'clearInactiveAgent', query: { host: 'c-bad-host.example.com' }, status: 204, shape: 'empty' },
  {
    endpoint: 'GET /api/inactive',
    name: 'after clearInactiveAgent',
    status: 200,
    shape: hosts,
    check: (res) => expect(res.json).toEqual([]),
  },
];
