/**
 * Discovery benchmark, printed as JSON. With 10,000 endpoints in the catalog:
 * - latency from a task update published by the scheduler core (`scheduler.events 'task'`, what
 *   the core emits once a status update is applied) to a gRPC Watch client receiving the change,
 *   one update at a time and in a burst; baseline: encoding the same change with protobufjs;
 * - time to render the HAProxy configuration and validate it with `haproxy -c`; baseline:
 *   `haproxy -c` of the configuration of a single endpoint (mostly the process start).
 * - the cost of the Sidecar /api/watch document per change, against stringifying the catalog.
 * Run: `npm run build && node dist/bench/discovery.js`.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import protobuf from 'protobufjs';
import { renderHaproxyConfig } from '../cli/haproxy';
import { Scheduler } from '../scheduler/core';
import {
  createDiscovery, createDiscoveryClient, discoveryProtoPath, servicesByName, ServicesDocument, toChangeMessage, type WatchEvent,
} from '../scheduler/discovery';
import type { TaskRecord } from '../scheduler/model';
import { MemoryStateStore } from '../scheduler/state';

const ENDPOINTS = 10_000;
const SERVICES = 100;
const SEQUENTIAL_UPDATES = 2_000;
const BURST_UPDATES = 2_000;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

function summary(samplesMs: number[]): { p50Ms: number; p99Ms: number; maxMs: number; n: number } {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const round = (x: number): number => Math.round(x * 1000) / 1000;
  return { p50Ms: round(percentile(sorted, 50)), p99Ms: round(percentile(sorted, 99)), maxMs: round(sorted[sorted.length - 1] ?? NaN), n: sorted.length };
}

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

function now(): number {
  return Number(process.hrtime.bigint()) / 1e6;
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

  const client = createDiscoveryClient(`127.0.0.1:${discovery.grpcPort}`);
  const sentAt = new Map<number, number>();
  const latencies: number[] = [];
  let waiting: { revision: number; resolve: () => void } | undefined;
  let snapshotSize = 0;
  const snapshotStart = now();
  let snapshotMs = 0;
  const stream = client.watch({});
  const gotSnapshot = new Promise<void>((resolve) => {
    stream.on('data', (e: WatchEvent) => {
      if (e.snapshot) {
        snapshotSize = e.snapshot.endpoints.length;
        snapshotMs = now() - snapshotStart;
        resolve();
        return;
      }
      const revision = e.change?.revision ?? -1;
      const start = sentAt.get(revision);
      if (start !== undefined) latencies.push(now() - start);
      if (waiting && revision >= waiting.revision) {
        const w = waiting;
        waiting = undefined;
        w.resolve();
      }
    });
  });
  stream.on('error', () => undefined);
  await gotSnapshot;

  // Each update turns an endpoint's health verdict around, so every one is a catalog change.
  const flip = (i: number): number => {
    const revision = discovery.catalog.revision + 1;
    const t = task(i, scheduler.tasks.get(task(i, true).taskId)?.healthy === false);
    sentAt.set(revision, now());
    publish(t);
    return revision;
  };

  // One update at a time: each waits for the previous one to arrive.
  for (let k = 0; k < SEQUENTIAL_UPDATES; k++) {
    const i = (k * 7919) % ENDPOINTS;
    await new Promise<void>((resolve) => {
      waiting = { revision: flip(i), resolve };
    });
  }
  const sequential = summary(latencies.splice(0));

  // A burst: every update published back to back, as after a large deploy step.
  await new Promise<void>((resolve) => {
    let last = 0;
    for (let k = 0; k < BURST_UPDATES; k++) last = flip((k * 104729) % ENDPOINTS);
    waiting = { revision: last, resolve };
  });
  const burst = summary(latencies.splice(0));

  // Baseline: protobufjs encoding of one change message, the floor of any gRPC delivery.
  const WatchEventType = protobuf.loadSync(discoveryProtoPath()).lookupType('griddle.discovery.v1.WatchEvent');
  const sample = { change: toChangeMessage({ revision: 1, endpoint: discovery.catalog.list()[0]!, previousStatus: 'ALIVE' }) };
  const encodeRounds = 20_000;
  for (let k = 0; k < 2000; k++) WatchEventType.encode(WatchEventType.fromObject(sample)).finish();
  const encStart = now();
  for (let k = 0; k < encodeRounds; k++) WatchEventType.encode(WatchEventType.fromObject(sample)).finish();
  const encodeMs = (now() - encStart) / encodeRounds;

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

  client.close();
  await discovery.close();

  // HAProxy: render and validate the configuration for the whole catalog.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'griddle-bench-'));
  const file = path.join(dir, 'haproxy.cfg');
  const endpoints = discovery.catalog.list();
  const renderStart = now();
  const rendered = renderHaproxyConfig(servicesByName(endpoints), { bindAddress: '127.0.0.1', statsSocket: path.join(dir, 'admin.sock') });
  const renderMs = now() - renderStart;
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

  const round = (x: number): number => Math.round(x * 1000) / 1000;
  console.log(JSON.stringify({
    benchmark: 'discovery',
    endpoints: ENDPOINTS,
    services: SERVICES,
    cpus: os.cpus().length,
    catalogFillMs: round(fillMs),
    watchSnapshot: { endpoints: snapshotSize, ms: round(snapshotMs) },
    updateToWatchLatency: {
      from: "scheduler.events 'task' (status update applied by the core)",
      to: 'gRPC Watch client receives the change (same host, loopback)',
      sequential,
      burst,
      targetP99Ms: 100,
      sequentialMeetsTarget: sequential.p99Ms <= 100,
    },
    sidecarWatchDocumentPerChange: sidecarWatchDocument,
    baseline: { protobufEncodeChangeMs: round(encodeMs), ratioSequentialP50ToEncode: round(sequential.p50Ms / encodeMs) },
    haproxy: {
      configBytes: rendered.config.length,
      frontends: (rendered.config.match(/^frontend /gm) ?? []).length,
      servers: (rendered.config.match(/^\tserver /gm) ?? []).length,
      renderMs: round(renderMs),
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
