import type { DeployEngineEvent } from '../../../scheduler/deploys';
import { type AcceptanceHook, startAcceptanceHook } from '../../support/acceptance-hook';
import { arr, call, demoDeploy, deployAndWait, healthyOf, obj, serviceRequest, tasksOf, useHarness } from '../../support/api-harness';
import { until } from '../../support/kit';

/** Canary deploys and acceptance checks through the API, on the simulated cluster. */

const h = useHarness({ acceptancePollMs: 50 });
let hook: AcceptanceHook;
beforeAll(async () => {
  hook = await startAcceptanceHook();
});
afterAll(async () => {
  await hook.close();
});

const canary = { enableCanaryDeploy: true, instanceGroupSize: 2, canaryCycleCount: 3 };

describe('acceptance checks', () => {
  it('a hook answering 200 passes each step; one answering 500 fails the deploy and v2 is rolled back to', async () => {
    await call(h, 'POST', '/api/requests', serviceRequest('hooked', 3));
    expect((await deployAndWait(h, 'hooked', 'v1')).deployState).toBe('SUCCEEDED');
    const good = await deployAndWait(h, 'hooked', 'v2', { acceptanceChecks: [{ type: 'HTTP', url: `${hook.url}/status/200?deploy={{deployId}}` }] });
    expect(good.deployState).toBe('SUCCEEDED');
    expect(hook.calls).toContain('/status/200?deploy=v2');

    const bad = await deployAndWait(h, 'hooked', 'v3', { acceptanceChecks: [{ type: 'HTTP', url: `${hook.url}/status/500` }] });
    expect(bad.deployState).toBe('FAILED');
    expect(String(bad.message)).toContain(`step 1: acceptance check failed: HTTP ${hook.url}/status/500: answered 500: error budget spent`);
    expect(String(bad.message)).toContain('rolled back: deploy v2 restored to 3 instances');
    await until(() => tasksOf(h, 'hooked', 'v3').length === 0 && healthyOf(h, 'hooked', 'v2') === 3, 'v3 gone and v2 at 3 healthy', 10_000);
    expect(obj(obj((await call(h, 'GET', '/api/requests/request/hooked')).json).activeDeploy).id).toBe('v2');
  });

  it('an unreachable hook is retried until the step deadline, then OVERDUE with the reason', async () => {
    const closed = `http://127.0.0.1:1/status/200`;
    const result = await deployAndWait(h, 'hooked', 'v4', { deployHealthTimeoutSeconds: 1, healthcheck: undefined, acceptanceChecks: [{ type: 'HTTP', url: closed, timeoutSeconds: 1 }] });
    expect(result.deployState).toBe('OVERDUE');
    expect(String(result.message)).toMatch(/step 1: acceptance checks inconclusive after \d+s: HTTP http:\/\/127\.0\.0\.1:1\/status\/200: request failed/);
    expect(arr(result.deployFailures)[0].reason).toBe('DEPLOY_OVERDUE');
  });
});

describe('canary deploys', () => {
  it('6 instances in groups of 2 (canaryCycleCount 3) roll out in 3 steps', async () => {
    await call(h, 'POST', '/api/requests', serviceRequest('six', 6));
    expect((await deployAndWait(h, 'six', 'v1')).deployState).toBe('SUCCEEDED');
    const steps: number[] = [];
    const onEvent = (e: DeployEngineEvent): void => {
      if (e.type === 'deploy.step' && e.deployId === 'v2') steps.push(e.targetActiveInstances);
    };
    h.router.engine.on('event', onEvent);
    try {
      expect((await deployAndWait(h, 'six', 'v2', { canaryDeploySettings: canary })).deployState).toBe('SUCCEEDED');
    } finally {
      h.router.engine.off('event', onEvent);
    }
    expect(steps).toEqual([2, 4, 6]);
    expect(healthyOf(h, 'six', 'v2')).toBe(6);
  });

  it('a canary whose first group fails stops after that group: only its 2 tasks (and the 1 allowed retry) launched, the old deploy back at 6', async () => {
    const launched = new Set<string>();
    const onTask = (t: { taskId: string; deployId: string }): void => {
      if (t.deployId === 'v3') launched.add(t.taskId);
    };
    h.scheduler.events.on('task', onTask);
    h.sim.behaviour.set('v3', 'exit');
    try {
      const result = await deployAndWait(h, 'six', 'v3', { canaryDeploySettings: { ...canary, allowedTasksFailuresPerGroup: 1 } });
      expect(result.deployState).toBe('FAILED');
      expect(String(result.message)).toContain('step 1: 2 task(s) failed, more than allowedTasksFailuresPerGroup (1)');
    } finally {
      h.scheduler.events.off('task', onTask);
    }
    expect(launched.size).toBeLessThanOrEqual(3);
    await until(() => tasksOf(h, 'six', 'v3').length === 0 && healthyOf(h, 'six', 'v2') === 6, 'v3 gone and v2 at 6 healthy', 10_000);
  });

  it('the pending deploy view shows the canary plan', async () => {
    h.sim.behaviour.set('v4', 'stuck-staging');
    expect((await call(h, 'POST', '/api/deploys', { deploy: demoDeploy('six', 'v4', { canaryDeploySettings: canary }) })).status).toBe(200);
    const pending = await until(() => h.router.engine.pending().find((p) => p.progress.deployId === 'v4'), 'v4 pending', 5000);
    expect(pending.view).toMatchObject({ targetActiveInstances: 2, deployInstanceCountPerStep: 2, acceptanceMode: 'NONE' });
    expect((await call(h, 'DELETE', '/api/deploys/deploy/v4/request/six')).status).toBe(200);
  });
});

describe('400 names the canary or acceptance field', () => {
  it.each([
    [{ canaryDeploySettings: { acceptanceMode: 'SOMETIMES' } }, 'deploy.canaryDeploySettings.acceptanceMode: Invalid option'],
    [{ canaryDeploySettings: { instanceGroupSize: 0 } }, 'deploy.canaryDeploySettings.instanceGroupSize: Too small'],
    [{ canaryDeploySettings: { acceptanceMode: 'CHECKS' } }, 'deploy.canaryDeploySettings.acceptanceMode: is CHECKS but the deploy has no acceptanceChecks'],
    [{ canaryDeploySettings: { waitMillisBetweenGroups: 1000 } }, 'deploy.canaryDeploySettings.waitMillisBetweenGroups: is only used with acceptanceMode TIMED'],
    [{ canaryDeploySettings: { enableCanaryDeploy: true }, deployInstanceCountPerStep: 2 }, 'deploy.deployInstanceCountPerStep: cannot be combined with canaryDeploySettings'],
    [{ acceptanceChecks: [{ type: 'SMOKE' }] }, 'deploy.acceptanceChecks[0].type'],
    [{ acceptanceChecks: [{ type: 'HTTP', url: 'ftp://x' }] }, 'deploy.acceptanceChecks[0].url: must be an http:// or https:// URL'],
    [{ acceptanceChecks: [{ type: 'PROMETHEUS', query: 'up', threshold: 1, comparison: '==' }] }, 'deploy.acceptanceChecks[0].comparison: Invalid option'],
    [{ acceptanceChecks: [{ type: 'PROMETHEUS', query: 'up', comparison: '<' }] }, 'deploy.acceptanceChecks[0].threshold'],
  ])('%j → 400 "%s"', async (extra, message) => {
    const res = await call(h, 'POST', '/api/deploys', { deploy: demoDeploy('six', 'vbad', extra) });
    expect(res.status).toBe(400);
    expect(obj(res.json).message).toContain(message);
  });

  it('the OpenAPI document lists the new fields', async () => {
    const doc = JSON.stringify((await call(h, 'GET', '/api/openapi.json')).json);
    expect(doc).toContain('canaryDeploySettings');
    expect(doc).toContain('acceptanceChecks');
    expect(doc).toContain('allowedTasksFailuresPerGroup');
  });
});
