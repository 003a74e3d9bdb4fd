import { arr, call, demoDeploy, deployAndWait, healthyOf, obj, serviceRequest, settle, tasksOf, useHarness } from '../../support/api-harness';

/** Deploys through the API: results and their reasons, steps, cancel, rollback. */

const h = useHarness();

describe('deploys', () => {
  it('v1 ×3 SUCCEEDS; a v2 failing its health checks ends FAILED with TASK_FAILED_HEALTH_CHECKS and v1 keeps 3 healthy', async () => {
    await call(h, 'POST', '/api/requests', serviceRequest('web'));
    expect((await deployAndWait(h, 'web', 'v1')).deployState).toBe('SUCCEEDED');
    expect(healthyOf(h, 'web', 'v1')).toBe(3);
    h.sim.behaviour.set('v2bad', 'fail-health');
    const result = await deployAndWait(h, 'web', 'v2bad');
    expect(result.deployState).toBe('FAILED');
    expect(arr(result.deployFailures)[0].reason).toBe('TASK_FAILED_HEALTH_CHECKS');
    expect(obj(arr(result.deployFailures)[0].taskId).deployId).toBe('v2bad');
    expect(String(result.message)).toContain('rolled back: deploy v1 restored to 3 instances');
    expect(await h.sim.until(() => tasksOf(h, 'web', 'v2bad').length === 0 && healthyOf(h, 'web', 'v1') === 3)).toBe(true);
    const parent = obj((await call(h, 'GET', '/api/requests/request/web')).json);
    expect(obj(parent.activeDeploy).id).toBe('v1');
    expect(parent.pendingDeploy).toBeUndefined();
  });

  it('a container that exits ends FAILED with TASK_FAILED_ON_STARTUP', async () => {
    h.sim.behaviour.set('v2exit', 'exit');
    const result = await deployAndWait(h, 'web', 'v2exit');
    expect(result.deployState).toBe('FAILED');
    expect(arr(result.deployFailures)[0].reason).toBe('TASK_FAILED_ON_STARTUP');
  });

  it('a deploy that cannot be scheduled ends OVERDUE with TASK_COULD_NOT_BE_SCHEDULED and the pending reason', async () => {
    h.sim.behaviour.set('v2big', 'unschedulable');
    const res = await call(h, 'POST', '/api/deploys', { deploy: demoDeploy('web', 'v2big', { deployHealthTimeoutSeconds: 1, healthcheck: undefined }) });
    expect(res.status).toBe(200);
    expect(await h.sim.until(() => h.scheduler.pendingReasons.has('web/v2big'))).toBe(true);
    const state = obj((await call(h, 'GET', '/api/state')).json);
    expect(arr(state.pendingTasks).some((p) => p.deployId === 'v2big' && String(p.reason).includes('no agent has cpus'))).toBe(true);
    expect(state.underProvisionedRequestIds).toContain('web');
    expect(await h.sim.until(() => h.scheduler.deploys.get('web/v2big')?.result !== undefined, 1000)).toBe(true);
    const result = h.scheduler.deploys.get('web/v2big')?.result;
    expect(result?.deployState).toBe('OVERDUE');
    expect(result?.deployFailures.map((f) => f.reason)).toEqual(['TASK_COULD_NOT_BE_SCHEDULED', 'TASK_COULD_NOT_BE_SCHEDULED', 'TASK_COULD_NOT_BE_SCHEDULED']);
    expect(result?.deployFailures[0].message).toContain('no agent has cpus');
  });

  it('409 for a deploy while another is pending; DELETE cancels it (CANCELED)', async () => {
    h.sim.behaviour.set('v3slow', 'stuck-staging');
    expect((await call(h, 'POST', '/api/deploys', { deploy: demoDeploy('web', 'v3slow') })).status).toBe(200);
    const again = await call(h, 'POST', '/api/deploys', { deploy: demoDeploy('web', 'v3other') });
    expect(again.status).toBe(409);
    expect(obj(again.json).message).toContain('already has a pending deploy (v3slow)');
    const pending = arr((await call(h, 'GET', '/api/deploys/pending')).json);
    expect(pending.map((p) => obj(p.deployMarker).deployId)).toEqual(['v3slow']);
    const cancel = await call(h, 'DELETE', '/api/deploys/deploy/v3slow/request/web');
    expect(cancel.status).toBe(200);
    expect(h.scheduler.deploys.get('web/v3slow')?.result?.deployState).toBe('CANCELED');
    expect(await h.sim.until(() => tasksOf(h, 'web', 'v3slow').length === 0 && healthyOf(h, 'web', 'v1') === 3)).toBe(true);
  });

  it('a good v2 in steps of 1 SUCCEEDS and never drops below 3 healthy', async () => {
    let min = Number.POSITIVE_INFINITY;
    const sample = setInterval(() => {
      min = Math.min(min, healthyOf(h, 'web', 'v1') + healthyOf(h, 'web', 'v2'));
    }, 2);
    const result = await deployAndWait(h, 'web', 'v2', { deployInstanceCountPerStep: 1 });
    clearInterval(sample);
    expect(result.deployState).toBe('SUCCEEDED');
    expect(min).toBeGreaterThanOrEqual(3);
    expect(await h.sim.until(() => tasksOf(h, 'web', 'v1').length === 0 && healthyOf(h, 'web', 'v2') === 3)).toBe(true);
  });

  it('steps that do not auto-advance wait for POST /api/deploys/update', async () => {
    await call(h, 'POST', '/api/requests', serviceRequest('manual', 2));
    expect((await deployAndWait(h, 'manual', 'm1')).deployState).toBe('SUCCEEDED');
    expect((await call(h, 'POST', '/api/deploys', { deploy: demoDeploy('manual', 'm2', { deployInstanceCountPerStep: 1, autoAdvanceDeploySteps: false }) })).status).toBe(200);
    expect(await h.sim.until(() => h.router.engine.progressOf('manual')?.stepCompletedAt !== undefined)).toBe(true);
    // Rounds that would advance the step if it advanced on its own: it must not.
    settle(h);
    const pending = arr((await call(h, 'GET', '/api/deploys/pending')).json).find((p) => obj(p.deployMarker).deployId === 'm2');
    expect(obj(pending?.deployProgress)).toMatchObject({ targetActiveInstances: 1, stepComplete: true, autoAdvanceDeploySteps: false });
    expect(healthyOf(h, 'manual', 'm1')).toBe(1);
    expect(tasksOf(h, 'manual', 'm2')).toHaveLength(1);
    const update = await call(h, 'POST', '/api/deploys/update', { requestId: 'manual', deployId: 'm2', targetActiveInstances: 2 });
    expect(update.status).toBe(200);
    expect(await h.sim.until(() => h.scheduler.deploys.get('manual/m2')?.result !== undefined, 1000)).toBe(true);
    expect(h.scheduler.deploys.get('manual/m2')?.result?.deployState).toBe('SUCCEEDED');
    expect((await call(h, 'POST', '/api/deploys/update', { requestId: 'manual', deployId: 'm2', targetActiveInstances: 2 })).status).toBe(404);
  });

  it('rollback redeploys the last SUCCEEDED deploy before the active one, linked in history', async () => {
    const res = await call(h, 'POST', '/api/requests/request/web/rollback', {});
    expect(res.status).toBe(200);
    expect(await h.sim.until(() => h.scheduler.deploys.get('web/v1_rb1')?.result !== undefined, 2000)).toBe(true);
    const hist = obj((await call(h, 'GET', '/api/history/request/web/deploy/v1_rb1')).json);
    expect(hist.rollbackOf).toBe('v1');
    const restored = obj(hist.deploy).containerInfo;
    const original = obj(obj((await call(h, 'GET', '/api/history/request/web/deploy/v1')).json).deploy).containerInfo;
    expect(original).toBeDefined();
    expect(obj(obj(original).docker).image).toBe('griddle/demo-http:v1');
    expect(restored).toEqual(original);
    expect(obj(hist.deployResult).deployState).toBe('SUCCEEDED');
    expect(obj(obj((await call(h, 'GET', '/api/requests/request/web')).json).activeDeploy).id).toBe('v1_rb1');
    const list = arr((await call(h, 'GET', '/api/history/request/web/deploys?count=2&page=1')).json);
    expect(list.map((d) => obj(d.deployMarker).deployId)).toEqual(['v1_rb1', 'v2']);
    const page2 = arr((await call(h, 'GET', '/api/history/request/web/deploys?count=2&page=2')).json);
    expect(page2).toHaveLength(2);
  });

  it('rollback to an unknown deploy is 404; with no earlier success it is 409', async () => {
    expect((await call(h, 'POST', '/api/requests/request/web/rollback', { deployId: 'nope' })).status).toBe(404);
    await call(h, 'POST', '/api/requests', serviceRequest('fresh', 1));
    expect((await deployAndWait(h, 'fresh', 'only')).deployState).toBe('SUCCEEDED');
    expect((await call(h, 'POST', '/api/requests/request/fresh/rollback')).status).toBe(409);
  });
});
