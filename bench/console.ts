/**
 * Web console benchmark, printed as JSON: time to first render of the overview (summary and
 * the first rows of the requests table) with 1,000 requests and 10,000 running tasks, in
 * Debian's chromium, against a real griddle-scheduler whose tasks run on mesos-local agents
 * with the simulated containerizer. Baseline from the same run and the same browser: loading
 * a blank HTML page from a bare node server. Also: how many table rows the DOM holds (the
 * table is virtualized) and frame times while scrolling it top to bottom.
 * Run: `npm run build && node dist/bench/console.js` (env BENCH_REQUESTS, BENCH_TASKS, BENCH_RUNS).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../test/support/browser';
import { ensureConsoleBuilt, until } from '../test/support/kit';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 1000);
const TASKS = Number(process.env.BENCH_TASKS ?? 10_000);
const PER_REQUEST = Math.ceil(TASKS / REQUESTS);
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const DIST = path.resolve(__dirname, '..');
const POLL = { intervalMs: 500, retryErrors: true };
const FIRST_ROW = 'table.grid tbody tr[aria-rowindex="2"] a';

const children: ChildProcess[] = [];
function start(args: string[]): ChildProcess {
  const child = spawn(process.execPath, args, { env: { ...process.env, GRIDDLE_LOG_LEVEL: 'error', GRIDDLE_LOG_JSON: '1' }, stdio: ['ignore', 'ignore', 'inherit'] });
  children.push(child);
  return child;
}

async function post(url: string, body: unknown): Promise<void> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`POST ${url} → ${res.status} ${await res.text()}`);
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const percentile = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];
const round = (n: number): number => Math.round(n * 10) / 10;

/** Wall time from navigation start until `selector` is on screen, in a fresh context (cold cache) each run. */
async function timeToSelector(browser: Browser, url: string, selector: string): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const t0 = Date.now();
    await page.goto(url, { waitUntil: 'commit' });
    await page.locator(selector).first().waitFor({ state: 'visible', timeout: 60_000 });
    times.push(Date.now() - t0);
    await context.close();
  }
  return times;
}

/** Frame intervals while the requests table scrolls to the bottom in 30 steps, one per frame. */
async function scrollFrames(browser: Browser, url: string): Promise<{ domRows: number; frameMsP50: number; frameMsP95: number }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(url);
  await page.locator(FIRST_ROW).waitFor();
  const domRows = await page.locator('table.grid tbody tr').count();
  // A string: this file is compiled without the DOM's types.
  const frames = await page.evaluate<number[]>(`new Promise((resolve) => {
    const el = document.querySelector('.scroller');
    const steps = 30, out = [];
    let i = 0, last = performance.now();
    const step = (now) => {
      out.push(now - last); last = now;
      if (i++ === steps) return resolve(out.slice(1));
      el.scrollTop = (el.scrollHeight - el.clientHeight) * i / steps;
      requestAnimationFrame(step);
    };
    requestAnimationFrame(step);
  })`);
  await page.close();
  return { domRows, frameMsP50: round(median(frames)), frameMsP95: round(percentile(frames, 0.95)) };
}

async function main(): Promise<void> {
  ensureConsoleBuilt();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'griddle-bench-console-'));
  const masterPort = 45_000 + Math.floor(Math.random() * 3000);
  const apiPort = masterPort + 4000;
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
    const id = `svc_${String(i).padStart(4, '0')}`;
    await post(`${api}/api/requests`, { id, requestType: 'SERVICE', instances: PER_REQUEST });
    await post(`${api}/api/deploys`, {
      deploy: { requestId: id, id: 'v1', resources: { cpus: 0.01, memoryMb: 1, numPorts: 0 }, containerInfo: { type: 'DOCKER', docker: { image: `bench/${id}:1` } } },
    });
  }
  const running = await until(async () => {
    const state = (await (await fetch(`${api}/api/state`)).json()) as { activeTasks: number };
    return state.activeTasks >= REQUESTS * PER_REQUEST ? state.activeTasks : undefined;
  }, 'all tasks running', 900_000, POLL);
  const rampSeconds = (Date.now() - startedAt) / 1000;

  const blank = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>blank</title><p id="blank">blank</p>'));
  await new Promise<void>((resolve) => blank.listen(0, '127.0.0.1', resolve));
  const blankUrl = `http://127.0.0.1:${(blank.address() as AddressInfo).port}/`;

  const browser = await launchChromium();
  try {
    // One warm-up of each, so neither pays for the browser's own first start.
    await timeToSelector(browser, blankUrl, '#blank');
    const blankMs = await timeToSelector(browser, blankUrl, '#blank');
    const overviewMs = await timeToSelector(browser, `${api}/ui/`, FIRST_ROW);
    const scrolling = await scrollFrames(browser, `${api}/ui/`);
    const slim = Buffer.byteLength(await (await fetch(`${api}/api/slim/requests?limit=1000`)).text());
    const ratio = Math.round((median(overviewMs) / Math.max(1, median(blankMs))) * 100) / 100;
    process.stdout.write(`${JSON.stringify({
      benchmark: 'griddle web console: overview first render',
      requests: REQUESTS, tasks: running, agents, runs: RUNS, rampToAllRunningSeconds: rampSeconds,
      overviewFirstRenderMs: { median: median(overviewMs), max: Math.max(...overviewMs), all: overviewMs },
      baselineBlankPageMs: { median: median(blankMs), max: Math.max(...blankMs), all: blankMs },
      overviewVsBlankRatio: ratio,
      slimRequestsBytes: slim,
      scrolling: { ...scrolling, tableRows: REQUESTS },
      targetMs: 1000,
      meetsTarget: median(overviewMs) <= 1000,
    }, null, 2)}\n`);
  } finally {
    await browser.close();
    blank.close();
    for (const c of children) c.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 1000));
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err: Error) => {
  for (const c of children) c.kill('SIGKILL');
  process.stderr.write(`bench/console: ${err.message}\n`);
  process.exit(1);
});
