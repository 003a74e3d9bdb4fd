import type { SlimOverview, SlimPage, SlimRequest, SlimSession, SlimTask } from '../../../contract';
import { parseTokens } from '../../../scheduler/api';
import { call, demoDeploy, healthyOf, serviceRequest, startHarness, type Harness } from '../../support/api-harness';

/** The console's slim lists on the simulated cluster: rows, pagination, filters, the session's scope. */
const DEPLOY = 'deploy-token-0123456789abcdef';
const READ = 'read-token-0123456789abcdef';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ tokens: parseTokens(`${DEPLOY} deploy ci\n${READ} read viewer\n`) });
  const auth = { authorization: `Bearer ${DEPLOY}` };
  for (const id of ['slim-a', 'slim-b', 'slim-c']) {
    expect((await call(h, 'POST', '/api/requests', serviceRequest(id, 2), auth)).status).toBe(200);
  }
  expect((await call(h, 'POST', '/api/deploys', { deploy: { requestId: 'slim-a', id: '1', resources: { cpus: 0.1, memoryMb: 32 }, containerInfo: { type: 'DOCKER', docker: { image: 'x' } } } }, auth)).status).toBe(200);
  await h.sim.until(() => healthyOf(h, 'slim-a', '1') === 2);
  h.sim.behaviour.set('2', 'unschedulable');
  const res = await call(h, 'POST', '/api/deploys', { deploy: { requestId: 'slim-b', id: '2', resources: { cpus: 0.1, memoryMb: 32 }, containerInfo: { type: 'DOCKER', docker: { image: 'x' } } } }, auth);
  expect(res.status).toBe(200);
  await h.sim.until(() => h.scheduler.pendingReasons.size > 0);
});
afterAll(async () => {
  await h.close();
});

const get = async <T>(path: string, headers: Record<string, string> = {}): Promise<T> => {
  const res = await call(h, 'GET', path, undefined, headers);
  expect(res.status).toBe(200);
  return res.json as T;
};

describe('GET /api/slim/requests', () => {
  it('answers one row per request with instance counts, the active deploy and its result', async () => {
    const page = await get<SlimPage<SlimRequest>>('/api/slim/requests');
    expect(page.total).toBe(3);
    expect(page.items.map((r) => r.id)).toEqual(['slim-a', 'slim-b', 'slim-c']);
    const a = page.items[0];
    expect(a).toMatchObject({ type: 'SERVICE', state: 'ACTIVE', desired: 2, running: 2, healthy: 2, activeDeployId: '1', underProvisioned: false });
    expect(a.lastDeploy).toMatchObject({ deployId: '1', state: 'SUCCEEDED' });
  });

  it('says why a pending task waits and marks the request under-provisioned', async () => {
    const b = (await get<SlimPage<SlimRequest>>('/api/slim/requests?q=SLIM-B')).items;
    expect(b).toHaveLength(1);
    expect(b[0].pendingDeployId).toBe('2');
    expect(b[0].pendingReasons.join(' ')).toMatch(/no agent has cpus 64/);
    const under = await get<SlimPage<SlimRequest>>('/api/slim/requests?underProvisioned=true');
    expect(under.items.map((r) => r.id)).toEqual(['slim-b']);
  });

  it('pages with offset and limit', async () => {
    const page = await get<SlimPage<SlimRequest>>('/api/slim/requests?offset=1&limit=1');
    expect(page).toMatchObject({ total: 3, offset: 1, limit: 1 });
    expect(page.items.map((r) => r.id)).toEqual(['slim-b']);
  });

  it('refuses a limit over the maximum, naming the field', async () => {
    const res = await call(h, 'GET', '/api/slim/requests?limit=5000');
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/limit/);
  });
});

describe('GET /api/slim/tasks and /api/slim/overview', () => {
  it('lists the active tasks of one request', async () => {
    const page = await get<SlimPage<SlimTask>>('/api/slim/tasks?requestId=slim-a');
    expect(page.total).toBe(2);
    expect(page.items.every((t) => t.requestId === 'slim-a' && t.state === 'TASK_RUNNING' && t.healthy === true)).toBe(true);
  });

  it('counts tasks by state and requests under-provisioned', async () => {
    const o = await get<SlimOverview>('/api/slim/overview');
    expect(o.requests).toBe(3);
    expect(o.tasksByState.TASK_RUNNING).toBe(2);
    expect(o.underProvisioned).toBe(1);
    expect(o.pendingTasks).toBeGreaterThan(0);
    expect(o.lastEventId).toBeGreaterThan(0);
  });
});

describe('GET /api/slim/session', () => {
  it.each([
    ['no token', 'none', {}],
    ['a read token', 'read', { authorization: `Bearer ${READ}` }],
    ['a deploy token', 'deploy', { authorization: `Bearer ${DEPLOY}` }],
  ])('with %s the scope is %s', async (_name, scope, headers) => {
    const s = await get<SlimSession>('/api/slim/session', headers);
    expect(s).toMatchObject({ authEnabled: true, scope });
  });
});

describe('a deploy that fails', () => {
  it('shows a failed deploy as the last one even though it never became active', async () => {
    const auth = { authorization: `Bearer ${DEPLOY}` };
    h.sim.behaviour.set('3', 'fail-health');
    const res = await call(h, 'POST', '/api/deploys', { deploy: demoDeploy('slim-c', '3') }, auth);
    expect(res.status).toBe(200);
    await h.sim.until(() => h.scheduler.deploys.get('slim-c/3')?.result !== undefined);
    const c = (await get<SlimPage<SlimRequest>>('/api/slim/requests?q=slim-c')).items[0];
    expect(c.activeDeployId).toBeUndefined();
    expect(c.lastDeploy).toMatchObject({ deployId: '3', state: 'FAILED' });
  });
});
