import path from 'node:path';
import { convert } from '../../../cli/convert/to-singularity';
import { loadSpec } from '../../../cli/spec/spec-loader';
import { startHarness, type Harness } from '../../support/api-harness';
import { REPO_ROOT } from '../../support/repo-root';
import { runGriddle } from '../../support/run-griddle';

/**
 * `nmesos` (Griddle's drop-in) against the real API router and deploy engine with simulated
 * tasks, on the project's Nmesos-format fixtures: defaults, after_deploy chains (order, cycle,
 * failure path), deploy_freeze, @deprecated-on on a fake clock, service paths.
 */
const SPECS = path.join(REPO_ROOT, 'test', 'fixtures', 'nmesos-specs');
const deployIdOf = (service: string, tag: string): string => convert(loadSpec(service, 'dev', { repository: SPECS }), tag).deploy.id;

describe('nmesos against the real API router', () => {
  let h: Harness;
  let env: NodeJS.ProcessEnv;
  const nmesos = (line: string, now?: () => number) => runGriddle(line.split(' '), env, { entry: 'nmesos', now });
  const activeImage = (requestId: string): string | undefined => {
    const active = h.scheduler.requests.get(requestId)?.activeDeployId;
    return active ? h.scheduler.deploys.get(`${requestId}/${active}`)?.deploy.containerInfo?.docker?.image : undefined;
  };

  beforeEach(async () => {
    h = await startHarness();
    env = { GRIDDLE_URL: h.url, NMESOS_CONFIG_REPOSITORY: SPECS };
  });
  afterEach(() => h.close());

  it('version, and release is a dry run unless --dry-run false', async () => {
    expect((await nmesos('version')).stdout).toMatch(/^Version: \S+/);
    const dry = await nmesos('release chain-b -e dev -t 1');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('dry run, nothing changes');
    expect(h.scheduler.requests.size).toBe(0);
    const real = await nmesos('release chain-b -e dev -t 1 --dry-run false');
    expect(real.stderr).not.toContain('error');
    expect(real.code).toBe(0);
    expect(activeImage('dev_chain_b')).toBe('griddle/chain-b:1');
    // Nmesos's deploy request: a paused request comes back once the deploy succeeds.
    expect(h.scheduler.deploys.get(`dev_chain_b/${deployIdOf('chain-b', '1')}`)?.unpauseOnSuccessfulDeploy).toBe(true);
  });

  it('griddle release takes Nmesos\'s --environment and --dry-run <bool>', async () => {
    const run = await runGriddle(['release', 'chain-c', '--environment', 'dev', '-t', '2', '--dry-run', 'false'], env);
    expect(run.code).toBe(0);
    expect(activeImage('dev_chain_c')).toBe('griddle/chain-c:2');
  });

  it('runs the on_success chain breadth-first, forced, with each job\'s tag or the release\'s', async () => {
    const run = await nmesos('release chain-root -e dev -t 3 -n false');
    expect(run.stderr).not.toContain('error');
    expect(run.code).toBe(0);
    const order = [...run.stdout.matchAll(/^\[(\d)\/4\] (\S+)/gm)].map((m) => m[2]);
    expect(order).toEqual(['chain-root:3', 'chain-a:3', 'chain-b:7', 'chain-c:3']);
    expect(activeImage('dev_chain_b')).toBe('griddle/chain-b:7');
    expect(activeImage('dev_chain_c')).toBe('griddle/chain-c:3');
    expect(run.stdout).toMatch(/after_deploy report:\n(.*succeeded\n){4}/);
    // Again: the chained jobs are forced (new deploy ids); the first one is already active.
    const again = await nmesos('release chain-root -e dev -t 3 -n false');
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/release\s+chain-root:3\s+\S+\s+already-active/);
    expect(h.scheduler.requests.get('dev_chain_a')?.activeDeployId).not.toBe(deployIdOf('chain-a', '3'));
  });

  it('a dry run plans the whole chain and changes nothing', async () => {
    const run = await nmesos('release chain-root -e dev -t 3');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('after_deploy chain in dev: chain-root:3 → chain-a:3 → chain-b:7 → chain-c:3 — dry run');
    expect(h.scheduler.requests.size).toBe(0);
  });

  it('refuses a cycle before deploying anything', async () => {
    const run = await nmesos('release chain-cycle-0 -e dev -t 1 --dry-run false');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('chain-cycle-0 appears more than once in the chain (chain-cycle-0 → chain-cycle-1 → chain-cycle-0)');
    expect(h.scheduler.requests.size).toBe(0);
  });

  it('a failed release stops the chain and runs on_failure; exit 1 with a report', async () => {
    h.sim.behaviour.set(deployIdOf('chain-fails', '1'), 'fail-health');
    const run = await nmesos('release chain-fails -e dev -t 1 --dry-run false');
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/✘ release\s+chain-fails:1\s+\S+\s+failed/);
    expect(run.stdout).toMatch(/- on_success\s+chain-b:1\s+not run/);
    expect(run.stdout).toMatch(/✔ on_failure\s+chain-rescue:stable\s+\S+\s+succeeded/);
    expect(h.scheduler.requests.has('dev_chain_b')).toBe(false);
    expect(activeImage('dev_chain_rescue')).toBe('griddle/chain-rescue:stable');
  });

  it('deploy_freeze stops release (dry run too), check and scale', async () => {
    for (const line of ['release frozen -e dev -t 1', 'release frozen -e dev -t 1 -n false', 'check frozen -e dev', 'scale frozen -e dev']) {
      const run = await nmesos(line);
      expect([line, run.code]).toEqual([line, 2]);
      expect(run.stderr).toContain('is frozen (container.deploy_freeze');
    }
  });

  it('@deprecated-on: warnings after the soft grace period, refusal after the hard one (-S/-H)', async () => {
    const march20 = () => Date.UTC(2024, 2, 20);
    const refused = await nmesos('check deprecated -e dev', march20);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/deprecated\.yml:9: env var OLD_FLAG was deprecated 19 day\(s\) ago/);
    expect(refused.stderr).toMatch(/deprecated\.yml:10: OLDER_FLAG was deprecated 79 day\(s\) ago, past the hard grace period of 28/);
    const allowed = await nmesos('check deprecated -e dev -H 100', march20);
    expect(allowed.code).toBe(0);
    expect(allowed.stderr).toMatch(/OLDER_FLAG was deprecated 79 day\(s\) ago; releases stop at 100/);
    const quiet = await nmesos('check deprecated -e dev -S 100 -H 200', march20);
    expect(quiet.stderr).not.toContain('deprecated');
  });

  it('a service given as a path releases the request named by its last segment', async () => {
    const run = await nmesos('release team/pathsvc -e dev -t 1 -n false');
    expect(run.code).toBe(0);
    expect(activeImage('dev_pathsvc')).toBe('griddle/demo-http:1');
  });

  it('scale sets the spec\'s instance count (a dry run unless -n false)', async () => {
    expect((await nmesos('release full -e dev -t 1 -n false')).code).toBe(0);
    await runGriddle(['scale', 'full', '-e', 'dev', '-n', '1'], env);
    const dry = await nmesos('scale full -e dev');
    expect(dry.stdout).toContain('would scale from 1 to 2 instance(s)');
    expect(h.scheduler.requests.get('dev_full')?.request.instances).toBe(1);
    expect((await nmesos('scale full -e dev --dry-run false')).code).toBe(0);
    expect(h.scheduler.requests.get('dev_full')?.request.instances).toBe(2);
  });
});
