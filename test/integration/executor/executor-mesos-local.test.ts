/**
 * griddle-executor launched by a real mesos-local agent (process containerizer) for a test
 * scheduler, with real Docker and the Vault double.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../../../common';
import { containerName } from '../../../executor/container-spec';
import { startMesosLocal, type MesosLocal } from '../../../mesos-local';
import { isTerminalState, type Offer, type SchedulerEvent, type TaskInfo } from '../../../mesos-proto';
import { EXECUTOR_MAIN } from '../../support/executor-process';
import { ensureBuilt, until } from '../../support/kit';
import { containerExists, dockerTask, removeContainers, uniqueId } from '../../support/executor-tasks';
import { TestScheduler, frameworkInfo, rawRequest } from '../../support/mesos-test-scheduler';
import { startVaultDevServer, type VaultDevServer } from '../../support/vault-dev-server';

jest.setTimeout(120_000);

const SECRET = `mesos-local-secret-${uniqueId('v')}`;
const quiet = createLogger('test', { destination: fs.createWriteStream('/dev/null') });
let vault: VaultDevServer;
let local: MesosLocal;
let scheduler: TestScheduler;
const containers: string[] = [];

beforeAll(async () => {
  ensureBuilt();
  vault = await startVaultDevServer();
  vault.mountKv('secret', 2);
  vault.putSecret('secret/web/db', { password: SECRET });
});
afterAll(() => vault.close());
beforeEach(async () => {
  // Other suites on this machine use mesos-local's default 31000-32000; a random range avoids their host ports.
  const base = 20_000 + Math.floor(Math.random() * 100) * 100;
  local = await startMesosLocal({ port: 0, agents: 1, resources: `cpus:4;mem:8192;disk:20000;ports:[${base}-${base + 99}]`, allocationIntervalMs: 50, log: quiet, statusUpdateRetryMs: 500, executorReregistrationTimeoutMs: 10_000 });
  scheduler = await TestScheduler.subscribe(local.masterUrl, { info: frameworkInfo({ capabilities: [{ type: 'PARTITION_AWARE' }, { type: 'TASK_KILLING_STATE' }] }) });
});
afterEach(async () => {
  scheduler.close();
  await local.stop();
  removeContainers(containers.splice(0));
});

function offeredPorts(offer: Offer): number[] {
  const ranges = offer.resources?.find((r) => r.name === 'ports')?.ranges?.range ?? [];
  return ranges.flatMap((r) => [r.begin, r.begin + 1]).slice(0, 2);
}

/** Accepts the next offer with the task built for it, run by griddle-executor. */
async function launch(build: (offer: Offer) => TaskInfo, env: Record<string, string> = {}): Promise<{ task: TaskInfo; offer: Offer }> {
  const offer = (await scheduler.takeOffers()).offers!.offers![0];
  const task = build(offer);
  task.agent_id = offer.agent_id;
  task.executor = {
    type: 'CUSTOM', executor_id: { value: `${task.task_id.value}-executor` }, name: 'griddle-executor',
    command: { shell: true, value: `exec ${process.execPath} ${EXECUTOR_MAIN}`, environment: { variables: Object.entries(env).map(([name, value]) => ({ name, value })) } },
  };
  containers.push(containerName(task.task_id.value));
  const res = await scheduler.call({ type: 'ACCEPT', accept: { offer_ids: [offer.id], operations: [{ type: 'LAUNCH', launch: { task_infos: [task] } }] } });
  expect(res.status).toBe(202);
  return { task, offer };
}

/** Waits for an update of the task and acknowledges every update with a uuid on the way. */
async function waitAcking(taskId: string, match: (e: SchedulerEvent) => boolean, what: string): Promise<SchedulerEvent> {
  const acked = new Set<string>();
  return until(async () => {
    for (const e of scheduler.events) {
      const s = e.update?.status;
      if (!s || s.task_id.value !== taskId) continue;
      if (s.uuid && !acked.has(s.uuid)) {
        acked.add(s.uuid);
        await scheduler.acknowledge(e);
      }
      if (match(e)) return e;
      if (isTerminalState(s.state)) throw new Error(`expected ${what}, got ${s.state}: ${s.message}`);
    }
    return undefined;
  }, () => `${what}: ${scheduler.events.filter((e) => e.update).map((e) => e.update!.status.state).join(',')}`, 60_000, { intervalMs: 100 });
}

function sandboxOf(taskId: string): string {
  const agent = local.agents[0];
  return path.join(agent.workDir, 'slaves', agent.id, 'frameworks', scheduler.frameworkId, 'executors', `${taskId}-executor`, 'runs', 'latest');
}

describe('griddle-executor under a mesos-local agent', () => {
  it('serves demo-http on its two mapped host ports with its secret resolved, and the secret appears nowhere else', async () => {
    const taskId = uniqueId('web');
    let ports: number[] = [];
    await launch((offer) => {
      ports = offeredPorts(offer);
      const task = dockerTask({
        taskId, ports: [[8080, ports[0]], [8081, ports[1]]], env: { DB_PASSWORD: 'vault://secret/web/db?key=password' },
        health: { type: 'HTTP', http: { port: 8080, path: '/health' }, delay_seconds: 0, interval_seconds: 1, timeout_seconds: 2, grace_period_seconds: 10 },
      });
      task.resources!.push({ name: 'ports', type: 'RANGES', ranges: { range: ports.map((p) => ({ begin: p, end: p })) } });
      return task;
    }, { VAULT_ADDR: vault.addr, VAULT_TOKEN: vault.createToken(['secret/data/web/*']) });
    await waitAcking(taskId, (e) => e.update!.status.state === 'TASK_RUNNING' && e.update!.status.healthy === true, 'healthy TASK_RUNNING');

    for (const port of ports) expect((await (await fetch(`http://127.0.0.1:${port}/version`)).text()).trim()).toBe('1');
    const env = execFileSync('docker', ['inspect', '-f', '{{json .Config.Env}}', containerName(taskId)], { encoding: 'utf8' });
    expect(env).toContain(`DB_PASSWORD=${SECRET}`);

    expect((await scheduler.call({ type: 'KILL', kill: { task_id: { value: taskId } } })).status).toBe(202);
    await waitAcking(taskId, (e) => e.update!.status.state === 'TASK_KILLED', 'TASK_KILLED');
    expect(containerExists(containerName(taskId))).toBe(false);

    const sandbox = sandboxOf(taskId);
    const files = fs.readdirSync(sandbox).map((f) => fs.readFileSync(path.join(sandbox, f), 'utf8')).join('\n');
    expect(files).toContain('"msg":"subscribed to the agent"');
    expect(files).toContain('demo-http 1 listening on 8080 and 8081');
    const masterState = (await rawRequest(`${local.masterUrl}/master/state`, { method: 'GET' })).body;
    const agentState = (await rawRequest(`${local.agents[0].url}/state`, { method: 'GET' })).body;
    const messages = JSON.stringify(scheduler.events.map((e) => e.update?.status.message));
    for (const place of [files, masterState, agentState, messages]) expect(place).not.toContain(SECRET);
    expect(masterState).toContain(taskId);
  });

  it('an executor killed with kill -9 is reported TASK_FAILED by the agent, and --gc then leaves no container', async () => {
    const taskId = uniqueId('victim');
    await launch(() => dockerTask({ taskId, image: 'griddle/busybox:latest', command: 'while true; do sleep 0.2; done' }));
    await waitAcking(taskId, (e) => e.update!.status.state === 'TASK_RUNNING', 'TASK_RUNNING');
    expect(local.killExecutor(`${taskId}-executor`)).toBe(true);
    const failed = await waitAcking(taskId, (e) => e.update!.status.state === 'TASK_FAILED', 'TASK_FAILED');
    expect(failed.update!.status.source).toBe('SOURCE_AGENT');
    expect(containerExists(containerName(taskId))).toBe(true);
    execFileSync(process.execPath, [EXECUTOR_MAIN, '--gc'], { env: { PATH: process.env.PATH ?? '' }, stdio: 'ignore' });
    expect(containerExists(containerName(taskId))).toBe(false);
  });

  it('resubscribes after the agent restarts and resends the update it could not deliver', async () => {
    const taskId = uniqueId('ckpt');
    const probe = fs.mkdtempSync(path.join(os.tmpdir(), 'griddle-probe-'));
    try {
      await launch(() => dockerTask({
        taskId, image: 'griddle/busybox:latest', volumes: [{ host_path: probe, container_path: '/probe' }],
        command: 'while [ ! -f /probe/stop ]; do sleep 0.2; done; echo finishing',
      }));
      await waitAcking(taskId, (e) => e.update!.status.state === 'TASK_RUNNING', 'TASK_RUNNING');
      const agentId = local.agents[0].id;
      await local.stopAgent(agentId);
      // The container ends while the agent is down: TASK_FINISHED cannot be delivered now.
      fs.writeFileSync(path.join(probe, 'stop'), '');
      await until(() => !containerExists(containerName(taskId)), 'the container to end', 30_000, { intervalMs: 200 });
      await local.startAgent(agentId);
      const finished = await waitAcking(taskId, (e) => e.update!.status.state === 'TASK_FINISHED', 'TASK_FINISHED');
      expect(finished.update!.status.source).toBe('SOURCE_EXECUTOR');
      const log = fs.readFileSync(path.join(sandboxOf(taskId), 'stdout'), 'utf8');
      expect(log).toMatch(/"resent":[1-9]/);
    } finally {
      fs.rmSync(probe, { recursive: true, force: true });
    }
  });
});
