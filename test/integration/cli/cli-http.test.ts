import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../../support/repo-root';
import { NMESOS_EXAMPLES, runGriddle } from '../../support/run-griddle';
import { built, until } from '../../support/kit';
import { startStandIn, type StandIn } from '../../support/singularity-stand-in';

const SPECS = path.join(REPO_ROOT, 'deploy-specs');
const MUTATING = /^(POST|PUT|DELETE) /;

describe('griddle against a REST stand-in', () => {
  let api: StandIn;
  let env: NodeJS.ProcessEnv;
  const griddle = (...args: string[]) => runGriddle(args, env);

  beforeEach(async () => {
    api = await startStandIn({ tickMs: 10 });
    env = { GRIDDLE_URL: api.url, GRIDDLE_CONFIG_REPOSITORY: SPECS };
  });
  afterEach(() => api.close());

  const activeDeploy = (requestId: string) => {
    const r = api.requests.get(requestId);
    return r?.activeDeployId ? api.deploys.get(`${requestId}/${r.activeDeployId}`)?.deploy : undefined;
  };

  it('release creates the request, deploys, follows it and exits 0 with 3 healthy tasks', async () => {
    const run = await griddle('release', 'demo-http', '-e', 'dev', '-t', '1');
    expect(run.stderr).not.toMatch(/error/);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/release 1_[0-9a-f]{7} succeeded/);
    expect(api.requests.get('dev_demo_http')?.request).toMatchObject({ requestType: 'SERVICE', instances: 3 });
    const tasks = [...api.tasks.values()];
    expect(tasks).toHaveLength(3);
    expect(tasks.every((t) => t.state === 'TASK_RUNNING' && t.healthy)).toBe(true);
    expect(activeDeploy('dev_demo_http')?.containerInfo?.docker?.image).toBe('griddle/demo-http:1');
    // Not a TTY: progress lines are plain (no spinner, no escape codes) and name the step and health.
    expect(run.stderr).toMatch(/deploy 1_[0-9a-f]{7}: step 1\/1, \d\/3 healthy \(\d+s\)/);
    expect(run.stdout + run.stderr).not.toContain('\u001b[');
  });

  it('a release of the active deploy does nothing; --force deploys it again under a suffixed id', async () => {
    expect((await griddle('release', 'demo-http', '-e', 'dev', '-t', '1')).code).toBe(0);
    const first = api.requests.get('dev_demo_http')?.activeDeployId ?? '';
    const again = await griddle('release', 'demo-http', '-e', 'dev', '-t', '1');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('already the active deploy');
    expect(api.deploys.size).toBe(1);
    const forced = await griddle('release', 'demo-http', '-e', 'dev', '-t', '1', '--force');
    expect(forced.code).toBe(0);
    const second = api.requests.get('dev_demo_http')?.activeDeployId ?? '';
    expect(second).toMatch(new RegExp(`^${first}_\\d+$`));
    expect(second.length).toBeLessThanOrEqual(50);
  });

  it('a failing release exits 1, prints the reasons and the sandbox tail, and the old deploy stays', async () => {
    expect((await griddle('release', 'demo-http', '-e', 'dev', '-t', '1')).code).toBe(0);
    api.failingTags.add('2');
    const run = await griddle('release', 'demo-http', '-e', 'dev', '-t', '2');
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('FAILED');
    expect(run.stdout).toContain('TASK_FAILED_HEALTH_CHECKS');
    expect(run.stdout).toMatch(/--- stdout of .* ---\nbooting\nlistening on 8080/);
    expect(run.stdout).toMatch(/--- stderr of .* ---\nGET \/health: 500 database unreachable/);
    expect(activeDeploy('dev_demo_http')?.containerInfo?.docker?.image).toBe('griddle/demo-http:1');
  });

  it('shows the sandbox as read while the task was unhealthy when the agent dropped it since', async () => {
    const forgetful = await startStandIn({ tickMs: 10, dropFinishedSandboxes: true });
    try {
      forgetful.failingTags.add('2');
      const run = await runGriddle(['release', 'demo-http', '-e', 'dev', '-t', '2'], { ...env, GRIDDLE_URL: forgetful.url });
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/--- stderr of \S+ \(last lines, as read while it was unhealthy\) ---\nGET \/health: 500 database unreachable/);
    } finally {
      await forgetful.close();
    }
  });

  it('--json gives one parsable document, also for a failure', async () => {
    api.failingTags.add('3');
    const run = await griddle('release', 'demo-http', '-e', 'dev', '-t', '3', '--json');
    expect(run.code).toBe(1);
    const doc = JSON.parse(run.stdout) as { succeeded: boolean; result: { deployState: string }; logs: { stderr: string[] } };
    expect(doc.succeeded).toBe(false);
    expect(doc.result.deployState).toBe('FAILED');
    expect(doc.logs.stderr).toEqual(['GET /health: 500 database unreachable']);
    expect(run.stderr).toBe('');
  });

  it('rollback redeploys the previous deploy and follows it', async () => {
    expect((await griddle('release', 'demo-http', '-e', 'dev', '-t', '1')).code).toBe(0);
    expect((await griddle('release', 'demo-http', '-e', 'dev', '-t', '2')).code).toBe(0);
    expect(activeDeploy('dev_demo_http')?.containerInfo?.docker?.image).toBe('griddle/demo-http:2');
    const run = await griddle('rollback', 'demo-http', '-e', 'dev');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/rollback .* succeeded/);
    expect(activeDeploy('dev_demo_http')?.containerInfo?.docker?.image).toBe('griddle/demo-http:1');
    expect([...api.tasks.values()].every((t) => t.deployId === api.requests.get('dev_demo_http')?.activeDeployId)).toBe(true);
  });

  it('release --dry-run shows a readable diff and changes nothing', async () => {
    expect((await griddle('release', 'demo-http', '-e', 'dev', '-t', '1')).code).toBe(0);
    const before = JSON.stringify({ r: [...api.requests], d: [...api.deploys], t: [...api.tasks] });
    const callsBefore = api.calls.length;
    const run = await griddle('release', 'demo-http', '-e', 'dev', '-t', '2', '--dry-run');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('dry run, nothing changes');
    expect(run.stdout).toContain('~ containerInfo.docker.image: "griddle/demo-http:1" → "griddle/demo-http:2"');
    expect(run.stdout).toMatch(/request dev_demo_http:\s*no changes/);
    expect(api.calls.slice(callsBefore).filter((c) => MUTATING.test(c))).toEqual([]);
    expect(JSON.stringify({ r: [...api.requests], d: [...api.deploys], t: [...api.tasks] })).toBe(before);
  });

  it('check validates and shows what changed in the spec against the live tag', async () => {
    expect((await griddle('release', 'catalog', '-e', 'dev', '-t', '7')).code).toBe(0);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'griddle-specs-'));
    try {
      const { readFile } = await import('node:fs/promises');
      const spec = (await readFile(path.join(SPECS, 'catalog.yml'), 'utf8')).replace('instances: 1', 'instances: 2');
      await writeFile(path.join(dir, 'catalog.yml'), spec);
      const run = await runGriddle(['check', 'catalog', '-e', 'dev'], { ...env, GRIDDLE_CONFIG_REPOSITORY: dir });
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('environment dev is valid');
      expect(run.stdout).toContain('A release of tag 7 would change');
      expect(run.stdout).toContain('~ instances: 1 → 2');
      expect(run.stdout).toMatch(/deploy \(against active deploy 7_[0-9a-f]{7}\):\s*no changes/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('status prints a table and --json parses', async () => {
    expect((await griddle('release', 'demo-http', '-e', 'dev', '-t', '1')).code).toBe(0);
    const table = await griddle('status', 'demo-http', '-e', 'dev');
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/TASK\s+HOST\s+PORTS\s+STATE\s+HEALTH\s+AGE/);
    expect(table.stdout.match(/RUNNING\s+healthy/g)).toHaveLength(3);
    const json = await griddle('status', 'demo-http', '-e', 'dev', '--json');
    const doc = JSON.parse(json.stdout) as { tasks: { host: string; state: string; healthy: boolean; ports: number[] }[]; activeDeployId: string };
    expect(doc.tasks).toHaveLength(3);
    expect(doc.tasks[0]).toMatchObject({ host: '127.0.0.1', state: 'TASK_RUNNING', healthy: true });
    expect(doc.tasks[0].ports).toHaveLength(1);
  });

  it('status --watch streams task changes until stopped', async () => {
    expect((await griddle('release', 'demo-http', '-e', 'dev', '-t', '1')).code).toBe(0);
    const stop = new AbortController();
    let seen = '';
    const watching = runGriddle(['status', 'demo-http', '-e', 'dev', '--watch', '--json'], env, { signal: stop.signal, onStdout: (s) => { seen = s; } });
    await until(() => seen.includes('"tasks"'), 'the first snapshot');
    const scaled = await griddle('scale', 'demo-http', '-e', 'dev', '-n', '4');
    expect(scaled.code).toBe(0);
    await until(() => seen.includes('"change"'), 'a change line');
    stop.abort();
    const run = await watching;
    expect(run.code).toBe(0);
    const [snapshot, ...changes] = run.stdout.split(/\n(?=[{])/).map((s) => JSON.parse(s) as { change?: string; tasks?: unknown[] });
    expect(snapshot.tasks).toHaveLength(3);
    expect(changes.map((c) => c.change)).toEqual(['added']);
  });

  it('scale sets the instance count and waits for the tasks', async () => {
    expect((await griddle('release', 'worker', '-e', 'dev', '-t', 'latest')).code).toBe(0);
    const run = await griddle('scale', 'worker', '-e', 'dev', '-n', '5');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('5/5 running');
    expect(api.requests.get('dev_worker')?.request.instances).toBe(5);
  });

  it('history lists deploys with their results, newest first', async () => {
    expect((await griddle('release', 'demo-http', '-e', 'dev', '-t', '1')).code).toBe(0);
    api.failingTags.add('2');
    expect((await griddle('release', 'demo-http', '-e', 'dev', '-t', '2')).code).toBe(1);
    const run = await griddle('history', 'demo-http', '-e', 'dev');
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^DEPLOY\s+WHEN \(UTC\)\s+IMAGE\s+RESULT\s+DETAILS$/);
    expect(lines[1]).toMatch(/^2_\w+\s+.*griddle\/demo-http:2\s+FAILED\s+Task failed its health checks; TASK_FAILED_HEALTH_CHECKS$/);
    expect(lines[2]).toMatch(/^1_\w+\s+.*griddle\/demo-http:1\s+SUCCEEDED/);
  });

  it('logs prints the newest task\'s sandbox stdout', async () => {
    expect((await griddle('release', 'demo-http', '-e', 'dev', '-t', '1')).code).toBe(0);
    const run = await griddle('logs', 'demo-http', '-e', 'dev');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('started 1\n');
    expect(run.stderr).toMatch(/==> stdout of dev_demo_http-1_\w+-\d+-\d-127\.0\.0\.1-DEFAULT <==/);
  });

  it('logs --follow prints what is appended until stopped', async () => {
    expect((await griddle('release', 'demo-http', '-e', 'dev', '-t', '1')).code).toBe(0);
    const [taskId] = [...api.tasks.keys()];
    const stop = new AbortController();
    let seen = '';
    const following = runGriddle(['logs', 'demo-http', '-e', 'dev', '--task', taskId, '--follow'], env, { signal: stop.signal, onStdout: (s) => { seen = s; } });
    await until(() => seen.includes('started 1'), 'the first output');
    const files = api.sandbox.get(taskId);
    if (files) files.stdout += 'more output\n';
    await until(() => seen.includes('more output'), 'the appended output');
    stop.abort();
    const run = await following;
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('started 1\nmore output\n');
  });

  it('an after_deploy job without a spec stops the release before anything is deployed', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'griddle-specs-'));
    try {
      await writeFile(path.join(dir, 'svc.yml'), 'common:\n  resources: { cpus: 1, memoryMb: 32 }\n  container: { image: x }\n  after_deploy:\n    on_success: [{ service_name: other, tag: "2" }]\nenvironments:\n  dev: {}\n');
      expect((await runGriddle(['check', 'svc', '-e', 'dev', '--offline'], { ...env, GRIDDLE_CONFIG_REPOSITORY: dir })).code).toBe(0);
      const run = await runGriddle(['release', 'svc', '-e', 'dev', '-t', '1'], { ...env, GRIDDLE_CONFIG_REPOSITORY: dir });
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/no spec for service 'other'/);
      expect(run.stdout).not.toContain('Releasing');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('check --offline validates without calling the API', async () => {
    const run = await runGriddle(['check', 'catalog', '-e', 'prod', '--offline'], { ...env, GRIDDLE_URL: 'http://127.0.0.1:1' });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('environment prod is valid');
    expect(run.stdout).toContain('+ requiredAgentAttributes.rack: "r1"');
    expect(api.calls).toEqual([]);
  });

  it('logs shows the end of a long sandbox file, read forward in pieces', async () => {
    expect((await griddle('release', 'demo-http', '-e', 'dev', '-t', '1')).code).toBe(0);
    const [taskId] = [...api.tasks.keys()];
    const lines = Array.from({ length: 20_000 }, (_, i) => `line ${i}`);
    api.sandbox.set(taskId, { stdout: `${lines.join('\n')}\n`, stderr: '' });
    const run = await griddle('logs', 'demo-http', '-e', 'dev', '--task', taskId);
    expect(run.code).toBe(0);
    expect(run.stdout.endsWith('line 19999\n')).toBe(true);
    expect(run.stdout).not.toContain('line 0\n');
    expect(Buffer.byteLength(run.stdout)).toBeLessThanOrEqual(65_536);
  });

  it('sends the scheduled job as a SCHEDULED request and the vault secret untouched', async () => {
    expect((await griddle('release', 'nightly-report', '-e', 'dev', '-t', 'latest')).code).toBe(0);
    expect(api.requests.get('dev_nightly_report')?.request).toMatchObject({ requestType: 'SCHEDULED', schedule: '*/10 * * * *' });
    expect((await griddle('release', 'payments', '-e', 'prod', '-t', '1', '--url', api.url)).code).toBe(0);
    expect(activeDeploy('prod_payments')?.env).toEqual({ DB_USER: 'payments', DB_PASSWORD: 'vault://secret/data/payments/db-prod?key=password' });
    expect(activeDeploy('prod_payments')?.executorData).toEqual({ env: { EXECUTOR_VAULT_ALLOWED_PATHS: 'secret/data/payments/' } });
  });

  describe('exit codes', () => {
    it.each<[string, string[], number, RegExp]>([
      ['a spec error is 2, with file and line', ['release', 'broken', '-e', 'dev', '-t', '1'], 2, /broken\.yml:4:11: `resources.cpus` must be a number, got 'two'/],
      ['an unknown service is 2', ['release', 'nope', '-e', 'dev', '-t', '1'], 2, /no spec for service 'nope'/],
      ['an unknown environment is 2', ['release', 'demo-http', '-e', 'qa', '-t', '1'], 2, /`environments.qa` is not defined \(this file has: dev, prod\)/],
      ['a missing option is 2', ['release', 'demo-http', '-e', 'dev'], 2, /required option '-t, --tag <tag>'/],
      ['an unknown command is 2', ['deploy', 'demo-http'], 2, /unknown command 'deploy'/],
      ['status of a request that does not exist is 2', ['status', 'demo-http', '-e', 'dev'], 2, /no request dev_demo_http/],
    ])('%s', async (_name, args, code, message) => {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'griddle-specs-'));
      try {
        for (const f of readdirSync(SPECS)) await writeFile(path.join(dir, f), await import('node:fs/promises').then((fs) => fs.readFile(path.join(SPECS, f))));
        await writeFile(path.join(dir, 'broken.yml'), "nmesos_version: '0.1.0'\ncommon:\n  resources:\n    cpus: two\n    memoryMb: 64\n  container: { image: x }\nenvironments:\n  dev: {}\n");
        const run = await runGriddle(args, { ...env, GRIDDLE_CONFIG_REPOSITORY: dir });
        expect(run.code).toBe(code);
        expect(run.stderr).toMatch(message);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    it('an unreachable API is 3', async () => {
      const run = await runGriddle(['status', 'demo-http', '-e', 'dev'], { ...env, GRIDDLE_URL: 'http://127.0.0.1:1' });
      expect(run.code).toBe(3);
      expect(run.stderr).toMatch(/cannot reach the Griddle API at http:\/\/127\.0\.0\.1:1\/api/);
    });

    it('a refused token is 3', async () => {
      const secured = await startStandIn({ token: 's3cret' });
      try {
        const refused = await runGriddle(['release', 'demo-http', '-e', 'dev', '-t', '1', '--token', 'wrong'], { ...env, GRIDDLE_URL: secured.url });
        expect(refused.code).toBe(3);
        expect(refused.stderr).toMatch(/answered 401: a valid API token is required \(check --token or GRIDDLE_TOKEN\)/);
        const accepted = await runGriddle(['release', 'demo-http', '-e', 'dev', '-t', '1'], { ...env, GRIDDLE_URL: secured.url, GRIDDLE_TOKEN: 's3cret' });
        expect(accepted.code).toBe(0);
      } finally {
        await secured.close();
      }
    });
  });

  describe("Nmesos's own examples, unchanged", () => {
    const examples = NMESOS_EXAMPLES;
    const files = readdirSync(examples).filter((f) => f.endsWith('.yml')).map((f) => f.replace(/\.yml$/, ''));

    it('are all found', () => {
      expect(files.sort()).toEqual(['example-full-service', 'example-job', 'example-service', 'minimal-service']);
    });

    it.each(files)('%s passes check and release --dry-run against /singularity', async (service) => {
      // Their URLs end in /singularity, Singularity's base path; Griddle serves the API there too.
      const nmesosEnv = { GRIDDLE_CONFIG_REPOSITORY: examples, GRIDDLE_URL: `${api.url}/singularity` };
      const checked = await runGriddle(['check', service, '-e', 'dev'], nmesosEnv);
      expect(checked.stderr).toBe('');
      expect(checked.code).toBe(0);
      const dry = await runGriddle(['release', service, '-e', 'dev', '-t', '1.0', '--dry-run', '--json'], nmesosEnv);
      expect(dry.code).toBe(0);
      const plan = JSON.parse(dry.stdout) as { requestId: string; deploy: { containerInfo: { docker: { image: string } } } };
      expect(plan.requestId).toBe(`dev_${service.replace(/-/g, '_')}`);
      expect(plan.deploy.containerInfo.docker.image).toMatch(/:1\.0$/);
      expect(api.calls.filter((c) => MUTATING.test(c))).toEqual([]);
      expect(api.calls.every((c) => c.startsWith('GET /requests/request/'))).toBe(true);
    });
  });
});

describe('the griddle binary', () => {
  const exec = promisify(execFile);
  const bin = built('cli/main.js');

  it('exits 2 on a spec error and prints --help', async () => {
    const help = await exec('node', [bin, '--help']);
    expect(help.stdout).toMatch(/release \[options\] <service>/);
    const failed = await exec('node', [bin, 'check', 'nope', '-e', 'dev'], { env: { ...process.env, GRIDDLE_CONFIG_REPOSITORY: path.join(REPO_ROOT, 'deploy-specs') } })
      .then(() => ({ code: 0, stderr: '' }), (e: { code: number; stderr: string }) => e);
    expect(failed.code).toBe(2);
    expect(failed.stderr).toContain("no spec for service 'nope'");
  });
});

describe('the nmesos binary', () => {
  const exec = promisify(execFile);
  const bin = built('cli/nmesos.js');

  it('prints its version, and exits 2 with usage on a bad command line', async () => {
    expect((await exec('node', [bin, 'version'])).stdout).toMatch(/^Version: /);
    const failed = await exec('node', [bin, 'release', 'svc', '-e', 'dev'])
      .then(() => ({ code: 0, stderr: '' }), (e: { code: number; stderr: string }) => e);
    expect(failed.code).toBe(2);
    expect(failed.stderr).toContain('Missing option --tag for release');
    expect(failed.stderr).toContain('Usage: nmesos');
  });

  it('runs a dry-run release of an Nmesos example by default', async () => {
    const run = await exec('node', [bin, 'release', 'minimal-service', '-e', 'dev', '-t', '1.0', '--noformat'], {
      env: { ...process.env, NMESOS_CONFIG_REPOSITORY: NMESOS_EXAMPLES, GRIDDLE_URL: 'http://127.0.0.1:1' },
    }).then((r) => ({ code: 0, ...r }), (e: { code: number; stdout: string; stderr: string }) => e);
    // Nothing listens on port 1: the dry run reads the live request first, so it exits 3.
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('cannot reach the Griddle API');
  });
});
