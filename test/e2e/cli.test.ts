import { execFile, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { built, freePort, REPO_ROOT, spawnBuilt, stopProcess, until } from '../support/kit';

/**
 * The deploy CLI against the whole local stack (what `npm start` runs): griddle-mesos-local
 * with 3 agents running the real executor and Docker, and griddle-scheduler, each on ports of
 * its own, driven through the `griddle` binary.
 */
const exec = promisify(execFile);
const SPECS = path.join(REPO_ROOT, 'deploy-specs');
const STEP_TIMEOUT = 300_000;

interface Run { code: number; stdout: string; stderr: string }

describe('griddle on the local stack', () => {
  let master: ChildProcess | undefined;
  let scheduler: ChildProcess | undefined;
  let workDir: string;
  let api: string;
  const seenTasks = new Set<string>();

  const griddle = async (args: string[], specs = SPECS): Promise<Run> => {
    try {
      const { stdout, stderr } = await exec(process.execPath, [built('cli/main.js'), ...args], {
        env: { ...process.env, GRIDDLE_URL: api, GRIDDLE_CONFIG_REPOSITORY: specs }, maxBuffer: 16 * 1024 * 1024, timeout: STEP_TIMEOUT,
      });
      return { code: 0, stdout, stderr };
    } catch (e) {
      const err = e as { code?: number; stdout?: string; stderr?: string };
      return { code: typeof err.code === 'number' ? err.code : -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
    }
  };
  const getJson = async (p: string): Promise<unknown> => (await fetch(`${api}/api${p}`)).json();
  interface Status { activeDeployId: string | null; tasks: { taskId: string; deployId: string; state: string; healthy?: boolean }[] }
  const status = async (): Promise<Status> => {
    const run = await griddle(['status', 'demo-http', '-e', 'dev', '--json']);
    expect(run.code).toBe(0);
    const parsed = JSON.parse(run.stdout) as Status;
    for (const t of parsed.tasks) seenTasks.add(t.taskId);
    return parsed;
  };
  const activeImage = async (): Promise<string | undefined> => {
    const parent = (await getJson('/requests/request/dev_demo_http')) as { activeDeploy?: { containerInfo?: { docker?: { image?: string } } } };
    return parent.activeDeploy?.containerInfo?.docker?.image;
  };

  beforeAll(async () => {
    workDir = await mkdtemp(path.join(os.tmpdir(), 'griddle-cli-e2e-'));
    let masterUrl: string | undefined;
    master = spawnBuilt('mesos-local/main.js', ['--port', '0', '--agents', '3', '--containerizer', 'process', '--work-dir', path.join(workDir, 'mesos')], {
      onLine: (line) => { masterUrl ??= /"masterUrl":"([^"]+)"/.exec(line)?.[1]; },
    });
    const url = await until(() => masterUrl, 'mesos-local start', 60_000, { intervalMs: 250 });
    const [port, discoveryPort, grpcPort] = [await freePort(), await freePort(), await freePort()];
    api = `http://127.0.0.1:${port}`;
    scheduler = spawnBuilt('scheduler/main.js', ['--master', url, '--state-dir', path.join(workDir, 'state'),
      '--port', String(port), '--discovery-port', String(discoveryPort), '--grpc-port', String(grpcPort)]);
    await until(async () => (await fetch(`${api}/healthz`)).ok, 'scheduler /healthz', 60_000, { intervalMs: 250, retryErrors: true });
  }, 180_000);

  afterAll(async () => {
    await stopProcess(scheduler);
    await stopProcess(master);
    // Nothing of ours may outlive the test, even if an executor was killed mid-way.
    for (const taskId of seenTasks) {
      const { stdout } = await exec('docker', ['ps', '-aq', '--filter', `label=griddle.task_id=${taskId}`]).catch(() => ({ stdout: '' }));
      const ids = stdout.split('\n').filter(Boolean);
      if (ids.length) await exec('docker', ['rm', '-f', ...ids]).catch(() => undefined);
    }
    await rm(workDir, { recursive: true, force: true });
  }, 120_000);

  it('release demo-http -e dev -t 1 exits 0 with 3 healthy tasks, and status --json parses', async () => {
    const run = await griddle(['release', 'demo-http', '-e', 'dev', '-t', '1']);
    expect(run.stdout + run.stderr).toMatch(/release 1_[0-9a-f]{7} succeeded/);
    expect(run.code).toBe(0);
    const s = await status();
    const running = s.tasks.filter((t) => t.deployId === s.activeDeployId && t.state === 'TASK_RUNNING' && t.healthy === true);
    expect(running).toHaveLength(3);
    expect(await activeImage()).toBe('griddle/demo-http:1');
  }, STEP_TIMEOUT);

  it('release --dry-run changes nothing', async () => {
    const snapshot = async (): Promise<string> => JSON.stringify([
      await getJson('/requests/request/dev_demo_http'),
      ((await getJson('/tasks/active')) as { taskId: { id: string } }[]).map((t) => t.taskId.id).sort(),
      ((await getJson('/history/request/dev_demo_http/deploys')) as unknown[]).length,
    ]);
    const before = await snapshot();
    const run = await griddle(['release', 'demo-http', '-e', 'dev', '-t', '2', '--dry-run']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('~ containerInfo.docker.image: "griddle/demo-http:1" → "griddle/demo-http:2"');
    expect(await snapshot()).toBe(before);
  }, STEP_TIMEOUT);

  it('a release whose health check fails exits 1, prints the sandbox tail, and deploy 1 keeps running', async () => {
    const specs = await mkdtemp(path.join(os.tmpdir(), 'griddle-cli-e2e-specs-'));
    try {
      const spec = (await readFile(path.join(SPECS, 'demo-http.yml'), 'utf8'))
        .replace('healthcheckUri: /health', 'healthcheckUri: /no-such-page')
        .replace('deployHealthTimeoutSeconds: 60', 'deployHealthTimeoutSeconds: 30');
      await writeFile(path.join(specs, 'demo-http.yml'), spec);
      const run = await griddle(['release', 'demo-http', '-e', 'dev', '-t', '2'], specs);
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/release 2_[0-9a-f]{7} (FAILED|OVERDUE)/);
      expect(run.stdout).toMatch(/--- stdout of \S+ \(last lines[^)]*\) ---\n[\s\S]*demo-http 2 listening on 8080/);
      expect(run.stdout).toMatch(/--- stderr of /);
    } finally {
      await rm(specs, { recursive: true, force: true });
    }
    expect(await activeImage()).toBe('griddle/demo-http:1');
    // Deploy 1 stays at full strength; on a loaded machine one of its tasks may be in the middle
    // of being replaced (a health check timed out) when the CLI exits, so wait for the count.
    let running = 0;
    await until(async () => {
      const s = await status();
      running = s.tasks.filter((t) => t.deployId === s.activeDeployId && t.state === 'TASK_RUNNING').length;
      return running === 3;
    }, () => `3 running tasks of deploy 1 (have ${running})`, 60_000, { intervalMs: 500 });
    expect(await activeImage()).toBe('griddle/demo-http:1');
  }, STEP_TIMEOUT);

  it('rollback brings the previous deploy back', async () => {
    expect((await griddle(['release', 'demo-http', '-e', 'dev', '-t', '2'])).code).toBe(0);
    expect(await activeImage()).toBe('griddle/demo-http:2');
    await status();
    const run = await griddle(['rollback', 'demo-http', '-e', 'dev']);
    expect(run.stdout + run.stderr).toMatch(/rollback \S+ succeeded/);
    expect(run.code).toBe(0);
    expect(await activeImage()).toBe('griddle/demo-http:1');
    const s = await status();
    const healthy = s.tasks.filter((t) => t.deployId === s.activeDeployId && t.state === 'TASK_RUNNING' && t.healthy === true);
    expect(healthy).toHaveLength(3);
  }, STEP_TIMEOUT);
});
