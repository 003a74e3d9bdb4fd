/**
 * Launch latency of griddle-executor as an agent pays it: the clock starts when the agent
 * starts the executor process (the task's LAUNCH waits for the executor's SUBSCRIBE, as on a
 * Mesos agent) and stops at TASK_RUNNING for `griddle/demo-http:1`; the parts (process start to
 * SUBSCRIBE, LAUNCH to TASK_RUNNING) are reported too. Baselines measured in the same run: a
 * plain `docker run -d` of the same image, and starting `node -e 0` (the floor of any Node.js
 * executor's start). Plus the executor's resident memory while its task runs.
 * Prints one JSON object. Run after `npm run build`: `node dist/bench/launch-latency.js [runs]`.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { promisify } from 'node:util';
import { containerName } from '../executor';
import { FakeExecutorAgent } from '../test/support/fake-executor-agent';
import { spawnExecutor } from '../test/support/executor-process';
import { dockerTask, removeContainers, uniqueId } from '../test/support/executor-tasks';
import { freePort } from '../test/support/kit';
import { startVaultDevServer, type VaultDevServer } from '../test/support/vault-dev-server';
import { machineLoad } from './bench-kit';

const run = promisify(execFile);
const IMAGE = 'griddle/demo-http:1';
const FRAMEWORK = 'griddle-bench';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const tenth = (mb: number): number => Math.round(mb * 10) / 10;

function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return tenth(kb / 1024);
}

async function dockerRunMs(): Promise<number> {
  const name = uniqueId('griddle-bench-plain');
  const port = await freePort();
  const started = process.hrtime.bigint();
  await run('docker', ['run', '-d', '--name', name, '-p', `${port}:8080`, IMAGE]);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  removeContainers([name]);
  return ms;
}

async function nodeStartMs(): Promise<number> {
  const started = process.hrtime.bigint();
  await run(process.execPath, ['-e', '0']);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

interface Launch { ms: number; toSubscribeMs: number; launchToRunningMs: number; rssMb: number }

async function executorLaunch(vault: VaultDevServer | null): Promise<Launch> {
  const taskId = uniqueId('bench');
  const executorId = `${taskId}-executor`;
  const agent = new FakeExecutorAgent({ frameworkId: FRAMEWORK, executorId });
  await agent.start();
  const port = await freePort();
  const started = process.hrtime.bigint();
  const sinceStart = (): number => Number(process.hrtime.bigint() - started) / 1e6;
  const executor = spawnExecutor({
    endpoint: agent.endpoint, frameworkId: FRAMEWORK, executorId, agentId: agent.agentId,
    env: vault ? { VAULT_ADDR: vault.addr, VAULT_TOKEN: vault.rootToken } : {},
  });
  try {
    // Queued until the executor subscribes, then sent: what an agent does with a task whose executor is starting.
    agent.launch(dockerTask({ taskId, image: IMAGE, ports: [[8080, port]], env: vault ? { DB: 'vault://secret/web/db?key=password' } : {} }));
    await agent.waitFor(() => agent.subscribes.length > 0, 'SUBSCRIBE', 30_000);
    const toSubscribeMs = sinceStart();
    await agent.waitForState('TASK_RUNNING');
    const ms = sinceStart();
    await new Promise((r) => setTimeout(r, 300));
    const rss = rssMb(executor.child.pid as number);
    agent.kill(taskId);
    await agent.waitForState('TASK_KILLED');
    await executor.exited;
    return { ms, toSubscribeMs, launchToRunningMs: ms - toSubscribeMs, rssMb: rss };
  } finally {
    await executor.stop();
    await agent.stop();
    removeContainers([containerName(taskId)]);
  }
}

async function main(): Promise<void> {
  const runs = Math.max(10, Number(process.argv[2] ?? 10));
  // Warm both paths once (image layers and page cache) so neither pays a first-run cost.
  await dockerRunMs();
  await executorLaunch(null);
  const plain: number[] = [];
  const nodeStart: number[] = [];
  const launches: Launch[] = [];
  for (let i = 0; i < runs; i++) {
    plain.push(await dockerRunMs());
    nodeStart.push(await nodeStartMs());
    launches.push(await executorLaunch(null));
  }
  const executor = launches.map((l) => l.ms);
  const rss = launches.map((l) => l.rssMb);
  const vault = await startVaultDevServer();
  vault.mountKv('secret', 2);
  vault.putSecret('secret/web/db', { password: 'bench' });
  // Three samples: a single RSS reading of one process is too noisy to compare with a target.
  const withVault: number[] = [];
  for (let i = 0; i < 3; i++) withVault.push((await executorLaunch(vault)).rssMb);
  await vault.close();
  const medianExecutor = median(executor);
  const medianPlain = median(plain);
  process.stdout.write(`${JSON.stringify({
    benchmark: 'launch-latency',
    image: IMAGE,
    runs,
    ...machineLoad(),
    executor_start_to_running_ms: { median: Math.round(medianExecutor), all: executor.map(Math.round) },
    parts_median_ms: {
      executor_start_to_subscribe: Math.round(median(launches.map((l) => l.toSubscribeMs))),
      launch_to_running: Math.round(median(launches.map((l) => l.launchToRunningMs))),
    },
    docker_run_d_ms: { median: Math.round(medianPlain), all: plain.map(Math.round) },
    node_e_0_ms: { median: Math.round(median(nodeStart)), all: nodeStart.map(Math.round) },
    ratio: Math.round((medianExecutor / medianPlain) * 100) / 100,
    ratio_target: 1.5,
    executor_rss_mb: { max: Math.max(...rss), median: tenth(median(rss)), with_vault_secret: { median: tenth(median(withVault)), all: withVault } },
    rss_target_mb: 60,
  }, null, 2)}\n`);
}

main().then(() => process.exit(0), (err: Error) => {
  process.stderr.write(`launch-latency failed: ${err.stack ?? err.message}\n`);
  process.exit(1);
});
