/**
 * Web console benchmark, printed as JSON: time to first render of the overview (summary and
 * the first rows of the requests table) with 1,000 requests and 10,000 running tasks, in
 * Debian's chromium, against a real griddle-scheduler whose tasks run on mesos-local agents
 * with the simulated containerizer. Baseline from the same run and the same browser: loading
 * a blank HTML page from a bare node server. Also: how many table rows the DOM holds (the
 * table is virtualized) and frame times while scrolling it top to bottom.
 * Run: `npm run build && node dist/bench/console.js` (env BENCH_REQUESTS, BENCH_TASKS, BENCH_RUNS).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../test/support/browser';
import { ensureConsoleBuilt } from '../test/support/kit';
import { type SimulatedCluster, startSimulatedCluster } from './simulated-cluster';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 1000);
const TASKS = Number(process.env.BENCH_TASKS ?? 10_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const FIRST_ROW = 'table.grid tbody tr[aria-rowindex="2"] a';

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

let cluster: SimulatedCluster | undefined;

async function main(): Promise<void> {
  ensureConsoleBuilt();
  cluster = await startSimulatedCluster({ tasks: TASKS, requests: REQUESTS, idPrefix: 'svc_' });
  const { api, agents, running, rampToAllRunningSeconds: rampSeconds } = cluster;

  const blank = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>blank</title><p id="blank">blank</p>'));
  await new Promise<void>((resolve) => blank.listen(0, '127.0.0.1', resolve));
  const blankUrl = `http://127.0.0.1:${(blank.address() as AddressInfo).port}/`;

  const browser = await launchChromium();
  try {
    // A warm-up, so the first measured run does not pay for the browser's own start.
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
    await cluster.stop();
  }
}

main().catch((err: Error) => {
  cluster?.kill();
  process.stderr.write(`bench/console: ${err.message}\n`);
  process.exit(1);
});
