import { parseTokens } from '../../../scheduler/api';
import { call, obj, serviceRequest, tasksOf, type Harness, startHarness } from '../../support/api-harness';

/**
 * Group authorization: a token given groups in the tokens file changes only requests whose
 * owning group or read-write groups it is in; a token without groups (or `*`) is not held to
 * groups; reads stay open.
 */
const EDGE = 'edge-token-0123456789abcdef';
const DATA = 'data-token-0123456789abcdef';
const ADMIN = 'admin-token-0123456789abcdef';
const tokens = parseTokens(`${EDGE} deploy edge-ci edge,web\n${DATA} deploy data-ci data\n${ADMIN} deploy ops *\n`);
const as = (t: string) => ({ authorization: `Bearer ${t}` });

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ tokens });
  expect((await call(h, 'POST', '/api/requests', serviceRequest('ga-web', 1, { group: 'edge', readOnlyGroups: ['data'] }), as(EDGE))).status).toBe(200);
  expect((await call(h, 'POST', '/api/requests', serviceRequest('ga-open', 1), as(DATA))).status).toBe(200);
});
afterAll(async () => {
  await h.close();
});

describe('group authorization of writes', () => {
  it('only the owning group (and read-write groups) may change a request; unrestricted tokens may', async () => {
    const refused = await call(h, 'PUT', '/api/requests/request/ga-web/scale', { instances: 2 }, as(DATA));
    expect(refused.status).toBe(403);
    expect(obj(refused.json).message).toBe('token "data-ci" (groups: data) may not change request ga-web: it belongs to edge');
    expect((await call(h, 'PUT', '/api/requests/request/ga-web/scale', { instances: 2 }, as(EDGE))).status).toBe(200);
    expect((await call(h, 'PUT', '/api/requests/request/ga-web/scale', { instances: 1 }, as(ADMIN))).status).toBe(200);
    // Reads are not held to groups; a request without groups is anyone's.
    expect((await call(h, 'GET', '/api/requests/request/ga-web', undefined, as(DATA))).status).toBe(200);
    expect((await call(h, 'PUT', '/api/requests/request/ga-open/scale', { instances: 2 }, as(EDGE))).status).toBe(200);
  });

  it('deploys, task kills and replacing the request are writes to it', async () => {
    const deploy = { deploy: { requestId: 'ga-web', id: 'v1', resources: { cpus: 0.1, memoryMb: 32 }, containerInfo: { type: 'DOCKER', docker: { image: 'griddle/demo-http:1' } } } };
    expect((await call(h, 'POST', '/api/deploys', deploy, as(DATA))).status).toBe(403);
    expect((await call(h, 'POST', '/api/requests', serviceRequest('ga-web', 3), as(DATA))).status).toBe(403);
    expect((await call(h, 'POST', '/api/deploys', deploy, as(EDGE))).status).toBe(200);
    expect(await h.sim.until(() => tasksOf(h, 'ga-web').some((t) => t.state === 'TASK_RUNNING'))).toBe(true);
    const taskId = tasksOf(h, 'ga-web')[0].taskId;
    expect((await call(h, 'DELETE', `/api/tasks/task/${taskId}`, {}, as(DATA))).status).toBe(403);
  });

  it('a groups change must leave its author in the write groups; auth-check says so without changing anything', async () => {
    const lockOut = { group: 'data', message: 'hand over' };
    expect((await call(h, 'POST', '/api/requests/request/ga-web/groups/auth-check', lockOut, as(EDGE))).status).toBe(403);
    expect((await call(h, 'POST', '/api/requests/request/ga-web/groups', lockOut, as(EDGE))).status).toBe(403);
    const share = { group: 'edge', readWriteGroups: ['data'] };
    expect((await call(h, 'POST', '/api/requests/request/ga-web/groups/auth-check', share, as(DATA))).status).toBe(403);
    expect((await call(h, 'POST', '/api/requests/request/ga-web/groups/auth-check', share, as(EDGE))).status).toBe(200);
    expect(h.scheduler.requests.get('ga-web')?.request.readWriteGroups ?? []).toEqual([]);
    expect((await call(h, 'POST', '/api/requests/request/ga-web/groups', share, as(EDGE))).status).toBe(200);
    expect((await call(h, 'PUT', '/api/requests/request/ga-web/scale', { instances: 1 }, as(DATA))).status).toBe(200);
  });

  it('a token cannot create a request for groups it is not in; /auth/user shows its groups', async () => {
    expect((await call(h, 'POST', '/api/requests', serviceRequest('ga-new', 1, { group: 'edge' }), as(DATA))).status).toBe(403);
    expect(obj(obj((await call(h, 'GET', '/api/auth/user', undefined, as(EDGE))).json).user).groups).toEqual(['edge', 'web']);
  });
});

describe('filterRelevantForUser on the request lists', () => {
  it('keeps the requests of the caller’s groups and those it changed last; no token, no filter', async () => {
    expect((await call(h, 'POST', '/api/requests', serviceRequest('rel-edge', 1, { group: 'edge' }), as(ADMIN))).status).toBe(200);
    expect((await call(h, 'POST', '/api/requests', serviceRequest('rel-mine', 1), as(DATA))).status).toBe(200);
    expect((await call(h, 'POST', '/api/requests', serviceRequest('rel-other', 1), as(ADMIN))).status).toBe(200);
    const ids = async (query: string, headers?: Record<string, string>): Promise<string[]> => {
      const res = await call(h, 'GET', `/api/requests${query}`, undefined, headers);
      expect(res.status).toBe(200);
      return (res.json as { request: { id: string } }[]).map((p) => p.request.id).filter((id) => id.startsWith('rel-')).sort();
    };
    expect(await ids('?filterRelevantForUser=true', as(DATA))).toEqual(['rel-mine']);
    expect(await ids('?filterRelevantForUser=true&property=request.id', as(EDGE))).toEqual(['rel-edge']);
    expect(await ids('?filterRelevantForUser=false', as(DATA))).toEqual(['rel-edge', 'rel-mine', 'rel-other']);
    expect(await ids('?filterRelevantForUser=true')).toEqual(['rel-edge', 'rel-mine', 'rel-other']);
  });
});
