/**
 * Scheduling at scale: 1,000 simulated agents (griddle-mesos-local in its own process), one
 * request scaled from 0 to 10,000 instances, ZooKeeper state. This process is the scheduler,
 * so its CPU time and peak RSS are the scheduler's. The physical baseline measured in the
 * same run: the same number of raw, pipelined ZooKeeper writes of records of the same size.
 *
 *   npm run build && node dist/bench/scheduling.js [--agents 1000] [--instances 10000] [--zk 127.0.0.1:2181] [--max-seconds 300]
 */
import { randomBytes } from 'node:crypto';
import type { DestinationStream } from 'pino';
import { createLogger } from '../common/logger';
import { deployKey, Scheduler } from '../scheduler/core';
import type { TaskRecord } from '../scheduler/model';
import { ZkSession, ZkStateStore } from '../scheduler/state';
import { spawnMesosLocal } from './bench-processes';
import { rawCreates } from './zk-floor';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const AGENTS = Number(arg('agents', '1000'));
const INSTANCES = Number(arg('instances', '10000'));
const ZK = arg('zk', '127.0.0.1:2181');
const quiet = createLogger('bench', { destination: { write: () => true } as unknown as DestinationStream });

async function main(): Promise<void> {
  const admin = await ZkSession.connect(ZK);
  const root = `/griddle-bench-${randomBytes(4).toString('hex')}`;
  const mesos = await spawnMesosLocal(AGENTS, ['--allocation-interval', '200']);
  const store = await ZkStateStore.open(`zk://${ZK}${root}`);
  const scheduler = new Scheduler({ store, master: mesos.url, log: quiet, executorCmd: 'true' });
  let running = 0;
  let allRunning: () => void = () => {};
  const done = new Promise<void>((resolve) => { allRunning = resolve; });
  scheduler.events.on('task', (t: TaskRecord, prev: TaskRecord | undefined) => {
    if (t.state === 'TASK_RUNNING' && prev?.state !== 'TASK_RUNNING') running++;
    if (t.state !== 'TASK_RUNNING' && prev?.state === 'TASK_RUNNING') running--;
    if (running >= INSTANCES) allRunning();
  });
  const subscribed = new Promise<void>((resolve) => scheduler.events.once('subscribed', () => resolve()));
  await scheduler.becomeLeader();
  await subscribed;
  const now = Date.now();
  scheduler.putDeploy({ deploy: { requestId: 'bench', id: 'd1', resources: { cpus: 0.1, memoryMb: 32, numPorts: 1 }, containerInfo: { type: 'DOCKER', docker: { image: 'griddle/busybox:latest' } } }, createdAt: now });
  scheduler.putRequest({ request: { id: 'bench', requestType: 'SERVICE', instances: 0 }, state: 'ACTIVE', activeDeployId: 'd1', createdAt: now, updatedAt: now });
  await store.flush();
  // Offers arrive while nothing is wanted; then the request is scaled 0 → INSTANCES.
  await new Promise((r) => setTimeout(r, 1000));
  const writesBefore = store.writes;
  const cpuBefore = process.cpuUsage();
  const start = process.hrtime.bigint();
  const record = scheduler.requests.get('bench')!;
  scheduler.putRequest({ ...record, request: { ...record.request, instances: INSTANCES }, updatedAt: Date.now() });
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage().rss); }, 50);
  // Progress on stderr, so a run that stalls shows where (and a CPU profile still gets written).
  const progress = setInterval(() => {
    process.stderr.write(`${JSON.stringify({ t: +(Number(process.hrtime.bigint() - start) / 1e9).toFixed(1), running, tasks: scheduler.tasks.size, writes: store.writes - writesBefore, rssMb: Math.round(process.memoryUsage().rss / 1048576) })}\n`);
  }, 5000);
  const timeout = setTimeout(() => allRunning(), Number(arg('max-seconds', '300')) * 1000);
  await done;
  clearTimeout(timeout);
  clearInterval(sampler);
  clearInterval(progress);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  await store.flush();
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  const cpu = process.cpuUsage(cpuBefore);
  const zkWrites = store.writes - writesBefore;
  const sample = [...scheduler.tasks.values()][0];
  const recordBytes = Buffer.byteLength(JSON.stringify(sample));
  const pending = scheduler.pendingReasons.get(deployKey('bench', 'd1')) ?? null;
  await scheduler.close();
  await store.close();
  await mesos.stop();
  const baselineMs = (await rawCreates(admin, zkWrites, recordBytes)).ms;
  await admin.removeTree(root);
  admin.close();
  const result = {
    benchmark: 'scheduling',
    agents: AGENTS,
    instances: INSTANCES,
    running,
    allRunning: running >= INSTANCES,
    pendingReason: pending,
    wallSeconds: +(wallMs / 1000).toFixed(3),
    schedulerCpuSeconds: +((cpu.user + cpu.system) / 1e6).toFixed(3),
    schedulerPeakRssMb: +(peakRss / 1024 / 1024).toFixed(1),
    processMaxRssMbIncludingBaseline: +(process.resourceUsage().maxRSS / 1024).toFixed(1),
    zkWrites,
    taskRecordBytes: recordBytes,
    baseline: { what: `${zkWrites} raw pipelined ZooKeeper creates of ${recordBytes} bytes`, wallSeconds: +(baselineMs / 1000).toFixed(3) },
    ratioToBaseline: +(wallMs / baselineMs).toFixed(2),
    targets: { wallSeconds: 10, peakRssMb: 300 },
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

main().catch((err: Error) => {
  process.stderr.write(`bench/scheduling: ${err.stack ?? err.message}\n`);
  process.exit(1);
});
