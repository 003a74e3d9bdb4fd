/**
 * REST API benchmark, printed as JSON: p50/p99 latency and requests per second of
 * `GET /api/tasks/active` and `GET /api/requests` with `--tasks` running tasks (default 10,000), measured with
 * autocannon against a real griddle-scheduler (its own process) whose tasks run on mesos-local
 * agents with the simulated containerizer (no processes). Baselines from the same run, in a
 * third process: a bare express endpoint answering `{"ok":true}`, and a bare express endpoint
 * sending a prebuilt body the size of the tasks list (the cost of moving those bytes at all).
 * Also the list's render after a change: a task is killed, and the first GET after its end
 * (the cached list is stale) is timed, one request at a time, against one GET of the same bytes.
 * Run: `npm run build && node dist/bench/api.js [--tasks 10000] [--seconds 10]`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { until } from '../test/support/kit';
import { machineLoad, nowMs, numberFlag, summary } from './bench-kit';

const argv = process.argv.slice(2);
const TASKS = numberFlag(argv, 'tasks', Number(process.env.BENCH_TASKS ?? 10_000));
const REQUESTS = 100;
const PER_REQUEST = Math.ceil(TASKS / REQUESTS);
const SECONDS = numberFlag(argv, 'seconds', Number(process.env.BENCH_SECONDS ?? 10));
const CHANGES = 30;
const CONNECTIONS = 10;
const DIST = path.resolve(__dirname, '..');
const GZIP = { 'accept-encoding': 'gzip' };
/** Servers still starting refuse connections: those probes are retried. */
const POLL = { intervalMs: 250, retryErrors: true };

const children: ChildProcess[] = [];
function start(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  const child = spawn(process.execPath, args, { env: { ...process.env, GRIDDLE_LOG_LEVEL: 'error', GRIDDLE_LOG_JSON: '1', ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  children.push(child);
  return child;
}

async function post(url: string, body: unknown): Promise<void> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`POST ${url} → ${res.status} ${await res.text()}`);
}

interface Result { p50Ms: number; p99Ms: number; rps: number; bytesPerResponse: number; errors: number; non2xx: number }

async function load(url: string, headers: Record<string, string> = {}): Promise<Result> {
  const r = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS, headers });
  return {
    p50Ms: r.latency.p50, p99Ms: r.latency.p99, rps: Math.round(r.requests.average),
    bytesPerResponse: Math.round(r.throughput.total / Math.max(1, r.requests.total)), errors: r.errors, non2xx: r.non2xx,
  };
}

/** One GET on its own, read to the end: its milliseconds. */
async function timedGet(url: string): Promise<number> {
  const start = nowMs();
  const res = await fetch(url);
  await res.arrayBuffer();
  if (!res.ok) throw new Error(`GET ${url} → ${res.status}`);
  return nowMs() - start;
}

/**
 * Kills one task at a time and times the first GET of the list once the kill has landed (the
 * task's own URL answers 404): every one of these GETs renders the list after a change.
 */
async function renderAfterChange(api: string): Promise<number[]> {
  const samples: number[] = [];
  const tasks = (await (await fetch(`${api}/api/tasks/active`)).json()) as { taskId: { id: string } }[];
  for (let k = 0; k < CHANGES; k++) {
    const id = tasks[(k * 7919) % tasks.length]!.taskId.id;
    const res = await fetch(`${api}/api/tasks/task/${encodeURIComponent(id)}`, { method: 'DELETE', headers: { 'content-type': 'application/json' }, body: '{}' });
    if (!res.ok) throw new Error(`DELETE task ${id} → ${res.status} ${await res.text()}`);
    await until(async () => (await fetch(`${api}/api/tasks/task/${encodeURIComponent(id)}`)).status === 404, `task ${id} killed`, 60_000, POLL);
    samples.push(await timedGet(`${api}/api/tasks/active`));
  }
  return samples;
}

async function main(): Promise<void> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'griddle-bench-api-'));
  const masterPort = 42_000 + Math.floor(Math.random() * 3000);
  const apiPort = masterPort + 4000;
  const basePort = apiPort + 1;
  const agents = Math.max(10, Math.ceil(TASKS / 100));
  start([path.join(DIST, 'mesos-local', 'main.js'), '--port', String(masterPort), '--agents', String(agents), '--containerizer', 'simulated',
    '--resources', 'cpus:64;mem:65536;disk:100000;ports:[31000-31100]', '--allocation-interval', '100', '--work-dir', path.join(work, 'agents')]);
  const master = `http://127.0.0.1:${masterPort}`;
  await until(async () => (await fetch(`${master}/master/state`)).ok, 'mesos-local', 60_000, POLL);
  start([path.join(DIST, 'scheduler', 'main.js'), '--master', master, '--state-dir', path.join(work, 'state'), '--port', String(apiPort), '--discovery-port', '0', '--grpc-port', '0']);
  const api = `http://127.0.0.1:${apiPort}`;
  await until(async () => (await fetch(`${api}/healthz`)).ok, 'griddle-scheduler', 60_000, POLL);

  const startedAt = Date.now();
  for (let i = 0; i < REQUESTS; i++) {
    const id = `bench_${String(i).padStart(3, '0')}`;
    await post(`${api}/api/requests`, { id, requestType: 'SERVICE', instances: PER_REQUEST });
    await post(`${api}/api/deploys`, {
      deploy: { requestId: id, id: 'v1', resources: { cpus: 0.01, memoryMb: 1, numPorts: 0 }, containerInfo: { type: 'DOCKER', docker: { image: `bench/${id}:1` } } },
    });
  }
  const running = await until(async () => {
    const state = (await (await fetch(`${api}/api/state`)).json()) as { activeTasks: number };
    return state.activeTasks >= REQUESTS * PER_REQUEST ? state.activeTasks : undefined;
  }, 'all tasks running', 600_000, POLL);
  const rampSeconds = (Date.now() - startedAt) / 1000;

  // Baselines in their own process, like the scheduler: a tiny answer, and the same bytes as the task list.
  const sample = Buffer.from(await (await fetch(`${api}/api/tasks/active`)).arrayBuffer());
  const samplePath = path.join(work, 'tasks-active.json');
  fs.writeFileSync(samplePath, sample);
  const baselineScript = `
    const express = require(${JSON.stringify(require.resolve('express'))});
    const fs = require('node:fs');
    const body = fs.readFileSync(${JSON.stringify(samplePath)});
    const gz = require('node:zlib').gzipSync(body, { level: 1 });
    const app = express();
    app.get('/same-size-gzip', (_req, res) => { res.type('application/json').set('Content-Encoding', 'gzip').send(gz); });
    app.get('/bare', (_req, res) => { res.json({ ok: true }); });
    app.get('/same-size', (_req, res) => { res.type('application/json').send(body); });
    app.listen(${basePort}, '127.0.0.1');`;
  const baselineChild = spawn(process.execPath, ['-e', baselineScript], { stdio: ['ignore', 'ignore', 'inherit'] });
  children.push(baselineChild);
  const base = `http://127.0.0.1:${basePort}`;
  await until(async () => (await fetch(`${base}/bare`)).ok, 'baseline server', 30_000, POLL);

  const afterChange = summary(await renderAfterChange(api));
  const sameBytesOnce: number[] = [];
  for (let k = 0; k < CHANGES; k++) sameBytesOnce.push(await timedGet(`${base}/same-size`));
  const sameBytesOnceSummary = summary(sameBytesOnce);
  const bare = await load(`${base}/bare`);
  const sameSize = await load(`${base}/same-size`);
  const sameSizeGzip = await load(`${base}/same-size-gzip`, GZIP);
  const tasksActive = await load(`${api}/api/tasks/active`);
  const tasksActiveGzip = await load(`${api}/api/tasks/active`, GZIP);
  const requests = await load(`${api}/api/requests`);
  const requestsGzip = await load(`${api}/api/requests`, GZIP);
  const ratio = (a: number, b: number): number => Math.round((a / b) * 100) / 100;
  process.stdout.write(`${JSON.stringify({
    benchmark: 'griddle REST API', ...machineLoad(),
    tasks: running, requests: REQUESTS, agents, connections: CONNECTIONS, secondsPerRun: SECONDS, rampToAllRunningSeconds: rampSeconds,
    'GET /api/tasks/active': { ...tasksActive, p99VsSameSizeBaseline: ratio(tasksActive.p99Ms, sameSize.p99Ms), rpsVsSameSizeBaseline: ratio(tasksActive.rps, sameSize.rps) },
    'GET /api/tasks/active (Accept-Encoding: gzip)': { ...tasksActiveGzip, p99VsSameSizeGzipBaseline: ratio(tasksActiveGzip.p99Ms, sameSizeGzip.p99Ms), rpsVsSameSizeGzipBaseline: ratio(tasksActiveGzip.rps, sameSizeGzip.rps) },
    'GET /api/requests': { ...requests, p99VsBareBaseline: ratio(requests.p99Ms, bare.p99Ms), rpsVsBareBaseline: ratio(requests.rps, bare.rps) },
    'GET /api/requests (Accept-Encoding: gzip)': { ...requestsGzip, p99VsBareBaseline: ratio(requestsGzip.p99Ms, bare.p99Ms), rpsVsBareBaseline: ratio(requestsGzip.rps, bare.rps) },
    'GET /api/tasks/active, first GET after a task changed': {
      ...afterChange, bytes: sample.length,
      baseline: { 'one GET of the same bytes from bare express': sameBytesOnceSummary },
      p50VsBaseline: ratio(afterChange.p50Ms, sameBytesOnceSummary.p50Ms), p99VsBaseline: ratio(afterChange.p99Ms, sameBytesOnceSummary.p99Ms),
    },
    baselines: { 'bare express {"ok":true}': bare, 'bare express, body the size of /api/tasks/active': sameSize, 'bare express, that body gzipped': sameSizeGzip },
    targetP99Ms: 50,
    meetsTargetUncompressed: tasksActive.p99Ms <= 50 && requests.p99Ms <= 50,
    meetsTargetGzip: tasksActiveGzip.p99Ms <= 50 && requestsGzip.p99Ms <= 50,
  }, null, 2)}\n`);
  for (const c of children) c.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 1000));
  fs.rmSync(work, { recursive: true, force: true });
}

main().catch((err: Error) => {
  for (const c of children) c.kill('SIGKILL');
  process.stderr.write(`bench/api: ${err.message}\n`);
  process.exit(1);
});
