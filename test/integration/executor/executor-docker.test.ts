/**
 * griddle-executor against the real Docker engine and the Vault double, driven through a fake
 * of the agent's executor endpoint (mesos-local's agent is covered in executor-mesos-local.test.ts).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { containerName } from '../../../executor/container-spec';
import { FakeExecutorAgent } from '../../support/fake-executor-agent';
import { spawnExecutor, type ExecutorProcess } from '../../support/executor-process';
import { containerExists, dockerTask, removeContainers, uniqueId } from '../../support/executor-tasks';
import { freePort, until } from '../../support/kit';
import { startVaultDevServer, type VaultDevServer } from '../../support/vault-dev-server';

jest.setTimeout(120_000);

const SECRET = `s3cr3t-${uniqueId('v')}`;
const FRAMEWORK = 'griddle-test-fw';
let vault: VaultDevServer;
const cleanups: (() => Promise<void> | void)[] = [];
const containers: string[] = [];

beforeAll(async () => {
  vault = await startVaultDevServer();
  vault.mountKv('secret', 2);
  vault.putSecret('secret/web/db', { password: SECRET });
  vault.putSecret('secret/other/db', { password: 'other' });
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  removeContainers(containers.splice(0));
});
afterAll(() => vault.close());

async function start(taskId: string, opts: { env?: Record<string, string>; checkpoint?: boolean } = {}): Promise<{ agent: FakeExecutorAgent; executor: ExecutorProcess }> {
  const executorId = `${taskId}-executor`;
  const agent = new FakeExecutorAgent({ frameworkId: FRAMEWORK, executorId });
  await agent.start();
  const executor = spawnExecutor({
    endpoint: agent.endpoint, frameworkId: FRAMEWORK, executorId, agentId: agent.agentId, checkpoint: opts.checkpoint,
    env: { VAULT_ADDR: vault.addr, VAULT_TOKEN: vault.createToken(['secret/data/web/*']), EXECUTOR_PULL_ATTEMPTS: '2', EXECUTOR_PULL_RETRY_DELAY: '100ms', ...opts.env },
  });
  containers.push(containerName(taskId));
  cleanups.push(() => agent.stop(), () => executor.stop());
  return { agent, executor };
}

function readSandbox(dir: string): string {
  return fs.readdirSync(dir).map((f) => fs.readFileSync(path.join(dir, f), 'utf8')).join('\n');
}

describe('griddle-executor with Docker', () => {
  it('runs demo-http with two BRIDGE ports, the resolved secret in its env and a healthy HTTP check; the secret leaks nowhere; KILL ends it', async () => {
    const taskId = uniqueId('web');
    const [hostA, hostB] = [await freePort(), await freePort()];
    const { agent, executor } = await start(taskId);
    agent.launch(dockerTask({
      taskId,
      ports: [[8080, hostA], [8081, hostB]],
      env: { DB_PASSWORD: 'vault://secret/web/db?key=password' },
      // The check's port is the container port: reachable only through the container's own network.
      health: { type: 'HTTP', http: { port: 8080, path: '/health' }, delay_seconds: 0, interval_seconds: 1, grace_period_seconds: 10, timeout_seconds: 2 },
    }));
    await agent.waitFor((u) => u.some((s) => s.state === 'TASK_RUNNING' && s.healthy === true), 'healthy TASK_RUNNING');
    expect(agent.updates.map((u) => u.state).slice(0, 2)).toEqual(['TASK_STARTING', 'TASK_RUNNING']);
    for (const u of agent.updates) expect(u.source).toBe('SOURCE_EXECUTOR');
    expect(new Set(agent.updates.map((u) => u.uuid)).size).toBe(agent.updates.length);

    for (const port of [hostA, hostB]) {
      const res = await fetch(`http://127.0.0.1:${port}/version`);
      expect((await res.text()).trim()).toBe('1');
    }
    const env = JSON.parse(execFileSync('docker', ['inspect', '-f', '{{json .Config.Env}}', containerName(taskId)], { encoding: 'utf8' })) as string[];
    expect(env).toEqual(expect.arrayContaining([
      `DB_PASSWORD=${SECRET}`, `MESOS_PORT_8080=${hostA}`, `MESOS_PORT_8081=${hostB}`, `TASK_ID=${taskId}`,
      'SERVICE_NAME=web', 'ENVIRONMENT_NAME=test', 'SERVICE_VERSION=1', 'MESOS_HOSTNAME=127.0.0.1',
    ]));
    const labels = JSON.parse(execFileSync('docker', ['inspect', '-f', '{{json .Config.Labels}}', containerName(taskId)], { encoding: 'utf8' })) as Record<string, string>;
    expect(labels).toMatchObject({ 'griddle.task_id': taskId, 'griddle.request_id': 'test_web', 'griddle.deploy_id': 'd1', 'griddle.executor_id': `${taskId}-executor`, 'griddle.agent_id': agent.agentId });

    agent.kill(taskId);
    await agent.waitForState('TASK_KILLED');
    expect(agent.updates.map((u) => u.state)).toContain('TASK_KILLING');
    expect(await executor.exited).toBe(0);
    expect(containerExists(containerName(taskId))).toBe(false);

    const sandbox = readSandbox(executor.sandbox);
    expect(sandbox).toContain('demo-http 1 listening on 8080 and 8081');
    for (const place of [executor.output(), sandbox, JSON.stringify(agent.updates), Buffer.concat(agent.rawBodies).toString('latin1')]) {
      expect(place).not.toContain(SECRET);
    }
  });

  it('runs in HOST mode with a TCP check on the port the task listens on', async () => {
    const taskId = uniqueId('host');
    const [port, admin] = [await freePort(), await freePort()];
    const { agent } = await start(taskId);
    const task = dockerTask({
      taskId, network: 'HOST', env: { PORT: String(port), ADMIN_PORT: String(admin) },
      health: { type: 'TCP', tcp: { port }, delay_seconds: 0, interval_seconds: 1, timeout_seconds: 2, grace_period_seconds: 10 },
    });
    task.resources!.push({ name: 'ports', type: 'RANGES', ranges: { range: [{ begin: port, end: port }, { begin: admin, end: admin }] } });
    agent.launch(task);
    await agent.waitFor((u) => u.some((s) => s.state === 'TASK_RUNNING' && s.healthy === true), 'healthy TASK_RUNNING');
    // The health check covers the first port only; the second listener may open a moment later.
    const version = await until(async () => (await fetch(`http://127.0.0.1:${admin}/version`)).text(), `the admin port ${admin}`, 10_000, { retryErrors: true });
    expect(version.trim()).toBe('1');
    const env = execFileSync('docker', ['inspect', '-f', '{{json .Config.Env}}', containerName(taskId)], { encoding: 'utf8' });
    expect(env).toContain(`MESOS_PORT_${port}=${port}`);
    agent.kill(taskId);
    await agent.waitForState('TASK_KILLED');
  });

  it('ignores failures in the grace period, then kills a container that turns unhealthy after exactly consecutive_failures failures', async () => {
    const taskId = uniqueId('sick');
    const probe = fs.mkdtempSync(path.join(os.tmpdir(), 'griddle-probe-'));
    fs.chmodSync(probe, 0o777);
    const checks = () => (fs.existsSync(path.join(probe, 'log')) ? fs.readFileSync(path.join(probe, 'log'), 'utf8').trim().split('\n') : []);
    cleanups.push(() => fs.rmSync(probe, { recursive: true, force: true }));
    const { agent } = await start(taskId);
    agent.launch(dockerTask({
      taskId,
      volumes: [{ host_path: probe, container_path: '/probe' }],
      health: {
        type: 'COMMAND',
        command: { shell: true, value: 'if [ -f /probe/healthy ]; then echo ok >> /probe/log; else echo fail >> /probe/log; exit 1; fi' },
        delay_seconds: 0, interval_seconds: 1, timeout_seconds: 5, grace_period_seconds: 60, consecutive_failures: 3,
      },
    }));
    // Starting up: more failures than consecutive_failures, all inside the grace period.
    await until(() => checks().length >= 4, 'four health checks', 60_000, { intervalMs: 200 });
    expect(checks().slice(0, 4)).toEqual(['fail', 'fail', 'fail', 'fail']);
    fs.writeFileSync(path.join(probe, 'healthy'), '');
    await agent.waitFor((u) => u.some((s) => s.healthy === true), 'healthy');
    fs.rmSync(path.join(probe, 'healthy'));
    const failed = await agent.waitForState('TASK_FAILED');
    expect(failed.healthy).toBe(false);
    expect(failed.reason).toBe('REASON_TASK_HEALTH_CHECK_STATUS_UPDATED');
    expect(failed.message).toMatch(/^health check failed: .*\(3 consecutive failures\)/);
    const transitions = agent.updates.filter((u) => u.state === 'TASK_RUNNING' && u.healthy !== undefined).map((u) => u.healthy);
    expect(transitions).toEqual([true, false]);
    const log = checks();
    const afterLastOk = log.slice(log.lastIndexOf('ok') + 1);
    expect(afterLastOk).toEqual(['fail', 'fail', 'fail']);
    expect(containerExists(containerName(taskId))).toBe(false);
  });

  /** Runs a busybox command, KILLs it once it runs, and returns its end and sandbox output. */
  async function killAfterStart(prefix: string, command: string, killGraceMs: number): Promise<{ message: string; sandbox: string; gone: boolean }> {
    const taskId = uniqueId(prefix);
    const { agent, executor } = await start(taskId);
    agent.launch(dockerTask({ taskId, image: 'griddle/busybox:latest', killGraceMs, command }));
    await agent.waitForState('TASK_RUNNING');
    await new Promise((r) => setTimeout(r, 500));
    agent.kill(taskId);
    const killed = await agent.waitForState('TASK_KILLED');
    return { message: killed.message ?? '', sandbox: readSandbox(executor.sandbox), gone: !containerExists(containerName(taskId)) };
  }

  it('gives a container that traps SIGTERM its grace period, then SIGKILLs one that ignores it; both are removed', async () => {
    const graceful = await killAfterStart('trap', "trap 'echo got TERM; sleep 2; echo clean exit; exit 0' TERM; while true; do sleep 0.2; done", 10_000);
    expect(graceful.message).toContain('exit code 0');
    expect(graceful.sandbox).toMatch(/got TERM[\s\S]*clean exit/);
    expect(graceful.gone).toBe(true);

    const stubborn = await killAfterStart('stubborn', "trap 'echo ignoring TERM' TERM; while true; do sleep 0.2; done", 1000);
    expect(stubborn.message).toContain('exit code 137');
    expect(stubborn.sandbox).toContain('ignoring TERM');
    expect(stubborn.gone).toBe(true);
  });

  it.each([
    ['Vault is down', { env: { DB: 'vault://secret/web/db?key=password' } }, /vault: DB=vault:\/\/secret\/web\/db\?key=password: .*unavailable or sealed \(503\)/, true],
    ['a path outside the allow-list', { env: { DB: 'vault://secret/other/db?key=password' } }, /vault: DB=vault:\/\/secret\/other\/db\?key=password: path is outside this service's allow-list/, false],
    ['an image that is missing and cannot be pulled', { image: 'griddle/does-not-exist:1' }, /image griddle\/does-not-exist:1 is not present and could not be pulled after 2 attempts/, false],
  ] as const)('fails the task with a clear message and no container when %s', async (_what, spec, message, vaultDown) => {
    const taskId = uniqueId('fail');
    const { agent, executor } = await start(taskId);
    if (vaultDown) vault.setAvailable(false);
    try {
      agent.launch(dockerTask({ taskId, ...spec }));
      const failed = await agent.waitForState('TASK_FAILED');
      expect(failed.message).toMatch(message);
      expect(agent.updates.map((u) => u.state)).toEqual(['TASK_STARTING', 'TASK_FAILED']);
    } finally {
      vault.setAvailable(true);
    }
    expect(containerExists(containerName(taskId))).toBe(false);
    expect(await executor.exited).toBe(0);
    expect(executor.output()).not.toContain(SECRET);
  });

  it('reports the exit code with a bounded log tail, and exit 0 as TASK_FINISHED (protobuf content type)', async () => {
    const bad = uniqueId('exit');
    const a = await start(bad);
    a.agent.launch(dockerTask({ taskId: bad, image: 'griddle/busybox:latest', command: 'i=0; while [ $i -lt 300 ]; do echo line $i; i=$((i+1)); done; sleep 0.3; echo last words >&2; exit 3' }));
    const failed = await a.agent.waitForState('TASK_FAILED');
    expect(failed.message).toMatch(/^container exited with code 3; last output: /);
    expect(failed.message).toContain('last words');
    expect((failed.message ?? '').length).toBeLessThan(1200);
    expect(containerExists(containerName(bad))).toBe(false);

    const good = uniqueId('done');
    const b = await start(good, { env: { EXECUTOR_CONTENT_TYPE: 'protobuf' } });
    b.agent.launch(dockerTask({ taskId: good, image: 'griddle/busybox:latest', command: 'echo all good' }));
    const finished = await b.agent.waitForState('TASK_FINISHED');
    expect(finished.message).toContain('code 0');
    expect(await b.executor.exited).toBe(0);
    expect(readSandbox(b.executor.sandbox)).toContain('all good');
    expect(b.agent.rejected).toEqual([]);
  });
});
