import type { CrashLoopInfo, CrashLoopType } from '../../contract';
import type { TaskRecord } from '../model';

/**
 * Crash-loop detection over a deploy's recent ended tasks (Singularity's CrashLoopType), so
 * operators see *why* a request keeps restarting. Pure. A loop is open until the deploy has a
 * healthy run after its last crash; only open loops are reported, as Singularity does.
 */
export const FAST_FAILURES = 5;
export const FAST_WINDOW_MS = 60_000;
export const INSTANCE_FAILURES = 3;
export const STARTUP_FAILURES = 3;
export const UNEXPECTED_EXITS = 3;
export const MULTI_INSTANCES = 3;
export const SLOW_WINDOW_MS = 30 * 60_000;

/** An end Griddle did not ask for and that was not the infrastructure's doing. */
function isCrash(t: TaskRecord, longRunning: boolean): boolean {
  if (t.killRequestedAt !== undefined) return false;
  return t.state === 'TASK_FAILED' || t.state === 'TASK_ERROR' || (longRunning && t.state === 'TASK_FINISHED');
}

/** The earliest start of `n` crashes within `windowMs` of each other, or undefined. */
function burstStart(times: readonly number[], n: number, windowMs: number): number | undefined {
  for (let i = 0; i + n - 1 < times.length; i++) if (times[i + n - 1] - times[i] <= windowMs) return times[i];
  return undefined;
}

export interface DeployTasks {
  requestId: string;
  deployId: string;
  longRunning: boolean;
  /** Ended tasks of this deploy (any order). */
  ended: readonly TaskRecord[];
  /** When a task of this deploy last proved healthy (running now and healthy), if ever. */
  lastHealthyAt?: number;
}

export function detectCrashLoops(d: DeployTasks, now: number): CrashLoopInfo[] {
  const crashes = d.ended.filter((t) => isCrash(t, d.longRunning) && now - t.updatedAt <= SLOW_WINDOW_MS && (d.lastHealthyAt === undefined || t.updatedAt > d.lastHealthyAt))
    .sort((a, b) => a.updatedAt - b.updatedAt);
  if (crashes.length === 0) return [];
  const loops: CrashLoopInfo[] = [];
  const add = (type: CrashLoopType, start: number | undefined): void => {
    if (start !== undefined) loops.push({ requestId: d.requestId, deployId: d.deployId, start, type });
  };
  const times = crashes.map((t) => t.updatedAt);
  add('FAST_FAILURE_LOOP', burstStart(times, FAST_FAILURES, FAST_WINDOW_MS));
  const startup = crashes.filter((t) => t.runningSince === undefined).map((t) => t.updatedAt);
  add('STARTUP_FAILURE_LOOP', burstStart(startup, STARTUP_FAILURES, SLOW_WINDOW_MS));
  if (d.longRunning) add('UNEXPECTED_EXITS', burstStart(crashes.filter((t) => t.state === 'TASK_FINISHED').map((t) => t.updatedAt), UNEXPECTED_EXITS, SLOW_WINDOW_MS));
  const byInstance = new Map<number, number[]>();
  for (const t of crashes) byInstance.set(t.instanceNo, [...(byInstance.get(t.instanceNo) ?? []), t.updatedAt]);
  const repeating = [...byInstance.values()].filter((ts) => ts.length >= INSTANCE_FAILURES);
  if (repeating.length === 1 && byInstance.size === 1) add('SINGLE_INSTANCE_FAILURE_LOOP', repeating[0][0]);
  if (byInstance.size >= MULTI_INSTANCES) add('MULTI_INSTANCE_FAILURE', times[0]);
  return loops;
}
