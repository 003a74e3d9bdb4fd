import path from 'node:path';
import { convert } from '../../../cli/convert/to-singularity';
import { loadSpec } from '../../../cli/spec/spec-loader';
import { startHarness, type Harness } from '../../support/api-harness';
import { REPO_ROOT } from '../../support/repo-root';
import { runGriddle } from '../../support/run-griddle';

/**
 * The CLI against Griddle's real REST router and deploy engine (the API's own test harness: a
 * Scheduler whose tasks are simulated), so the CLI's reading of answers, events and deploy
 * results is checked against the API's code, not only against the stand-in.
 */
const SPECS = path.join(REPO_ROOT, 'deploy-specs');
const deployIdOf = (tag: string): string => convert(loadSpec('demo-http', 'dev', { repository: SPECS }), tag).deploy.id;

describe('griddle against the real API router', () => {
  let h: Harness;
  let env: NodeJS.ProcessEnv;
  const griddle = (...args: string[]) => runGriddle(args, env);
  const parentOf = () => h.scheduler.requests.get('dev_demo_http');
  const activeImage = () => {
    const active = parentOf()?.activeDeployId;
    return active ? h.scheduler.deploys.get(`dev_demo_http/${active}`)?.deploy.containerInfo?.docker?.image : undefined;
  };

  beforeEach(async () => {
    h = await startHarness();
    env = { GRIDDLE_URL: h.url, GRIDDLE_CONFIG_REPOSITORY: SPECS };
  });
  afterEach(() => h.close());

  it('release follows the deploy to SUCCEEDED with 3 healthy tasks; status --json agrees', async () => {
    const run = await griddle('release', 'demo-http', '-e', 'dev', '-t', '1');
    expect(run.stderr).not.toContain('error');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`release ${deployIdOf('1')} succeeded`);
    expect(run.stdout).toContain('(3 task(s) running)');
    const status = JSON.parse((await griddle('status', 'demo-http', '-e', 'dev', '--json')).stdout) as { activeDeployId: string; tasks: { deployId: string; state: string; healthy: boolean }[] };
    expect(status.activeDeployId).toBe(deployIdOf('1'));
    expect(status.tasks.filter((t) => t.state === 'TASK_RUNNING' && t.healthy)).toHaveLength(3);
  });

  it('a failing health check exits 1 with the reason, and the previous deploy stays', async () => {
    expect((await griddle('release', 'demo-http', '-e', 'dev', '-t', '1')).code).toBe(0);
    h.sim.behaviour.set(deployIdOf('2'), 'fail-health');
    const run = await griddle('release', 'demo-http', '-e', 'dev', '-t', '2');
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(new RegExp(`release ${deployIdOf('2')} FAILED`));
    expect(run.stdout).toContain('TASK_FAILED_HEALTH_CHECKS');
    expect(run.stdout).toMatch(/--- stdout of dev_demo_http-/);
    expect(activeImage()).toBe('griddle/demo-http:1');
  });

  it('rollback brings the previous deploy back', async () => {
    expect((await griddle('release', 'demo-http', '-e', 'dev', '-t', '1')).code).toBe(0);
    expect((await griddle('release', 'demo-http', '-e', 'dev', '-t', '2')).code).toBe(0);
    expect(activeImage()).toBe('griddle/demo-http:2');
    const run = await griddle('rollback', 'demo-http', '-e', 'dev');
    expect(run.stderr).not.toContain('error');
    expect(run.code).toBe(0);
    expect(activeImage()).toBe('griddle/demo-http:1');
  });

  it('--dry-run shows only the image change and changes nothing', async () => {
    expect((await griddle('release', 'demo-http', '-e', 'dev', '-t', '1')).code).toBe(0);
    const snapshot = () => JSON.stringify([[...h.scheduler.requests], [...h.scheduler.deploys.keys()], [...h.scheduler.tasks.keys()]]);
    const before = snapshot();
    const run = await griddle('release', 'demo-http', '-e', 'dev', '-t', '2', '--dry-run');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/request dev_demo_http:\s*no changes/);
    expect(run.stdout).toMatch(/deploy \(against active deploy \w+\):\n {2}~ containerInfo\.docker\.image: "griddle\/demo-http:1" → "griddle\/demo-http:2"\n*$/);
    expect(snapshot()).toBe(before);
  });

  it('history, scale and the Singularity base path work', async () => {
    expect((await griddle('release', 'demo-http', '-e', 'dev', '-t', '1')).code).toBe(0);
    const scaled = await runGriddle(['scale', 'demo-http', '-e', 'dev', '-n', '4'], { ...env, GRIDDLE_URL: `${h.url}/singularity` });
    expect(scaled.stderr).not.toContain('error');
    expect(scaled.code).toBe(0);
    expect(scaled.stdout).toContain('4/4 healthy');
    const history = await griddle('history', 'demo-http', '-e', 'dev');
    expect(history.stdout).toMatch(new RegExp(`${deployIdOf('1')}\\s+.*griddle/demo-http:1\\s+SUCCEEDED`));
  });
});
