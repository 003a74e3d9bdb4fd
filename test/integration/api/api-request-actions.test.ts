import { arr, call, deployAndWait, healthyOf, obj, serviceRequest, settle, tasksOf, useHarness } from '../../support/api-harness';

/** Request actions (kill, bounce, pause, delete) and one-shot requests (ON_DEMAND, RUN_ONCE, SCHEDULED). */

const h = useHarness();

describe('request actions', () => {
  beforeAll(async () => {
    await call(h, 'POST', '/api/requests', serviceRequest('act', 2));
    expect((await deployAndWait(h, 'act', 'a1')).deployState).toBe('SUCCEEDED');
  });

  it('kill one task: it is replaced', async () => {
    const victim = tasksOf(h, 'act', 'a1')[0];
    const res = await call(h, 'DELETE', `/api/tasks/task/${victim.taskId}`);
    expect(res.status).toBe(200);
    expect(await h.sim.until(() => !h.scheduler.tasks.has(victim.taskId) && healthyOf(h, 'act', 'a1') === 2)).toBe(true);
  });

  it('bounce replaces every task under the deploy rules', async () => {
    const before = new Set(tasksOf(h, 'act', 'a1').map((t) => t.taskId));
    expect((await call(h, 'POST', '/api/requests/request/act/bounce', {})).status).toBe(200);
    expect(await h.sim.until(() => h.router.engine.progressOf('act') === undefined && healthyOf(h, 'act', 'a1') === 2 && tasksOf(h, 'act', 'a1').every((t) => !before.has(t.taskId)))).toBe(true);
  });

  it('pause kills the tasks and unpause brings them back; pausing twice is 409', async () => {
    const paused = await call(h, 'POST', '/api/requests/request/act/pause', {});
    expect(obj(paused.json).state).toBe('PAUSED');
    expect(await h.sim.until(() => tasksOf(h, 'act').length === 0)).toBe(true);
    expect((await call(h, 'POST', '/api/requests/request/act/pause')).status).toBe(409);
    const killed = await call(h, 'GET', '/api/requests/request/act');
    expect(arr(obj(obj(killed.json).taskIds).healthy)).toHaveLength(0);
    expect(obj((await call(h, 'POST', '/api/requests/request/act/unpause')).json).state).toBe('ACTIVE');
    expect(await h.sim.until(() => healthyOf(h, 'act', 'a1') === 2)).toBe(true);
  });

  it('a deploy to a paused request with unpauseOnSuccessfulDeploy unpauses it on success', async () => {
    await call(h, 'POST', '/api/requests/request/act/pause');
    const result = await deployAndWait(h, 'act', 'a2', {}, { unpauseOnSuccessfulDeploy: true });
    expect(result.deployState).toBe('SUCCEEDED');
    expect(h.scheduler.requests.get('act')?.state).toBe('ACTIVE');
    expect(await h.sim.until(() => healthyOf(h, 'act', 'a2') === 2)).toBe(true);
  });

  it('delete kills the tasks and keeps the history', async () => {
    expect((await call(h, 'DELETE', '/api/requests/request/act')).status).toBe(200);
    expect(await h.sim.until(() => tasksOf(h, 'act').length === 0 && [...h.scheduler.tasks.values()].every((t) => t.requestId !== 'act'))).toBe(true);
    expect((await call(h, 'GET', '/api/requests/request/act')).status).toBe(404);
    const hist = arr((await call(h, 'GET', '/api/history/request/act/deploys')).json);
    expect(hist.map((d) => obj(d.deployMarker).deployId)).toEqual(['a2', 'a1']);
    expect(arr((await call(h, 'GET', '/api/history/request/act/tasks')).json).length).toBeGreaterThan(0);
  });
});

describe('one-shot requests', () => {
  it('ON_DEMAND: POST .../run starts one task that finishes and is not replaced', async () => {
    h.sim.behaviour.set('od1', 'finish');
    await call(h, 'POST', '/api/requests', { id: 'job', requestType: 'ON_DEMAND' });
    expect((await deployAndWait(h, 'job', 'od1', { healthcheck: undefined })).deployState).toBe('SUCCEEDED');
    expect(tasksOf(h, 'job')).toHaveLength(0);
    const run = await call(h, 'POST', '/api/requests/request/job/run', { runId: 'nightly_1' });
    expect(obj(run.json).runId).toBe('nightly_1');
    expect(await h.sim.until(() => h.router.history.of('job').some((t) => t.state === 'TASK_FINISHED'))).toBe(true);
    // Rounds in which a replacement would be launched and would run: none is.
    settle(h);
    expect(h.router.history.of('job')).toHaveLength(1);
    expect(tasksOf(h, 'job')).toHaveLength(0);
  });

  it('ON_DEMAND with numRetriesOnFailure: a failing run is tried 1 + retries times', async () => {
    h.sim.behaviour.set('od2', 'exit');
    await call(h, 'POST', '/api/requests', { id: 'flaky', requestType: 'ON_DEMAND', numRetriesOnFailure: 2 });
    await deployAndWait(h, 'flaky', 'od2', { healthcheck: undefined });
    await call(h, 'POST', '/api/requests/request/flaky/run');
    expect(await h.sim.until(() => h.router.history.of('flaky').length === 3 && h.router.engine.openRuns('flaky') === 0)).toBe(true);
    // Rounds in which a fourth attempt would be launched and would fail: none is.
    settle(h);
    expect(h.router.history.of('flaky')).toHaveLength(3);
    expect(tasksOf(h, 'flaky')).toHaveLength(0);
  });

  it('RUN_ONCE: the deploy runs the task once, then the request is FINISHED', async () => {
    h.sim.behaviour.set('once1', 'finish');
    await call(h, 'POST', '/api/requests', { id: 'migrate', requestType: 'RUN_ONCE' });
    expect((await deployAndWait(h, 'migrate', 'once1', { healthcheck: undefined })).deployState).toBe('SUCCEEDED');
    expect(await h.sim.until(() => h.scheduler.requests.get('migrate')?.state === 'FINISHED')).toBe(true);
    expect(h.router.history.of('migrate').map((t) => t.state)).toEqual(['TASK_FINISHED']);
  });

  it('a SERVICE cannot be run (400)', async () => {
    expect((await call(h, 'POST', '/api/requests', serviceRequest('plain', 1))).status).toBe(200);
    expect((await call(h, 'POST', '/api/requests/request/plain/run')).status).toBe(400);
  });

  it('SCHEDULED: the cron schedule starts runs', async () => {
    h.sim.behaviour.set('s1', 'finish');
    const created = await call(h, 'POST', '/api/requests', { id: 'cron', requestType: 'SCHEDULED', schedule: '* * * * * *' });
    expect(created.status).toBe(200);
    await deployAndWait(h, 'cron', 's1', { healthcheck: undefined });
    expect(await h.sim.until(() => h.router.history.of('cron').filter((t) => t.state === 'TASK_FINISHED').length >= 2, 1000)).toBe(true);
  });
});
