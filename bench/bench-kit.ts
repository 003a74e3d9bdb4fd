import os from 'node:os';
import { performance } from 'node:perf_hooks';

/**
 * What the benchmarks share: their command-line flags and latency summaries. Pure.
 */

/** `--name N` from argv, else the fallback; anything but a positive number is an error naming the flag. */
export function numberFlag(argv: readonly string[], name: string, fallback: number): number {
  const i = argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const n = Number(argv[i + 1]);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name}: expected a positive number, got '${argv[i + 1] ?? ''}'`);
  return n;
}

/** The value at percentile p of ascending samples (nearest rank). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export const round3 = (x: number): number => Math.round(x * 1000) / 1000;

export interface LatencySummary { p50Ms: number; p99Ms: number; maxMs: number; n: number }

export function summary(samplesMs: readonly number[]): LatencySummary {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  return { p50Ms: round3(percentile(sorted, 50)), p99Ms: round3(percentile(sorted, 99)), maxMs: round3(sorted[sorted.length - 1] ?? NaN), n: sorted.length };
}

/** Milliseconds on the monotonic clock. */
export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** The 1-minute load average and core count, printed beside every figure: the machine is shared. */
export function machineLoad(): { loadAverage1m: number; cpus: number } {
  return { loadAverage1m: Math.round(os.loadavg()[0] * 100) / 100, cpus: os.cpus().length };
}

/** Milliseconds on the wall clock with sub-millisecond precision: comparable across processes on one host. */
export function wallMs(): number {
  return performance.timeOrigin + performance.now();
}
