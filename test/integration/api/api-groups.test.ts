import { arr, call, obj, serviceRequest, useHarness } from '../../support/api-harness';

/** `/groups` (RequestGroupResource) and a request's authorization groups. */

const h = useHarness();

describe('request groups', () => {
  beforeAll(async () => {
    await call(h, 'POST', '/api/requests', serviceRequest('g-api', 1));
    await call(h, 'POST', '/api/requests', serviceRequest('g-web', 1));
  });

  it('create, read, list, replace and delete a group; it is persisted', async () => {
    const created = await call(h, 'POST', '/api/groups', { id: 'frontend', requestIds: ['g-web', 'g-api', 'g-web'], metadata: { team: 'edge' } });
    expect(created.status).toBe(200);
    expect(created.json).toEqual({ id: 'frontend', requestIds: ['g-web', 'g-api'], metadata: { team: 'edge' } });
    expect((await call(h, 'GET', '/singularity/api/groups/group/frontend')).json).toEqual(created.json);
    await call(h, 'POST', '/api/groups', { id: 'backend', requestIds: ['g-api'] });
    expect(arr((await call(h, 'GET', '/api/groups')).json).map((g) => g.id)).toEqual(['backend', 'frontend']);
    await h.scheduler.store.flush();
    expect((await h.scheduler.store.load('groups')).get('backend')).toEqual({ id: 'backend', requestIds: ['g-api'], metadata: {} });
    expect((await call(h, 'DELETE', '/api/groups/group/backend')).status).toBe(200);
    expect((await call(h, 'GET', '/api/groups/group/backend')).status).toBe(404);
    expect((await call(h, 'DELETE', '/api/groups/group/backend')).status).toBe(404);
  });

  it('refuses a group without requestIds or with a bad id, naming the field', async () => {
    const missing = await call(h, 'POST', '/api/groups', { id: 'x' });
    expect(missing.status).toBe(400);
    expect(obj(missing.json).message).toContain('requestIds');
    const bad = await call(h, 'POST', '/api/groups', { id: 'no spaces', requestIds: [] });
    expect(bad.status).toBe(400);
    expect(obj(bad.json).message).toContain('id');
    expect((await call(h, 'GET', '/api/groups/group/bad%20id')).status).toBe(400);
  });

  it('a deleted request leaves its groups', async () => {
    expect((await call(h, 'DELETE', '/api/requests/request/g-web')).status).toBe(200);
    expect(obj((await call(h, 'GET', '/api/groups/group/frontend')).json).requestIds).toEqual(['g-api']);
  });
});

describe("a request's authorization groups", () => {
  it('POST .../groups sets group, readWriteGroups and readOnlyGroups and records the change', async () => {
    const res = await call(h, 'POST', '/api/requests/request/g-api/groups', { group: 'platform', readWriteGroups: ['sre'], readOnlyGroups: ['everyone'], message: 'hand over to platform' });
    expect(res.status).toBe(200);
    expect(obj(obj(res.json).request)).toMatchObject({ id: 'g-api', group: 'platform', readWriteGroups: ['sre'], readOnlyGroups: ['everyone'] });
    expect(obj(obj((await call(h, 'GET', '/api/requests/request/g-api')).json).request).group).toBe('platform');
    const hist = arr((await call(h, 'GET', '/api/history/request/g-api/requests')).json);
    expect(hist[0]).toMatchObject({ eventType: 'UPDATED', message: 'hand over to platform' });
  });

  it('auth-check answers 200 for a valid change without making it; contradictions are 400; unknown request 404', async () => {
    const check = await call(h, 'POST', '/api/requests/request/g-api/groups/auth-check', { group: 'other', readWriteGroups: [], readOnlyGroups: [] });
    expect(check.status).toBe(200);
    expect(obj(obj((await call(h, 'GET', '/api/requests/request/g-api')).json).request).group).toBe('platform');
    const both = await call(h, 'POST', '/api/requests/request/g-api/groups/auth-check', { readWriteGroups: ['sre'], readOnlyGroups: ['sre'] });
    expect(both.status).toBe(400);
    expect(obj(both.json).message).toContain('readOnlyGroups');
    expect((await call(h, 'POST', '/api/requests/request/ghost/groups', { group: 'x' })).status).toBe(404);
    expect((await call(h, 'POST', '/api/requests/request/g-api/groups', { readWriteGroups: 'sre' })).status).toBe(400);
  });
});
