/**
 * Discovery benchmark, printed as JSON. With `--endpoints` endpoints in the catalog (default 10,000):
 * - latency from a task update published by the scheduler core (`scheduler.events 'task'`, what
 *   the core emits once a status update is applied; the catalog applies it in the same call),
 *   and from the start of the simulated socket read that carried it, to a gRPC Watch client in
 *   its own process receiving the change: one update at a time and in a burst of `--burst`
 *   changes (default 2,000), for an unbatched client and for one that sets
 *   `maxChangesPerMessage` (`--batch`, default 1,000); baselines: protobufjs encoding the same
 *   changes, one message each and one read's 50 as one batched message;
 * - time to render the HAProxy configuration and validate it with `haproxy -c`; baseline:
 *   `haproxy -c` of the configuration of a single endpoint (mostly the process start).
 * - the cost of the Sidecar /api/watch document per change, against stringifying the catalog.
 * Run: `npm run build && node dist/bench/discovery.js [--endpoints 100000] [--burst 10000] [--batch 1000]`.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import pino from 'pino';
import protobuf from 'protobufjs';
import { renderHaproxyConfig } from '../cli/haproxy';
import { machineLoad, nowMs, numberFlag, round3 as round, summary, wallMs, type LatencySummary } from './bench-kit';
import { Scheduler } from '../scheduler/core';
import {
  createDiscovery, discoveryProtoPath, MAX_CHANGES_PER_MESSAGE, servicesByName, ServicesDocument, toChangeMessage,
} from '../scheduler/discovery';
import type { TaskRecord } from '../scheduler/model';
import { MemoryStateStore } from '../scheduler/state';

const argv = process.argv.slice(2);
const ENDPOINTS = numberFlag(argv, 'endpoints', 10_000);
const SERVICES = 100;
const SEQUENTIAL_UPDATES = 2_000;
const BURST_UPDATES = numberFlag(argv, 'burst', 2_000);
/** The batched watcher's `maxChangesPerMessage` (`--batch`, default the server's cap). */
const BATCH = numberFlag(argv, 'batch', MAX_CHANGES_PER_MESSAGE);

const taskIdOf = (i: number): string => `svc-${i % SERVICES}-d1-${i}`;

function task(i: number, healthy: boolean): TaskRecord {
  const service = `svc-${i % SERVICES}`;
  const hostPort = 31000 + Math.floor(i / SERVICES);
  return {
    taskId: `${service}-d1-${i}`, requestId: service, deployId: 'd1', instanceNo: i, agentId: `agent-${i % 10}`,
    hostname: '127.0.0.1', ports: [hostPort], startedAt: 0, updatedAt: 0, state: 'TASK_RUNNING', healthy,
    taskInfo: {
      name: service, task_id: { value: `${service}-d1-${i}` }, agent_id: { value: `agent-${i % 10}` },
      container: { type: 'DOCKER', docker: { image: `bench/${service}:1`, network: 'BRIDGE', port_mappings: [{ host_port: hostPort, container_port: 8080, protocol: 'tcp' }] } },
      health_check: { type: 'HTTP', http: { port: 8080, path: '/health' } },
      labels: { labels: [{ key: 'griddle.service_name', value: service }, { key: 'ServicePort_8080', value: String(20000 + (i % SERVICES)) }] },
    },
  };
}

const now = nowMs;

/** A Watch client in a process of its own: when each revision arrived (wall clock). */
interface Watcher {
  snapshot: { endpoints: number; pages: number; ms: number };
  /** Resolves once `revision` (or a later one) has arrived. */
  until(revision: number): Promise<void>;
  /** Arrival times by revision since the last call. */
  take(): Map<number, number>;
  stop(): void;
}

/** Starts bench/watch-client (its own process, as a real watcher is) and waits for its snapshot. */
async function startWatcher(port: number, maxChangesPerMessage: number): Promise<Watcher> {
  // Clocks compare across processes on the wall clock (sub-millisecond).
  const child = spawn(process.execPath, [path.join(__dirname, 'watch-client.js'), `127.0.0.1:${port}`, String(maxChangesPerMessage)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let arrivals = new Map<number, number>();
  let latest = 0;
  let waiting: { revision: number; resolve: () => void } | undefined;
  const snapshotStart = now();
  let stopped = false;
  const snapshot = await new Promise<Watcher['snapshot']>((resolve, reject) => {
    child.once('exit', (code) => {
      if (!stopped) reject(new Error(`the watch client exited (code ${code})`));
    });
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      const [first, second, third] = line.split(' ');
      if (first === 'snapshot') {
        resolve({ endpoints: Number(second), pages: Number(third), ms: round(now() - snapshotStart) });
        return;
      }
      const revision = Number(first);
      arrivals.set(revision, Number(second));
      latest = Math.max(latest, revision);
      if (waiting && latest >= waiting.revision) {
        const w = waiting;
        waiting = undefined;
        w.resolve();
      }
    });
  });
  return {
    snapshot,
    until: (revision) => new Promise<void>((resolve) => {
      if (latest >= revision) resolve();
      else waiting = { revision, resolve };
    }),
    take: () => {
      const taken = arrivals;
      arrivals = new Map();
      return taken;
    },
    stop: () => {
      stopped = true;
      child.kill();
    },
  };
}

type Flip = (i: number) => number;

/** Latencies (arrival − start) of the revisions that arrived and have a start. */
function latenciesOf(arrivals: ReadonlyMap<number, number>, startOf: ReadonlyMap<number, number>): number[] {
  const out: number[] = [];
  for (const [revision, at] of arrivals) {
    const start = startOf.get(revision);
    if (start !== undefined) out.push(at - start);
  }
  return out;
}

/** One update at a time: each waits for the previous one to arrive. */
async function oneAtATime(watcher: Watcher, flip: Flip, appliedAt: ReadonlyMap<number, number>): Promise<LatencySummary> {
  for (let k = 0; k < SEQUENTIAL_UPDATES; k++) await watcher.until(flip((k * 7919) % ENDPOINTS));
  return summary(latenciesOf(watcher.take(), appliedAt));
}

/**
 * A burst as the core meets it: the master's event stream hands over status updates a socket
 * read at a time (about 50 of ~1 KB in a 64 KB read), each read applied in one go, and gRPC
 * writes go out between reads. Latency counts from each change's application, and from the
 * start of the read that carried it (which includes applying the changes before it in that
 * read); the last arrival is counted from the start of the burst.
 */
async function burstRun(watcher: Watcher, flip: Flip, appliedAt: ReadonlyMap<number, number>, perRead: number): Promise<{
  fromApplied: LatencySummary; fromRead: LatencySummary; lastArrivalAfterBurstStartMs: number; applyAllMs: number;
}> {
  const readAt = new Map<number, number>();
  const burstStart = wallMs();
  let applyMs = 0;
  let last = 0;
  await new Promise<void>((resolve) => {
    let k = 0;
    const read = (): void => {
      const readStart = now();
      const readWall = wallMs();
      for (const end = Math.min(BURST_UPDATES, k + perRead); k < end; k++) {
        last = flip((k * 104729) % ENDPOINTS);
        readAt.set(last, readWall);
      }
      applyMs += now() - readStart;
      if (k < BURST_UPDATES) setImmediate(read);
      else resolve();
    };
    read();
  });
  await watcher.until(last);
  const arrivals = watcher.take();
  return {
    fromApplied: summary(latenciesOf(arrivals, appliedAt)),
    fromRead: summary(latenciesOf(arrivals, readAt)),
    lastArrivalAfterBurstStartMs: round((arrivals.get(last) ?? NaN) - burstStart),
    applyAllMs: round(applyMs),
  };
}

async function main(): Promise<void> {
  const log = pino({ level: 'silent' });
  const scheduler = new Scheduler({ store: new MemoryStateStore(), log });
  const discovery = await createDiscovery(scheduler, { sidecarPort: false, grpcPort: 0, bind: '127.0.0.1', leader: true, log });
  const publish = (t: TaskRecord): void => {
    const previous = scheduler.tasks.get(t.taskId);
    scheduler.tasks.set(t.taskId, t);
    scheduler.events.emit('task', t, previous);
  };
  const fillStart = now();
  for (let i = 0; i < ENDPOINTS; i++) publish(task(i, true));
  const fillMs = now() - fillStart;

  // Each update turns an endpoint's health verdict around, so every one is a catalog change. It
  // is the record the core emits for a status update: a copy of the stored task with the new
  // verdict, keeping its TaskInfo.
  const appliedAt = new Map<number, number>();
  const flip = (i: number): number => {
    const revision = discovery.catalog.revision + 1;
    const stored = scheduler.tasks.get(taskIdOf(i))!;
    appliedAt.set(revision, wallMs());
    publish({ ...stored, healthy: stored.healthy === false, updatedAt: Date.now() });
    return revision;
  };

  const unbatched = await startWatcher(discovery.grpcPort!, 0);
  const sequential = await oneAtATime(unbatched, flip, appliedAt);
  const burst = await burstRun(unbatched, flip, appliedAt, 50);
  const burstOneTick = await burstRun(unbatched, flip, appliedAt, BURST_UPDATES);
  unbatched.stop();
  const batched = await startWatcher(discovery.grpcPort!, BATCH);
  const sequentialBatched = await oneAtATime(batched, flip, appliedAt);
  const burstBatched = await burstRun(batched, flip, appliedAt, 50);
  const burstBatchedOneTick = await burstRun(batched, flip, appliedAt, BURST_UPDATES);
  batched.stop();
  const { snapshot } = unbatched;

  // Baseline: protobufjs encoding of one change message, the floor of any gRPC delivery.
  const WatchEventType = protobuf.loadSync(discoveryProtoPath()).lookupType('griddle.discovery.v1.WatchEvent');
  const sample = { change: toChangeMessage({ revision: 1, endpoint: discovery.catalog.list()[0]!, previousStatus: 'ALIVE' }) };
  const encodeRounds = 20_000;
  for (let k = 0; k < 2000; k++) WatchEventType.encode(WatchEventType.fromObject(sample)).finish();
  const encStart = now();
  for (let k = 0; k < encodeRounds; k++) WatchEventType.encode(WatchEventType.fromObject(sample)).finish();
  const encodeMs = (now() - encStart) / encodeRounds;
  // And of one read's 50 changes as one batched event: the floor of a batched read's delivery.
  const readBatch = { changes: { changes: Array.from({ length: 50 }, () => sample.change) } };
  const batchRounds = 1000;
  const batchStart = now();
  for (let k = 0; k < batchRounds; k++) WatchEventType.encode(WatchEventType.fromObject(readBatch)).finish();
  const encodeReadBatchMs = (now() - batchStart) / batchRounds;

  // The Sidecar /api/watch document after one change: built incrementally, against
  // JSON.stringify of the whole catalog (what a naive listener does per change).
  const document = new ServicesDocument(discovery.catalog);
  document.render();
  const docSamples: number[] = [];
  for (let k = 0; k < 200; k++) {
    flip((k * 31) % ENDPOINTS);
    const start = now();
    document.render();
    docSamples.push(now() - start);
  }
  const fullStart = now();
  JSON.stringify(servicesByName(discovery.catalog.list()));
  const fullDocMs = now() - fullStart;
  const sidecarWatchDocument = { ...summary(docSamples), bytes: document.render().length, baselineFullStringifyMs: Math.round(fullDocMs * 1000) / 1000 };
  document.close();

  await discovery.close();

  // HAProxy: render and validate the configuration for the whole catalog.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'griddle-bench-'));
  const file = path.join(dir, 'haproxy.cfg');
  const endpoints = discovery.catalog.list();
  const byNameStart = now();
  const services = servicesByName(endpoints);
  const byNameMs = now() - byNameStart;
  // The median of three renders: one sample on a shared machine is mostly GC and neighbours.
  let rendered = renderHaproxyConfig(services, { bindAddress: '127.0.0.1', statsSocket: path.join(dir, 'admin.sock') });
  const renders: number[] = [];
  for (let k = 0; k < 3; k++) {
    const renderStart = now();
    rendered = renderHaproxyConfig(services, { bindAddress: '127.0.0.1', statsSocket: path.join(dir, 'admin.sock') });
    renders.push(now() - renderStart);
  }
  const renderMs = summary(renders).p50Ms;
  // Baseline: the same text joined from lines already built, the floor of producing those bytes.
  const lines = rendered.config.split('\n');
  const joins: number[] = [];
  for (let k = 0; k < 3; k++) {
    const joinStart = now();
    lines.map((line) => `${line}`).join('\n');
    joins.push(now() - joinStart);
  }
  const joinMs = summary(joins).p50Ms;
  fs.writeFileSync(file, rendered.config);
  const checkStart = now();
  execFileSync('haproxy', ['-c', '-q', '-f', file]);
  const validateMs = now() - checkStart;
  const minimal = path.join(dir, 'minimal.cfg');
  fs.writeFileSync(minimal, renderHaproxyConfig(servicesByName(endpoints.slice(0, 1)), { bindAddress: '127.0.0.1' }).config);
  const baseStart = now();
  execFileSync('haproxy', ['-c', '-q', '-f', minimal]);
  const validateBaselineMs = now() - baseStart;
  fs.rmSync(dir, { recursive: true, force: true });

  console.log(JSON.stringify({
    benchmark: 'discovery',
    endpoints: ENDPOINTS,
    services: SERVICES,
    ...machineLoad(),
    catalogFillMs: round(fillMs),
    watchSnapshot: snapshot,
    updateToWatchLatency: {
      from: "scheduler.events 'task' (the core's status update, applied to the catalog in the same call); fromRead: the start of the socket read that carried it",
      to: 'gRPC Watch client, in its own process, receives the change (same host, loopback)',
      sequential,
      burst: { client: 'unbatched (one change per message)', updates: BURST_UPDATES, updatesPerRead: 50, ...burst },
      burstAllInOneTick: { updates: BURST_UPDATES, ...burstOneTick },
      batched: {
        client: `maxChangesPerMessage ${BATCH}`,
        sequential: sequentialBatched,
        burst: { updates: BURST_UPDATES, updatesPerRead: 50, ...burstBatched },
        burstAllInOneTick: { updates: BURST_UPDATES, ...burstBatchedOneTick },
      },
      targetP99Ms: 100,
      sequentialMeetsTarget: sequential.p99Ms <= 100,
      burstMeetsTarget: burst.fromApplied.p99Ms <= 100,
      batchedBurstMeetsTarget: burstBatched.fromRead.p99Ms <= 100,
    },
    sidecarWatchDocumentPerChange: sidecarWatchDocument,
    baseline: {
      protobufEncodeChangeMs: round(encodeMs),
      protobufEncodeBurstMs: round(encodeMs * BURST_UPDATES),
      protobufEncodeOneReadBatchMs: round(encodeReadBatchMs),
      ratioSequentialP50ToEncode: round(sequential.p50Ms / encodeMs),
      ratioBurstP99ToEncodeBurst: round(burst.fromApplied.p99Ms / (encodeMs * BURST_UPDATES)),
      ratioBatchedBurstP99ToEncodeBurst: round(burstBatched.fromRead.p99Ms / (encodeMs * BURST_UPDATES)),
    },
    haproxy: {
      configBytes: rendered.config.length,
      frontends: (rendered.config.match(/^frontend /gm) ?? []).length,
      servers: (rendered.config.match(/^\tserver /gm) ?? []).length,
      catalogToServicesByNameMs: round(byNameMs),
      renderMs: round(renderMs),
      baselineJoinSameLinesMs: round(joinMs),
      ratioRenderToBaseline: round(renderMs / joinMs),
      validateMs: round(validateMs),
      baselineValidateMinimalMs: round(validateBaselineMs),
      ratioValidateToBaseline: round(validateMs / validateBaselineMs),
    },
  }, null, 2));
}

main().catch((err: Error) => {
  console.error(err);
  process.exit(1);
});
