import pino from 'pino';
import { createDiscovery, type Discovery } from '../../../scheduler/discovery';
import { call, deployAndWait, serviceRequest, startHarness, tasksOf, type Harness } from '../../support/api-harness';
import { runGriddle } from '../../support/run-griddle';
import { until } from '../../support/kit';

/**
 * `griddle verify` (and `nmesos verify --singularity`) against the real API router and the real
 * discovery catalog and Sidecar listener, fed by the scheduler's simulated tasks.
 */
describe('verify', () => {
  let h: Harness;
  let discovery: Discovery;
  let env: NodeJS.ProcessEnv;
  const verify = () => runGriddle(['verify'], env);

  beforeEach(async () => {
    h = await startHarness();
    discovery = await createDiscovery(h.scheduler, { sidecarPort: 0, grpcPort: false, bind: '127.0.0.1', log: pino({ level: 'silent' }) });
    env = { GRIDDLE_URL: h.url, GRIDDLE_DISCOVERY_URL: `http://127.0.0.1:${discovery.sidecarPort}` };
    expect((await call(h, 'POST', '/api/requests', serviceRequest('web', 2))).status).toBe(200);
    expect((await deployAndWait(h, 'web', 'v1')).deployState).toBe('SUCCEEDED');
    await until(() => discovery.catalog.size === 2, 'both tasks in discovery', 5000);
  });
  afterEach(async () => {
    await discovery.close();
    await h.close();
  });

  it('passes on a healthy cluster (griddle verify and nmesos verify)', async () => {
    const run = await verify();
    expect(run.stderr).not.toContain('error');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('✔ verified 1 request(s), 2 active task(s), 2 discovery endpoint(s)');
    const nm = await runGriddle(['verify', '--singularity', `${h.url}/singularity`], env, { entry: 'nmesos' });
    expect(nm.code).toBe(0);
  });

  it('finds a missing instance', async () => {
    h.sim.stop();
    expect((await call(h, 'PUT', '/api/requests/request/web/scale', { instances: 3 })).status).toBe(200);
    const run = await verify();
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/requests short of instances:\n\s+- web: 2\/3 instance\(s\) of deploy v1 running and healthy/);
  });

  it('finds discovery disagreeing with the scheduler', async () => {
    h.sim.stop();
    const [task] = tasksOf(h, 'web', 'v1');
    // The scheduler's view changes without the event discovery follows.
    (h.scheduler.tasks as Map<string, typeof task>).set(task.taskId, { ...task, healthy: false });
    const run = await verify();
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`${task.taskId}: the scheduler says unhealthy, discovery says ALIVE`);
    expect(run.stdout).toContain('web: 1/2 instance(s)');
  });

  it('finds a task unknown to the scheduler, with --json', async () => {
    const [task] = tasksOf(h, 'web', 'v1');
    discovery.catalog.applyTask({ ...task, taskId: 'web-v0-1-0-ghost-DEFAULT', hostname: 'ghost' });
    const run = await runGriddle(['verify', '--json'], env);
    expect(run.code).toBe(1);
    const doc = JSON.parse(run.stdout) as { ok: boolean; findings: { kind: string; taskId: string }[] };
    expect(doc.ok).toBe(false);
    expect(doc.findings).toEqual([expect.objectContaining({ kind: 'unknown-task', taskId: 'web-v0-1-0-ghost-DEFAULT' })]);
  });

  it('exits 3 when discovery cannot be read', async () => {
    const run = await runGriddle(['verify', '--discovery', 'http://127.0.0.1:1'], env);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('cannot read discovery at http://127.0.0.1:1/api/services.json');
  });
});
