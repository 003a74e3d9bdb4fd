import { arr, obj } from '../../support/api-harness';
import type { ContractRow } from '../contract-row';

/** RequestGroupResource, and RequestResource's authorization groups of one request. */
export const rows: ContractRow[] = [
  {
    endpoint: 'POST /api/groups',
    name: 'saveRequestGroup: a SingularityRequestGroup',
    params: async (c) => ({ requestId: await c.request('c_web') }),
    body: (p) => ({ id: 'c_frontend', requestIds: [p.requestId], metadata: { team: 'edge' } }),
    status: 200,
    shape: 'SingularityRequestGroup',
  },
  {
    endpoint: 'GET /api/groups',
    status: 200,
    shape: { list: 'SingularityRequestGroup' },
    check: (res) => expect(arr(res.json).map((g) => g.id)).toContain('c_frontend'),
  },
  {
    endpoint: 'GET /api/groups/group/{requestGroupId}',
    params: async () => ({ requestGroupId: 'c_frontend' }),
    status: 200,
    shape: 'SingularityRequestGroup',
    check: (res) => expect(obj(res.json)).toEqual({ id: 'c_frontend', requestIds: ['c_web'], metadata: { team: 'edge' } }),
  },
  {
    endpoint: 'DELETE /api/groups/group/{requestGroupId}',
    params: async (c) => {
      await c.call('POST', '/api/groups', { id: 'c_doomed', requestIds: [] });
      return { requestGroupId: 'c_doomed' };
    },
    status: 200,
    shape: 'empty',
  },
  {
    endpoint: 'POST /api/requests/request/{requestId}/groups',
    name: 'updateAuthorizedGroups: a SingularityUpdateGroupsRequest',
    params: async (c) => ({ requestId: await c.request('c_grouped', 1) }),
    body: { group: 'edge', readWriteGroups: ['sre'], readOnlyGroups: ['dev'], message: 'owners' },
    status: 200,
    shape: 'SingularityRequestParent',
    check: (res) => expect(obj(obj(res.json).request)).toMatchObject({ group: 'edge', readWriteGroups: ['sre'], readOnlyGroups: ['dev'] }),
  },
  {
    endpoint: 'POST /api/requests/request/{requestId}/groups/auth-check',
    name: 'checkAuthForRequestGroupsUpdate: success is the answer',
    params: async (c) => ({ requestId: await c.request('c_grouped', 1) }),
    body: { group: 'edge', readWriteGroups: [], readOnlyGroups: ['dev'] },
    status: 200,
    shape: 'empty',
  },
];
