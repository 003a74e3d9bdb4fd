import { MemoryStateStore } from '../../../scheduler/state';
import { arr, call, deployAndWait, obj, serviceRequest, startHarness, tasksOf, type Harness } from '../../support/api-harness';
import { until } from '../../support/kit';

/**
 * Expiring scale, pause, bounce and skip-healthchecks on a fake clock: the harness's `now`
 * is moved by hand and the leader's tick (every 20 ms) reverts what is due.
 */

const clock = { t: 1_000_000 };
const now = (): number => clock.t;
const instancesOf = (h: Harness, id: string): number | undefined => h.scheduler.requests.get(id)?.request.instances;
const parentOf = async (h: Harness, id: string) => obj((await call(h, 'GET', `/api/requests/request/${id}`)).json);

async function harness(store = new MemoryStateStore()): Promise<Harness> {
  return startHarness({ store, now, expiringTickMs: 20 });
}

describe('expiring actions', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness();
    await call(h, 'POST', '/api/requests', serviceRequest('exp', 1));
    expect((await deployAndWait(h, 'exp', 'v1')).deployState).toBe('SUCCEEDED');
  });
  afterAll(() => h.close());

  it('a 60 s scale-up reverts by itself, recorded as SCALE_REVERTED', async () => {
    const res = await call(h, 'PUT', '/api/requests/request/exp/scale', { instances: 3, durationMillis: 60_000, message: 'load test', actionId: 'lt-1' });
    expect(res.status).toBe(200);
    expect(obj(res.json).expiringScale).toMatchObject({ requestId: 'exp', actionId: 'lt-1', startMillis: clock.t, revertToInstances: 1, expiringAPIRequestObject: { instances: 3, durationMillis: 60_000 } });
    await until(() => tasksOf(h, 'exp').length === 3, 'scaled up to 3', 5000);
    clock.t += 60_000; // the boundary itself is covered by the unit tests of the rules
    await until(() => instancesOf(h, 'exp') === 1, 'scaled back to 1', 5000);
    await until(() => tasksOf(h, 'exp').length === 1, 'one task left', 5000);
    expect((await parentOf(h, 'exp')).expiringScale).toBeUndefined();
    const history = arr((await call(h, 'GET', '/api/history/request/exp/requests')).json);
    expect(history[0]).toMatchObject({ eventType: 'SCALE_REVERTED' });
  });

  it('DELETE …/scale cancels the expiry and keeps the scale; 404 when there is none', async () => {
    await call(h, 'PUT', '/api/requests/request/exp/scale', { instances: 2, durationMillis: 1000 });
    const del = await call(h, 'DELETE', '/api/requests/request/exp/scale');
    expect(del.status).toBe(200);
    expect(obj(del.json).expiringScale).toBeUndefined();
    // A pause expiring at the same time marks the tick: once it is reverted, the scale had its chance too.
    await call(h, 'POST', '/api/requests/request/exp/pause', { durationMillis: 1000 });
    clock.t += 5000;
    await until(() => h.scheduler.requests.get('exp')?.state === 'ACTIVE', 'the marker pause reverted', 5000);
    expect(instancesOf(h, 'exp')).toBe(2);
    const again = await call(h, 'DELETE', '/api/requests/request/exp/scale');
    expect(again.status).toBe(404);
    expect(obj(again.json).message).toMatch(/SingularityExpiringScale didn't have an expiring exp request/);
  });

  it('an expiring pause unpauses when it is up', async () => {
    const res = await call(h, 'POST', '/api/requests/request/exp/pause', { durationMillis: 30_000 });
    expect(obj(res.json)).toMatchObject({ state: 'PAUSED', expiringPause: { expiringAPIRequestObject: { durationMillis: 30_000 } } });
    clock.t += 30_000;
    await until(() => h.scheduler.requests.get('exp')?.state === 'ACTIVE', 'unpaused', 5000);
    expect((await parentOf(h, 'exp')).expiringPause).toBeUndefined();
  });

  it('skip-healthchecks with a duration turns health checks back on', async () => {
    const res = await call(h, 'PUT', '/api/requests/request/exp/skip-healthchecks', { skipHealthchecks: true, durationMillis: 10_000 });
    expect(res.status).toBe(200);
    expect(obj(obj(res.json).request).skipHealthchecks).toBe(true);
    expect(obj(res.json).expiringSkipHealthchecks).toMatchObject({ revertToSkipHealthchecks: false });
    clock.t += 10_000;
    await until(() => h.scheduler.requests.get('exp')?.request.skipHealthchecks === false, 'health checks back on', 5000);
  });

  it('an expiring priority goes back to the level before it; DELETE …/priority keeps it', async () => {
    await call(h, 'PUT', '/api/requests/request/exp/priority', { priority: 0.4 });
    const res = await call(h, 'PUT', '/api/requests/request/exp/priority', { priority: 0.9, durationMillis: 5000, message: 'incident' });
    expect(obj(res.json).expiringPriority).toMatchObject({ revertToPriority: 0.4, expiringAPIRequestObject: { priority: 0.9, durationMillis: 5000 } });
    clock.t += 5000;
    await until(() => h.scheduler.requests.get('exp')?.request.taskPriorityLevel === 0.4, 'priority back to 0.4', 5000);
    expect((await parentOf(h, 'exp')).expiringPriority).toBeUndefined();

    await call(h, 'PUT', '/api/requests/request/exp/priority', { priority: 0.7, durationMillis: 5000 });
    expect((await call(h, 'DELETE', '/api/requests/request/exp/priority')).status).toBe(200);
    expect((await call(h, 'DELETE', '/api/requests/request/exp/priority')).status).toBe(404);
    // A pause expiring at the same time marks the tick, as for the canceled scale above.
    await call(h, 'POST', '/api/requests/request/exp/pause', { durationMillis: 1000 });
    clock.t += 5000;
    await until(() => h.scheduler.requests.get('exp')?.state === 'ACTIVE', 'the marker pause reverted', 5000);
    expect(h.scheduler.requests.get('exp')?.request.taskPriorityLevel).toBe(0.7);
  });

  it('a bounce with a duration records it; DELETE makes it permanent', async () => {
    const res = await call(h, 'POST', '/api/requests/request/exp/bounce', { durationMillis: 600_000 });
    expect(res.status).toBe(200);
    expect(obj(res.json).expiringBounce).toMatchObject({ deployId: 'v1', expiringAPIRequestObject: { durationMillis: 600_000 } });
    expect((await call(h, 'DELETE', '/api/requests/request/exp/bounce')).status).toBe(200);
    expect((await parentOf(h, 'exp')).expiringBounce).toBeUndefined();
  });
});

describe('expiring actions across a failover', () => {
  it('a new scheduler on the same store reverts what the old one started', async () => {
    const store = new MemoryStateStore();
    const a = await harness(store);
    await call(a, 'POST', '/api/requests', serviceRequest('exp-fo', 1));
    expect((await deployAndWait(a, 'exp-fo', 'v1')).deployState).toBe('SUCCEEDED');
    await call(a, 'PUT', '/api/requests/request/exp-fo/scale', { instances: 2, durationMillis: 60_000 });
    await a.close();

    const b = await harness(store);
    try {
      await until(async () => obj((await call(b, 'GET', '/api/requests/request/exp-fo')).json).expiringScale !== undefined, 'expiring scale loaded', 5000);
      clock.t += 60_000;
      await until(() => instancesOf(b, 'exp-fo') === 1, 'reverted by the new leader', 5000);
    } finally {
      await b.close();
    }
  });
});
