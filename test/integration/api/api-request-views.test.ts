import { arr, call, demoDeploy, deployAndWait, obj, serviceRequest, tasksOf, useHarness } from '../../support/api-harness';

/** More of RequestResource: ids, simple, batch, requests by state, queues, crash loops and cooldown. */

const h = useHarness();

describe('request reads', () => {
  beforeAll(async () => {
    await call(h, 'POST', '/api/requests', serviceRequest('web-a', 1));
    await call(h, 'POST', '/api/requests', serviceRequest('web-b', 1));
    await call(h, 'POST', '/api/requests/request/web-b/pause', {});
  });

  it('ids, ids/active, and ids filtered by state and requestIdLike', async () => {
    expect(arr((await call(h, 'GET', '/api/requests/ids')).json)).toEqual(expect.arrayContaining(['web-a', 'web-b']));
    expect((await call(h, 'GET', '/api/requests/ids/active')).json).toEqual(expect.not.arrayContaining(['web-b']));
    expect((await call(h, 'GET', '/api/requests/ids?state=PAUSED')).json).toEqual(['web-b']);
    expect((await call(h, 'GET', '/api/requests/ids?requestIdLike=WEB-A')).json).toEqual(['web-a']);
    expect((await call(h, 'GET', '/api/requests/ids?state=SLEEPING')).status).toBe(400);
  });

  it('simple answers SingularityRequestWithState; unknown → 404, bad id → 400', async () => {
    const res = await call(h, 'GET', '/singularity/api/requests/request/web-b/simple');
    expect(res.status).toBe(200);
    expect(obj(res.json)).toMatchObject({ state: 'PAUSED', request: expect.objectContaining({ id: 'web-b', requestType: 'SERVICE' }) });
    expect(typeof obj(res.json).timestamp).toBe('number');
    expect((await call(h, 'GET', '/api/requests/request/ghost/simple')).status).toBe(404);
    expect((await call(h, 'GET', '/api/requests/request/bad%20id/simple')).status).toBe(400);
  });

  it('batch answers the found ones and names the missing', async () => {
    const res = obj((await call(h, 'GET', '/api/requests/batch?id=web-a&id=ghost&id=web-b')).json);
    expect(arr(res.requests).map((p) => obj(p.request).id)).toEqual(['web-a', 'web-b']);
    expect(res.notFound).toEqual(['ghost']);
    expect((await call(h, 'GET', '/api/requests/batch')).status).toBe(400);
  });

  it('finished lists a RUN_ONCE request whose run is done', async () => {
    h.sim.behaviour.set('once1', 'finish');
    await call(h, 'POST', '/api/requests', { id: 'once', requestType: 'RUN_ONCE' });
    await deployAndWait(h, 'once', 'once1', { healthcheck: undefined });
    expect(await h.sim.until(() => h.scheduler.requests.get('once')?.state === 'FINISHED')).toBe(true);
    const finished = arr((await call(h, 'GET', '/api/requests/finished')).json);
    expect(finished.map((p) => obj(p.request).id)).toEqual(['once']);
    expect(arr((await call(h, 'GET', '/api/requests/finished?requestType=SERVICE')).json)).toHaveLength(0);
  });
});

describe('queues', () => {
  it('queued/pending lists what a pending deploy still has to launch; queued/cleanup a pause in progress', async () => {
    h.sim.behaviour.set('q1', 'unschedulable');
    await call(h, 'POST', '/api/requests', serviceRequest('queue', 2));
    expect((await call(h, 'POST', '/api/deploys', { deploy: demoDeploy('queue', 'q1') })).status).toBe(200);
    expect(await h.sim.until(() => h.scheduler.pendingReasons.has('queue/q1'))).toBe(true);
    const pending = arr((await call(h, 'GET', '/api/requests/queued/pending')).json).filter((p) => p.requestId === 'queue');
    expect(pending).toEqual([expect.objectContaining({ requestId: 'queue', deployId: 'q1', pendingType: 'NEW_DEPLOY', missingInstances: 2, message: expect.stringContaining('cpus 64') })]);
    await call(h, 'DELETE', '/api/deploys/deploy/q1/request/queue');

    await call(h, 'POST', '/api/requests', serviceRequest('slow', 1));
    await deployAndWait(h, 'slow', 's1');
    h.sim.stop();
    try {
      await call(h, 'POST', '/api/requests/request/slow/pause', {});
      const cleanup = arr((await call(h, 'GET', '/api/requests/queued/cleanup')).json);
      expect(cleanup).toContainEqual(expect.objectContaining({ requestId: 'slow', cleanupType: 'PAUSING', killTasks: true }));
    } finally {
      h.sim.start();
    }
    expect(await h.sim.until(() => tasksOf(h, 'slow').length === 0 && ![...h.scheduler.tasks.values()].some((t) => t.requestId === 'slow'))).toBe(true);
    expect(arr((await call(h, 'GET', '/api/requests/queued/cleanup')).json).some((c) => c.requestId === 'slow')).toBe(false);
  });
});

describe('crash loops and cooldown', () => {
  it('a request whose tasks keep crashing shows a crash loop and enters SYSTEM_COOLDOWN; exit-cooldown ends it', async () => {
    await call(h, 'POST', '/api/requests', serviceRequest('crashy', 2));
    expect((await deployAndWait(h, 'crashy', 'c1')).deployState).toBe('SUCCEEDED');
    expect(arr((await call(h, 'GET', '/api/requests/request/crashy/crashloops')).json)).toHaveLength(0);
    h.sim.behaviour.set('c1', 'exit');
    expect(await h.sim.until(() => h.scheduler.requests.get('crashy')?.state === 'SYSTEM_COOLDOWN')).toBe(true);
    expect(await h.sim.until(() => h.router.history.of('crashy').length >= 6)).toBe(true);
    const loops = arr((await call(h, 'GET', '/api/requests/request/crashy/crashloops')).json);
    expect(loops).toContainEqual(expect.objectContaining({ requestId: 'crashy', deployId: 'c1', type: 'FAST_FAILURE_LOOP', start: expect.any(Number) }));
    const all = obj((await call(h, 'GET', '/api/requests/crashloops')).json);
    expect(arr(all.crashy).length).toBeGreaterThan(0);
    expect(arr((await call(h, 'GET', '/api/requests/cooldown')).json).map((p) => obj(p.request).id)).toEqual(['crashy']);

    h.sim.behaviour.set('c1', 'healthy');
    h.sim.stop();
    try {
      const exit = await call(h, 'POST', '/api/requests/request/crashy/exit-cooldown', { message: 'fixed the config' });
      expect(exit.status).toBe(200);
      expect(obj(exit.json).state).toBe('ACTIVE');
      expect((await call(h, 'POST', '/api/requests/request/crashy/exit-cooldown', {})).status).toBe(409);
    } finally {
      h.sim.start();
    }
    const hist = arr((await call(h, 'GET', '/api/history/request/crashy/requests')).json);
    expect(hist[0]).toMatchObject({ eventType: 'EXITED_COOLDOWN', message: 'fixed the config' });
    expect(hist.some((e) => e.eventType === 'ENTERED_COOLDOWN')).toBe(true);
    // Tasks already RUNNING when the behaviour changed stay unhealthy in the simulation: replace them.
    for (const t of tasksOf(h, 'crashy', 'c1')) if (t.healthy !== true) await call(h, 'DELETE', `/api/tasks/task/${t.taskId}`);
    expect(await h.sim.until(() => tasksOf(h, 'crashy', 'c1').filter((t) => t.healthy === true).length === 2)).toBe(true);
    expect(arr((await call(h, 'GET', '/api/requests/request/crashy/crashloops')).json)).toHaveLength(0);
    expect((await call(h, 'GET', '/api/requests/request/ghost/crashloops')).status).toBe(404);
    expect((await call(h, 'POST', '/api/requests/request/ghost/exit-cooldown', {})).status).toBe(404);
  });
});
