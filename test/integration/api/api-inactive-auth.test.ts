import { createApiRouter, parseTokens } from '../../../scheduler/api';
import { call, obj, startHarness, useHarness } from '../../support/api-harness';
import { until } from '../../support/kit';

/** `/inactive` (persisted, read by placement through the core's set) and `/auth/user` with tokens. */

const h = useHarness();

describe('inactive hosts', () => {
  it('are marked, listed, persisted, handed to the core and cleared', async () => {
    expect((await call(h, 'POST', '/api/inactive?host=bad-1.example.com')).status).toBe(204);
    expect((await call(h, 'POST', '/api/inactive?host=10.0.0.7')).status).toBe(204);
    expect((await call(h, 'GET', '/api/inactive')).json).toEqual(['10.0.0.7', 'bad-1.example.com']);
    expect([...h.scheduler.inactiveHosts].sort()).toEqual(['10.0.0.7', 'bad-1.example.com']);
    await h.scheduler.store.flush();
    expect([...(await h.scheduler.store.load('inactive-hosts')).keys()].sort()).toEqual(['10.0.0.7', 'bad-1.example.com']);

    expect((await call(h, 'DELETE', '/api/inactive?host=10.0.0.7')).status).toBe(204);
    expect((await call(h, 'DELETE', '/api/inactive?host=never-listed')).status).toBe(204);
    expect((await call(h, 'GET', '/singularity/api/inactive')).json).toEqual(['bad-1.example.com']);
    expect(h.scheduler.inactiveHosts.has('10.0.0.7')).toBe(false);
  });

  it.each([['no host', ''], ['a host with a space', '?host=a%20b'], ['a path', '?host=..%2Fetc']])('refuses %s', async (_name, query) => {
    const res = await call(h, 'POST', `/api/inactive${query}`);
    expect(res.status).toBe(400);
    expect(String(obj(res.json).message)).toContain('host');
  });

  it('a second router on the same store (a new leader) loads them, and reloads on becoming leader', async () => {
    await h.scheduler.store.flush();
    h.scheduler.inactiveHosts.clear();
    const other = createApiRouter(h.scheduler, { engine: h.router.engine, isWritable: () => true });
    try {
      await until(() => h.scheduler.inactiveHosts.has('bad-1.example.com'), 'inactive hosts loaded at start');
      h.scheduler.inactiveHosts.clear();
      h.scheduler.events.emit('leader', true);
      await until(() => h.scheduler.inactiveHosts.has('bad-1.example.com'), 'inactive hosts reloaded on becoming leader');
    } finally {
      other.close();
    }
  });
});

describe('GET /auth/user with tokens', () => {
  const DEPLOY = 'deploy-token-0123456789abcdef';
  const tokens = parseTokens(`${DEPLOY} deploy ci\n`);

  it('answers the token\'s user, and 401 without a known token even though reads are open', async () => {
    const t = await startHarness({ tokens, autoSim: false });
    try {
      const me = await call(t, 'GET', '/api/auth/user', undefined, { authorization: `Bearer ${DEPLOY}` });
      expect(me.status).toBe(200);
      expect(me.json).toEqual({ user: { id: 'ci', name: 'ci', groups: [], scopes: ['READ', 'WRITE'], authenticated: true }, authenticated: true, authEnabled: true });
      expect((await call(t, 'GET', '/api/auth/user')).status).toBe(401);
      expect((await call(t, 'GET', '/api/auth/user', undefined, { authorization: 'Bearer unknown-unknown-unknown' })).status).toBe(401);
      expect((await call(t, 'GET', '/api/requests')).status).toBe(200);
    } finally {
      await t.close();
    }
  });
});
