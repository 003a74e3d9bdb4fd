/**
 * Cluster scale, end to end, the path users take: requests and deploys created over the REST
 * API of a separate griddle-scheduler process, state in ZooKeeper, griddle-mesos-local with
 * simulated agents at its default 1 s allocation interval; timed until every instance is
 * RUNNING. The physical floor, from the same run: raw pipelined ZooKeeper creates of the same
 * records (one per task, request and deploy, of their stored sizes). Also reports the
 * scheduler's peak RSS (VmHWM) and the state tree's largest znode and most children.
 *
 * With --failover a standby runs beside the leader; once all are RUNNING the leader is
 * SIGKILLed and the standby's take-over is timed (leading, subscribed, every task answered by
 * reconciliation), and the task ids in ZooKeeper before and after are compared: none may be
 * restarted or duplicated. Its floor: ZooKeeper expiring a SIGKILLed client's session.
 *
 *   npm run build && node dist/bench/cluster-scale.js [--agents 10000] [--requests 1000] [--per-request 100]
 *     [--zk 127.0.0.1:2181] [--failover] [--zk-session-timeout 4000] [--max-seconds 1800] [--heap-snapshot DIR [--heap-snapshot-at N]]
 *     [--deploy-health-timeout 600]
 *
 * Each deploy carries `deployHealthTimeoutSeconds` (600 unless given): the run times how fast
 * every task reaches RUNNING, not the deploys' verdicts. A deploy's clock starts when it is
 * created, and launches go out as fast as Mesos takes their calls, so with Singularity's
 * default of 120 s the deploys at the back of a 100,000-instance burst on this 2-core machine
 * (last tasks RUNNING about 140 s after their deploy was created) went OVERDUE and were rolled back.
 *
 * --heap-snapshot writes a V8 heap snapshot of the leader into DIR once every task runs and
 * reports its live heap (bench/heap-snapshot.ts). The snapshot stops the leader's loop for
 * seconds: give it a ZooKeeper session longer than that (e.g. --zk-session-timeout 40000), or it
 * loses its lead. --heap-snapshot-at takes it instead once N tasks run, in the launch burst;
 * writing it raises the leader's RSS, so that run's peak RSS is not comparable.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import type { SlimOverview } from '../contract';
import { ZkSession } from '../scheduler/state';
import { heapSnapshot, heapSnapshotNodeArgs, type HeapSnapshotResult } from './heap-snapshot';
import { health, kill, sessionExpiry, spawnMesosLocal, startScheduler, waitFor, type SchedulerProcess } from './bench-processes';
import { rawCreates, stateTreeShape } from './zk-floor';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const AGENTS = Number(arg('agents', '10000'));
const REQUESTS = Number(arg('requests', '1000'));
const PER_REQUEST = Number(arg('per-request', '100'));
const TOTAL = REQUESTS * PER_REQUEST;
const ZK = arg('zk', '127.0.0.1:2181');
const FAILOVER = process.argv.includes('--failover');
const SESSION_MS = Number(arg('zk-session-timeout', '4000'));
const MAX_MS = Number(arg('max-seconds', '1800')) * 1000;
const SNAPSHOT_DIR = arg('heap-snapshot', '');
const SNAPSHOT_AT = Number(arg('heap-snapshot-at', '0'));
const DEPLOY_HEALTH_TIMEOUT_S = Number(arg('deploy-health-timeout', '600'));
if (SNAPSHOT_DIR) process.env.BENCH_CHILD_NODE_ARGS = `${process.env.BENCH_CHILD_NODE_ARGS ?? ''} ${heapSnapshotNodeArgs(SNAPSHOT_DIR)}`;

interface StateCounts { activeTasks: number; launchingTasks: number }

/**
 * RUNNING and launching counts from the slim overview, which keeps them as tasks change. The
 * poll used `/api/state`, which builds every pending task: at 100,000 that cost about 120 ms
 * of the leader's loop per call, 6 % of its CPU over the run, to measure it.
 */
async function runningCounts(api: string): Promise<StateCounts> {
  const o = await getJson<SlimOverview>(`${api}/api/slim/overview`);
  const n = (state: string): number => o.tasksByState[state] ?? 0;
  return { activeTasks: n('TASK_RUNNING'), launchingTasks: n('TASK_STAGING') + n('TASK_STARTING') };
}

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url} → ${res.status}`);
  return await res.json() as T;
}

/** Retries a 503 (the API's "state store unavailable …; retry") as a script should; counts them. */
let retried503 = 0;
/** Each successful mutating call's latency (a durable write each): what a script waits for. */
const callMs: number[] = [];
/**
 * A 503 does not say the call was not applied (the write may have landed before the store
 * answered): a retry answered 409 is done when `applied` finds the call's effect.
 */
async function post(url: string, body: unknown, applied?: () => Promise<boolean>): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const started = performance.now();
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (res.ok) {
      callMs.push(performance.now() - started);
      return;
    }
    const text = await res.text();
    if (res.status === 409 && attempt > 0 && applied && await applied()) return;
    if (res.status !== 503 || attempt >= 20) throw new Error(`POST ${url} → ${res.status} ${text}`);
    retried503++;
    await new Promise((r) => setTimeout(r, 500 * (attempt + 1)));
  }
}

/** Peak resident set of a process, from the kernel (Linux VmHWM). */
function peakRssMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? +(Number(m[1]) / 1024).toFixed(1) : NaN;
}

const CLOCK_TICKS_PER_S = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
/**
 * CPU seconds a process has used so far (user + system, Linux /proc): what the scheduler spends,
 * less sensitive than wall time to the other jobs on a shared machine.
 */
function cpuSeconds(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_S;
}

async function createAll(api: string): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < REQUESTS) {
      const id = `scale${next++}`;
      await post(`${api}/api/requests`, { id, requestType: 'SERVICE', instances: PER_REQUEST });
      await post(`${api}/api/deploys`, {
        deploy: { requestId: id, id: 'd1', deployHealthTimeoutSeconds: DEPLOY_HEALTH_TIMEOUT_S, resources: { cpus: 0.1, memoryMb: 32, numPorts: 1 }, containerInfo: { type: 'DOCKER', docker: { image: 'griddle/busybox:latest' } } },
      }, async () => {
        const parent = await getJson<{ pendingDeploy?: { id?: string }; activeDeploy?: { id?: string } }>(`${api}/api/requests/request/${id}`);
        return parent.pendingDeploy?.id === 'd1' || parent.activeDeploy?.id === 'd1';
      });
    }
  };
  // As a script creating a thousand services would: many calls at once share each durable write.
  await Promise.all(Array.from({ length: 64 }, worker));
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : +sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))].toFixed(1);
}

function loadAverage(): number[] {
  return fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);
}

function progress(t0: bigint, what: Record<string, unknown>): void {
  process.stderr.write(`${JSON.stringify({ t: +(Number(process.hrtime.bigint() - t0) / 1e9).toFixed(1), ...what })}\n`);
}

async function failover(admin: ZkSession, root: string, leader: SchedulerProcess, standby: SchedulerProcess, before: Set<string>): Promise<Record<string, unknown>> {
  // How stale the standby's view is at the kill: what its take-over has to read first.
  const standbyReadAgoMs = (await health(standby))?.standbyReadAgoMs ?? null;
  await kill(leader.child, 'SIGKILL');
  const killedAt = Date.now();
  let leadingMs = -1;
  await waitFor('the standby to lead and subscribe', async () => {
    const h = await health(standby);
    if (h?.role === 'leader' && leadingMs < 0) leadingMs = Date.now() - killedAt;
    return h?.role === 'leader' && h.subscribed;
  }, 600_000, 50);
  const subscribedMs = Date.now() - killedAt;
  let answered = 0;
  await waitFor('reconciliation of every task', async () => {
    const r = await getJson<{ taskReconciliationResponseCount: number }>(`${standby.url}/api/state/task-reconciliation`).catch(() => null);
    answered = r?.taskReconciliationResponseCount ?? answered;
    return answered >= TOTAL;
  }, 600_000, 200);
  const reconciledMs = Date.now() - killedAt;
  const counts = await getJson<StateCounts>(`${standby.url}/api/state`);
  const after = new Set((await stateTreeShape(admin, `${root}/tasks`)).leafNames);
  const restartedOrNew = [...after].filter((id) => !before.has(id)).length;
  const gone = [...before].filter((id) => !after.has(id)).length;
  const expiryMs = await sessionExpiry(admin, ZK, `${root}-expiry`, SESSION_MS);
  return {
    zkSessionTimeoutMs: SESSION_MS, standbyReadAgoMsAtKill: standbyReadAgoMs,
    killToLeadingMs: leadingMs, killToSubscribedMs: subscribedMs, killToEveryTaskReconciledMs: reconciledMs,
    reconciledTasks: answered, runningAfter: counts.activeTasks, launchingAfter: counts.launchingTasks,
    taskIdsNewAfterFailover: restartedOrNew, taskIdsGoneAfterFailover: gone,
    baseline: { what: 'ZooKeeper expiring a SIGKILLed client session (same timeout)', ms: expiryMs },
    ratioLeadingToBaseline: +(leadingMs / expiryMs).toFixed(2),
  };
}

async function main(): Promise<void> {
  const admin = await ZkSession.connect(ZK);
  const root = `/griddle-bench-scale-${randomBytes(4).toString('hex')}`;
  const mesos = await spawnMesosLocal(AGENTS);
  const args = ['--zk', `zk://${ZK}${root}`, '--master', mesos.url, '--zk-session-timeout', String(SESSION_MS)];
  const leader = await startScheduler(args);
  const members = [leader];
  try {
    await waitFor('the leader to subscribe', async () => (await health(leader))?.subscribed === true, 120_000, 50);
    const standby = FAILOVER ? await startScheduler(args) : null;
    if (standby) {
      members.push(standby);
      await waitFor('the standby', async () => (await health(standby))?.role === 'standby', 60_000, 50);
    }
    const loadAtStart = loadAverage();
    const t0 = process.hrtime.bigint();
    const cpuAtStart = cpuSeconds(leader.child.pid!);
    await createAll(leader.url);
    const createdS = Number(process.hrtime.bigint() - t0) / 1e9;
    let counts: StateCounts = { activeTasks: 0, launchingTasks: 0 };
    let last = 0;
    let midBurst: HeapSnapshotResult | null = null;
    await waitFor(`${TOTAL} RUNNING`, async () => {
      counts = await runningCounts(leader.url).catch(() => counts);
      if (Date.now() - last > 10_000) {
        last = Date.now();
        const h = await health(leader);
        progress(t0, { running: counts.activeTasks, launching: counts.launchingTasks, schedulerRssMb: peakRssMb(leader.child.pid!), loop: h?.eventLoopDelayMs, mem: h?.memoryMb, calls: h?.mesosCalls });
      }
      if (SNAPSHOT_DIR && SNAPSHOT_AT > 0 && !midBurst && counts.activeTasks >= SNAPSHOT_AT) midBurst = await heapSnapshot(leader, SNAPSHOT_DIR);
      return counts.activeTasks >= TOTAL;
    }, MAX_MS, 2000);
    const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
    const cpuS = cpuSeconds(leader.child.pid!) - cpuAtStart;
    const rssMb = peakRssMb(leader.child.pid!);
    const leaderHealth = await health(leader);
    const snapshot = midBurst ?? (SNAPSHOT_DIR ? await heapSnapshot(leader, SNAPSHOT_DIR) : null);
    const tree = await stateTreeShape(admin, root);
    const tasks = await stateTreeShape(admin, `${root}/tasks`);
    const floor = await rawCreates(admin, tasks.leaves + 2 * REQUESTS, Math.round(tasks.dataBytes / Math.max(1, tasks.leaves)));
    const result: Record<string, unknown> = {
      benchmark: 'cluster-scale', agents: AGENTS, requests: REQUESTS, instances: TOTAL, running: counts.activeTasks,
      allocationIntervalMs: 1000, deployHealthTimeoutSeconds: DEPLOY_HEALTH_TIMEOUT_S, apiCreateSeconds: +createdS.toFixed(2),
      apiCallMs: { calls: callMs.length, p50: percentile(callMs, 0.5), p99: percentile(callMs, 0.99), max: percentile(callMs, 1) }, api503Retries: retried503, wallSeconds: +wallS.toFixed(2),
      schedulerCpuSeconds: +cpuS.toFixed(1),
      schedulerPeakRssMb: rssMb, schedulerEventLoopDelayMs: leaderHealth?.eventLoopDelayMs, schedulerMemoryAtEndMb: leaderHealth?.memoryMb, mesosCalls: leaderHealth?.mesosCalls, rssPerTaskKb: +((rssMb * 1024) / TOTAL).toFixed(1),
      stateTree: { znodes: tree.znodes, maxChildren: tree.maxChildren, maxChildrenListingBytes: tree.maxListingBytes, maxZnodeBytes: tree.maxDataBytes, taskRecordBytesAvg: Math.round(tasks.dataBytes / Math.max(1, tasks.leaves)) },
      baseline: { what: `${floor.count} raw pipelined ZooKeeper creates of ${floor.bytes} bytes (each task, request and deploy once)`, wallSeconds: +(floor.ms / 1000).toFixed(2) },
      ratioToBaseline: +((wallS * 1000) / floor.ms).toFixed(2),
      targets: { ratioToBaseline: 2, schedulerPeakRssMb: 1536, maxZnodeBytes: 1024 * 1024 },
      loadAverageAtStart: loadAtStart, loadAverageAtEnd: loadAverage(),
    };
    if (snapshot) {
      result.heapSnapshot = { ...snapshot, atRunning: SNAPSHOT_AT || TOTAL, liveHeapPerTaskKb: +((snapshot.liveHeapMb * 1024) / TOTAL).toFixed(2) };
    }
    if (standby) result.failover = await failover(admin, root, leader, standby, new Set(tasks.leafNames));
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    for (const m of members) await kill(m.child, 'SIGTERM');
    await mesos.stop();
    await admin.removeTree(root);
    admin.close();
  }
}

main().then(() => process.exit(0), (err: Error) => {
  process.stderr.write(`bench/cluster-scale: ${err.stack ?? err.message}\n`);
  process.exit(1);
});
