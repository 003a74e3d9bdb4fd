import { parseTokens } from '../../../scheduler/api';
import { arr, call, deployAndWait, obj, serviceRequest, tasksOf, useHarness } from '../../support/api-harness';

/** `/history/request/{id}/requests`, `/history/tasks` search and run history, as Singularity's Java client calls them. */

describe('request history without tokens (X-Username names the user)', () => {
  const h = useHarness();
  const as = { 'X-Username': 'alice' };

  beforeAll(async () => {
    expect((await call(h, 'POST', '/api/requests', serviceRequest('rh', 2), as)).status).toBe(200);
    expect((await deployAndWait(h, 'rh', 'v1')).deployState).toBe('SUCCEEDED');
  });

  it('lists a scale and a pause with their messages and users, newest first', async () => {
    expect((await call(h, 'PUT', '/api/requests/request/rh/scale', { instances: 3, message: 'more traffic' }, as)).status).toBe(200);
    expect((await call(h, 'POST', '/api/requests/request/rh/pause', { message: 'maintenance window' }, { 'X-Username': 'bob' })).status).toBe(200);
    expect((await call(h, 'POST', '/singularity/api/requests/request/rh/unpause', {})).status).toBe(200);
    const res = await call(h, 'GET', '/api/history/request/rh/requests');
    expect(res.status).toBe(200);
    const list = arr(res.json);
    const types = list.map((e) => e.eventType);
    expect(types.slice(0, 3)).toEqual(['UNPAUSED', 'PAUSED', 'SCALED']);
    expect(types).toContain('CREATED');
    expect(types[types.length - 1]).toBe('CREATED');
    const [unpaused, paused, scaled] = list;
    expect(paused).toMatchObject({ user: 'bob', message: 'maintenance window' });
    expect(scaled).toMatchObject({ user: 'alice', message: 'more traffic' });
    expect(obj(scaled.request)).toMatchObject({ id: 'rh', instances: 3 });
    expect(unpaused.user).toBeNull();
    expect(typeof scaled.createdAt).toBe('number');
    const created = list[list.length - 1];
    expect(created).toMatchObject({ eventType: 'CREATED', user: 'alice' });
    // The deploy shows up as request changes too.
    expect(list.some((e) => e.eventType === 'UPDATED' && String(e.message).includes('v1'))).toBe(true);
  });

  it('records bounces and deletes, pages with count/page and orders with orderDirection', async () => {
    expect((await call(h, 'POST', '/api/requests/request/rh/bounce', { message: 'new certs' })).status).toBe(200);
    expect(await h.sim.until(() => h.router.engine.progressOf('rh') === undefined)).toBe(true);
    expect((await call(h, 'DELETE', '/api/requests/request/rh', undefined, as)).status).toBe(200);
    const all = arr((await call(h, 'GET', '/api/history/request/rh/requests')).json);
    expect(all[0]).toMatchObject({ eventType: 'DELETED', user: 'alice' });
    expect(all.find((e) => e.eventType === 'BOUNCED')).toMatchObject({ message: 'new certs' });
    const asc = arr((await call(h, 'GET', '/api/history/request/rh/requests?orderDirection=ASC&count=2&page=1')).json);
    expect(asc.map((e) => e.eventType)).toEqual(['CREATED', all[all.length - 2].eventType]);
    expect((await call(h, 'GET', '/api/history/request/rh/requests?count=x')).status).toBe(400);
    expect((await call(h, 'GET', '/api/history/request/nobody/requests')).status).toBe(404);
  });

  it('history is persisted in the history-requests collection', async () => {
    await h.scheduler.store.flush();
    const stored = await h.scheduler.store.load('history-requests');
    expect([...stored.keys()].filter((k) => k.startsWith('rh/')).length).toBeGreaterThanOrEqual(5);
  });
});

describe('request history with tokens (the token names the user)', () => {
  const token = 'history-token-0123456789';
  const h = useHarness({ tokens: parseTokens(`${token} deploy ops-bot`) });

  it('ignores X-Username and records the token name', async () => {
    const res = await call(h, 'POST', '/api/requests', serviceRequest('tok', 1), { authorization: `Bearer ${token}`, 'X-Username': 'mallory' });
    expect(res.status).toBe(200);
    const list = arr((await call(h, 'GET', '/api/history/request/tok/requests')).json);
    expect(list[0]).toMatchObject({ eventType: 'CREATED', user: 'ops-bot' });
  });
});

describe('task history search and runs', () => {
  const h = useHarness();

  beforeAll(async () => {
    await call(h, 'POST', '/api/requests', serviceRequest('hs', 2));
    expect((await deployAndWait(h, 'hs', 'h1')).deployState).toBe('SUCCEEDED');
    await call(h, 'POST', '/api/requests', { id: 'hjob', requestType: 'ON_DEMAND' });
    expect((await deployAndWait(h, 'hjob', 'j1', { healthcheck: undefined })).deployState).toBe('SUCCEEDED');
  });

  it('tasks/active answers SingularityTaskIdHistory of the live tasks', async () => {
    const res = await call(h, 'GET', '/api/history/request/hs/tasks/active');
    expect(res.status).toBe(200);
    const list = arr(res.json);
    expect(list).toHaveLength(2);
    expect(list[0]).toMatchObject({ lastTaskState: 'TASK_RUNNING', taskId: expect.objectContaining({ requestId: 'hs', deployId: 'h1' }) });
  });

  it('a run: its active task, then its history once killed, and the search by runId', async () => {
    expect((await call(h, 'POST', '/api/requests/request/hjob/run', { runId: 'nightly_1' })).status).toBe(200);
    expect(await h.sim.until(() => tasksOf(h, 'hjob').some((t) => t.state === 'TASK_RUNNING'))).toBe(true);
    const active = await call(h, 'GET', '/api/requests/request/hjob/run/nightly_1');
    expect(active.status).toBe(200);
    const taskId = String(obj(active.json).id);
    expect(obj(active.json)).toMatchObject({ requestId: 'hjob', deployId: 'j1' });
    expect((await call(h, 'DELETE', `/api/tasks/task/${taskId}`)).status).toBe(200);
    expect(await h.sim.until(() => !h.scheduler.tasks.has(taskId))).toBe(true);
    const run = await call(h, 'GET', '/api/history/request/hjob/run/nightly_1');
    expect(obj(run.json)).toMatchObject({ runId: 'nightly_1', lastTaskState: 'TASK_KILLED', taskId: expect.objectContaining({ id: taskId }) });
    expect((await call(h, 'GET', '/api/requests/request/hjob/run/nightly_1')).status).toBe(404);
    const found = arr((await call(h, 'GET', '/api/history/tasks?runId=nightly_1')).json);
    expect(found.map((t) => obj(t.taskId).id)).toEqual([taskId]);
    expect((await call(h, 'GET', '/api/history/request/hjob/run/nope')).status).toBe(404);
    expect((await call(h, 'GET', '/api/history/request/hjob/run/bad%20id')).status).toBe(400);
  });

  it('/history/tasks filters by request, state and time and pages with metadata', async () => {
    for (const t of tasksOf(h, 'hs')) await call(h, 'DELETE', `/api/tasks/task/${t.taskId}`);
    expect(await h.sim.until(() => h.router.history.of('hs').length >= 2)).toBe(true);
    const killed = arr((await call(h, 'GET', '/api/history/tasks?requestId=hs&lastTaskStatus=TASK_KILLED')).json);
    expect(killed.length).toBeGreaterThanOrEqual(2);
    expect(killed.every((t) => t.lastTaskState === 'TASK_KILLED' && obj(t.taskId).requestId === 'hs')).toBe(true);
    const desc = killed.map((t) => Number(t.updatedAt));
    expect([...desc].sort((a, b) => b - a)).toEqual(desc);
    expect(arr((await call(h, 'GET', `/api/history/tasks?updatedAfter=${Date.now() + 60_000}`)).json)).toHaveLength(0);
    const meta = obj((await call(h, 'GET', '/api/history/tasks/withmetadata?count=1&page=2')).json);
    const total = Number(meta.dataCount);
    expect(total).toBeGreaterThanOrEqual(3);
    expect(meta).toMatchObject({ page: 2, pageCount: total });
    expect(arr(meta.objects)).toHaveLength(1);
    expect((await call(h, 'GET', '/api/history/tasks?lastTaskStatus=DONE')).status).toBe(400);
    expect((await call(h, 'GET', '/api/history/tasks?orderDirection=UP')).status).toBe(400);
    expect((await call(h, 'GET', '/singularity/api/history/tasks?requestId=hs&orderDirection=ASC')).status).toBe(200);
  });
});
