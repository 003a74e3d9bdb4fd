import { numberFlag, percentile, summary } from '../../../bench/bench-kit';
import { figuresOf, num } from '../../../bench/bench-figures';
import { benchPlan, parseRunAllArgs, selectRuns } from '../../../bench/bench-plan';
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../../support/repo-root';
import { formatTable, mergeResults, parseBenchOutput, type RunResult } from '../../../bench/bench-report';

const run = (output: unknown, over: Partial<RunResult> = {}): RunResult => ({
  scale: 'quick', ok: true, startedAt: '2026-11-30T09:00:00.000Z', seconds: 12, loadAverage1m: { before: 3.5, after: 4 }, cpus: 2, args: [], output, ...over,
});

const discoveryOutput = {
  endpoints: 1000,
  updateToWatchLatency: { sequential: { p99Ms: 2 }, burst: { updates: 100, fromApplied: { p99Ms: 40 }, applyAllMs: 10 }, batched: { burst: { fromRead: { p99Ms: 5 } } } },
  baseline: { protobufEncodeChangeMs: 0.01 },
  haproxy: { servers: 900, renderMs: 30, baselineJoinSameLinesMs: 10 },
};

describe('parseBenchOutput', () => {
  it('reads a whole-JSON stdout, or the last top-level object after progress lines', () => {
    expect(parseBenchOutput('{"a":1}\n')).toEqual({ a: 1 });
    expect(parseBenchOutput('starting…\n{\n  "a": {\n    "b": 2\n  }\n}\n')).toEqual({ a: { b: 2 } });
    expect(() => parseBenchOutput('no json here')).toThrow(/no JSON object/);
  });
});

describe('figuresOf', () => {
  it('pairs each figure with its same-run baseline and the ratio', () => {
    const figures = figuresOf('discovery', discoveryOutput);
    expect(figures.find((f) => f.figure.endsWith('one change per message'))).toMatchObject({ value: 40, baselineValue: 1, ratio: 40, unit: 'ms' });
    expect(figures.find((f) => f.figure.includes('batched'))).toMatchObject({ value: 5, baselineValue: 1, ratio: 5, target: '≤ 100 ms' });
    expect(figures.find((f) => f.figure.startsWith('HAProxy config render (900 servers)'))).toMatchObject({ value: 30, baselineValue: 10, ratio: 3 });
  });

  it('leaves out figures a benchmark did not print, and has no ratio without a baseline', () => {
    const figures = figuresOf('discovery', discoveryOutput);
    expect(figures.some((f) => f.figure.startsWith('Sidecar'))).toBe(false);
    expect(figuresOf('scheduling', { schedulerPeakRssMb: 700 })).toEqual([
      { bench: 'scheduling', figure: 'scheduler peak RSS', value: 700, unit: 'MB', target: '≤ 1,536 MB at full scale' },
    ]);
    expect(figuresOf('unknown-bench', { a: 1 })).toEqual([]);
  });

  it('reads paths whose keys hold spaces and slashes', () => {
    expect(num({ 'GET /api/x': { p99Ms: 3 } }, ['GET /api/x', 'p99Ms'])).toBe(3);
    expect(num({ a: '3' }, ['a'])).toBeNull();
    expect(num(null, ['a'])).toBeNull();
  });
});

describe('mergeResults', () => {
  it('replaces the benchmarks run now, keeps the others, and recomputes the figures', () => {
    const first = mergeResults(undefined, { discovery: run(discoveryOutput), scheduling: run({ schedulerPeakRssMb: 700 }) }, new Date(0));
    const second = mergeResults(first, { scheduling: run({ schedulerPeakRssMb: 650 }, { scale: 'full' }) }, new Date(1000));
    expect(Object.keys(second.runs).sort()).toEqual(['discovery', 'scheduling']);
    expect(second.runs.scheduling?.scale).toBe('full');
    expect(second.figures.find((f) => f.bench === 'scheduling')?.value).toBe(650);
    expect(second.figures.filter((f) => f.bench === 'discovery')).toEqual(first.figures.filter((f) => f.bench === 'discovery'));
    expect(second.generatedAt).toBe('1970-01-01T00:00:01.000Z');
  });

  it('gives a failed run no figures', () => {
    expect(mergeResults(undefined, { api: run(undefined, { ok: false, error: 'exit code 1' }) }, new Date(0)).figures).toEqual([]);
  });
});

describe('formatTable', () => {
  it('prints one row per figure with baseline and ratio, and one per failed benchmark', () => {
    const results = mergeResults(undefined, {
      discovery: run(discoveryOutput),
      api: run(undefined, { ok: false, error: 'timed out | waiting\nsecond line' }),
    }, new Date(0));
    const lines = formatTable(results).trimEnd().split('\n');
    expect(lines[0]).toBe('| benchmark | scale | figure | value | baseline (same run) | baseline value | ratio | target |');
    expect(lines).toContain('| discovery | quick (load 3.5/2) | HAProxy config render (900 servers) | 30 ms | joining the same lines | 10 ms | 3× |  |');
    expect(lines).toContain('| discovery | quick (load 3.5/2) | gRPC Watch p99, one change at a time (1000 endpoints) | 2 ms | protobufjs encode of one change | 0.01 ms | 200× | ≤ 100 ms |');
    expect(lines[lines.length - 1]).toBe('| api | quick | **failed** | — | timed out \\| waiting | — | — | |');
    expect(lines).toHaveLength(2 + results.figures.length + 1);
  });
});

describe('the plan and its flags', () => {
  it('parses --scale, --only and --out, and names the flag in errors', () => {
    expect(parseRunAllArgs([], 'r.json')).toEqual({ scale: 'quick', out: 'r.json' });
    expect(parseRunAllArgs(['--scale', 'full', '--only', 'api, discovery', '--out', 'x.json'], 'r.json')).toEqual({ scale: 'full', only: ['api', 'discovery'], out: 'x.json' });
    expect(() => parseRunAllArgs(['--scale', 'huge'], 'r.json')).toThrow(/--scale: expected quick or full, got 'huge'/);
    expect(() => parseRunAllArgs(['--fast'], 'r.json')).toThrow(/unknown flag '--fast'/);
  });

  it('has a run for every benchmark file under bench/ (files that print a result: not the shared helpers)', () => {
    const helpers = new Set(['bench-kit', 'bench-figures', 'bench-plan', 'bench-report', 'run-all', 'simulated-cluster', 'watch-client', 'bench-processes', 'zk-floor', 'heap-snapshot']);
    const files = fs.readdirSync(path.join(REPO_ROOT, 'bench')).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3)).filter((f) => !helpers.has(f));
    expect(benchPlan('quick').map((r) => r.name).sort()).toEqual(files.sort());
  });

  it('runs every benchmark file, passes the full sizes to the scale benchmarks, and rejects unknown names', () => {
    const names = benchPlan('quick').map((r) => r.name);
    expect(names).toEqual(benchPlan('full').map((r) => r.name));
    expect(benchPlan('full').find((r) => r.name === 'scheduling')?.args).toEqual(['--agents', '10000', '--instances', '100000']);
    expect(selectRuns(benchPlan('quick'), ['api']).map((r) => r.name)).toEqual(['api']);
    expect(() => selectRuns(benchPlan('quick'), ['nope'])).toThrow(/unknown benchmark nope; known: discovery, api/);
  });
});

describe('bench kit', () => {
  it('takes nearest-rank percentiles and positive numeric flags', () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4], 99)).toBe(4);
    expect(summary([3, 1, 2])).toEqual({ p50Ms: 2, p99Ms: 3, maxMs: 3, n: 3 });
    expect(numberFlag(['--tasks', '500'], 'tasks', 1)).toBe(500);
    expect(numberFlag([], 'tasks', 1)).toBe(1);
    expect(() => numberFlag(['--tasks', 'many'], 'tasks', 1)).toThrow("--tasks: expected a positive number, got 'many'");
  });
});
