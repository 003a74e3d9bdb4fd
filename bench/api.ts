/**
 * REST API benchmark, printed as JSON: p50/p99 latency and requests per second of
 * `GET /api/tasks/active`, `GET /api/requests` and the console's slim pages (`/api/slim/*`)
 * with `--tasks` running tasks (default 10,000), measured with
 * autocannon against a real griddle-scheduler (its own process) whose tasks run on mesos-local
 * agents with the simulated containerizer (no processes). Baselines from the same run, in a
 * third process: a bare express endpoint answering `{"ok":true}`, and a bare express endpoint
 * sending a prebuilt body the size of the tasks list (the cost of moving those bytes at all).
 * Also renders after a change: a task is killed, and the first GET after its end (the cached
 * answer is stale) is timed, one request at a time: of the task list, against one GET of the
 * same bytes, and of the slim overview and agents list, against one GET of `{"ok":true}`.
 * Run: `npm run build && node dist/bench/api.js [--tasks 10000] [--seconds 10]`.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { freePort, until } from '../test/support/kit';
import { machineLoad, nowMs, numberFlag, summary } from './bench-kit';
import { type SimulatedCluster, startSimulatedCluster } from './simulated-cluster';

const argv = process.argv.slice(2);
const TASKS = numberFlag(argv, 'tasks', Number(process.env.BENCH_TASKS ?? 10_000));
const REQUESTS = 100;
const SECONDS = numberFlag(argv, 'seconds', Number(process.env.BENCH_SECONDS ?? 10));
const CHANGES = 30;
const CONNECTIONS = 10;
const GZIP = { 'accept-encoding': 'gzip' };
/** Servers still starting refuse connections: those probes are retried. */
const POLL = { intervalMs: 250, retryErrors: true };

interface Result { p50Ms: number; p99Ms: number; rps: number; bytesPerResponse: number; errors: number; non2xx: number }

async function load(url: string, headers: Record<string, string> = {}): Promise<Result> {
  const r = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS, headers });
  return {
    p50Ms: r.latency.p50, p99Ms: r.latency.p99, rps: Math.round(r.requests.average),
    bytesPerResponse: Math.round(r.throughput.total / Math.max(1, r.requests.total)), errors: r.errors, non2xx: r.non2xx,
  };
}

let cluster: SimulatedCluster | undefined;

/** One GET on its own, read to the end: its milliseconds. */
async function timedGet(url: string): Promise<number> {
  const start = nowMs();
  const res = await fetch(url);
  await res.arrayBuffer();
  if (!res.ok) throw new Error(`GET ${url} → ${res.status}`);
  return nowMs() - start;
}

/**
 * Kills one task at a time and, once the kill has landed (the task's own URL answers 404),
 * times the first GET of the next path in `paths`: every one of these GETs renders its answer
 * after a change. CHANGES samples per path.
 */
async function renderAfterChange(api: string, paths: string[]): Promise<Map<string, number[]>> {
  const samples = new Map(paths.map((p) => [p, [] as number[]]));
  for (let k = 0; k < CHANGES; k++) {
    for (const [p, times] of samples) {
      const id = liveTaskIds[(killed++ * 7919) % liveTaskIds.length]!;
      const res = await fetch(`${api}/api/tasks/task/${encodeURIComponent(id)}`, { method: 'DELETE', headers: { 'content-type': 'application/json' }, body: '{}' });
      if (!res.ok) throw new Error(`DELETE task ${id} → ${res.status} ${await res.text()}`);
      await until(async () => (await fetch(`${api}/api/tasks/task/${encodeURIComponent(id)}`)).status === 404, `task ${id} killed`, 60_000, POLL);
      times.push(await timedGet(`${api}${p}`));
    }
  }
  return samples;
}

/** The tasks running when the measurements start, killed one by one (7919 is prime to their count: no task twice). */
let liveTaskIds: string[] = [];
let killed = 0;

async function main(): Promise<void> {
  cluster = await startSimulatedCluster({ tasks: TASKS, requests: REQUESTS, idPrefix: 'bench_' });
  const { api, agents, running, rampToAllRunningSeconds: rampSeconds } = cluster;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'griddle-bench-api-'));
  const basePort = await freePort();

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
  cluster.adopt(spawn(process.execPath, ['-e', baselineScript], { stdio: ['ignore', 'ignore', 'inherit'] }));
  const base = `http://127.0.0.1:${basePort}`;
  await until(async () => (await fetch(`${base}/bare`)).ok, 'baseline server', 30_000, POLL);

  liveTaskIds = ((await (await fetch(`${api}/api/tasks/active`)).json()) as { taskId: { id: string } }[]).map((t) => t.taskId.id);
  const afterChange = summary((await renderAfterChange(api, ['/api/tasks/active'])).get('/api/tasks/active')!);
  const sameBytesOnce: number[] = [];
  const bareOnce: number[] = [];
  for (let k = 0; k < CHANGES; k++) {
    sameBytesOnce.push(await timedGet(`${base}/same-size`));
    bareOnce.push(await timedGet(`${base}/bare`));
  }
  const sameBytesOnceSummary = summary(sameBytesOnce);
  const bareOnceSummary = summary(bareOnce);
  // The overview and the agents list, each GET the first after a change of its own.
  const slimAfter: Record<string, ReturnType<typeof summary> & { p99VsBaseline: number }> = {};
  for (const [p, times] of await renderAfterChange(api, ['/api/slim/overview', '/api/slim/agents'])) {
    const r = summary(times);
    slimAfter[`GET ${p}, first GET after a task changed`] = { ...r, p99VsBaseline: Math.round((r.p99Ms / bareOnceSummary.p99Ms) * 100) / 100 };
  }
  const bare = await load(`${base}/bare`);
  const sameSize = await load(`${base}/same-size`);
  const sameSizeGzip = await load(`${base}/same-size-gzip`, GZIP);
  const tasksActive = await load(`${api}/api/tasks/active`);
  const tasksActiveGzip = await load(`${api}/api/tasks/active`, GZIP);
  const requests = await load(`${api}/api/requests`);
  const requestsGzip = await load(`${api}/api/requests`, GZIP);
  // The console's slim pages: one page of 100 rows from the middle of each list.
  const slim: Record<string, Result & { p99VsBareBaseline: number }> = {};
  for (const page of [`/api/slim/requests?offset=${REQUESTS / 2}&limit=100`, `/api/slim/tasks?offset=${Math.floor(running / 2)}&limit=100`, '/api/slim/overview', '/api/slim/agents']) {
    const r = await load(`${api}${page}`);
    slim[`GET ${page}`] = { ...r, p99VsBareBaseline: Math.round((r.p99Ms / bare.p99Ms) * 100) / 100 };
  }
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
    ...slim,
    ...slimAfter,
    'baseline for the first GETs after a change: one GET of {"ok":true} from bare express': bareOnceSummary,
    slimMeetsTarget: [...Object.values(slim), ...Object.values(slimAfter)].every((r) => r.p99Ms <= 50),
    baselines: { 'bare express {"ok":true}': bare, 'bare express, body the size of /api/tasks/active': sameSize, 'bare express, that body gzipped': sameSizeGzip },
    targetP99Ms: 50,
    meetsTargetUncompressed: tasksActive.p99Ms <= 50 && requests.p99Ms <= 50,
    meetsTargetGzip: tasksActiveGzip.p99Ms <= 50 && requestsGzip.p99Ms <= 50,
  }, null, 2)}\n`);
  await cluster.stop();
  fs.rmSync(work, { recursive: true, force: true });
}

main().catch((err: Error) => {
  cluster?.kill();
  process.stderr.write(`bench/api: ${err.stack ?? err.message}${err.cause ? ` (cause: ${String((err.cause as Error).message ?? err.cause)})` : ""}\n`);
  process.exit(1);
});
