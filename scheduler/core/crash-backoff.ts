/**
 * Crash-loop backoff: after a task of a deploy fails, the next launch of that deploy waits
 * 1 s, then ×1.15 per further failure, capped at 300 s. A healthy run resets it.
 */
export const BACKOFF_INITIAL_MS = 1000;
export const BACKOFF_FACTOR = 1.15;
export const BACKOFF_MAX_MS = 300_000;
/** A task that stays RUNNING (and not unhealthy) this long counts as a healthy run. */
export const HEALTHY_RUN_MS = 60_000;

export interface CrashState { failures: number; nextLaunchAt: number }

export function backoffDelayMs(failures: number): number {
  if (failures <= 0) return 0;
  return Math.min(BACKOFF_MAX_MS, Math.round(BACKOFF_INITIAL_MS * BACKOFF_FACTOR ** (failures - 1)));
}

export function recordFailure(state: CrashState | undefined, now: number): CrashState {
  const failures = (state?.failures ?? 0) + 1;
  return { failures, nextLaunchAt: now + backoffDelayMs(failures) };
}

/** How long launches of this deploy still have to wait (0 = launch now). */
export function remainingBackoffMs(state: CrashState | undefined, now: number): number {
  return state ? Math.max(0, state.nextLaunchAt - now) : 0;
}

/** A run resets the backoff once it is reported healthy, or has run HEALTHY_RUN_MS without being unhealthy. */
export function isHealthyRun(task: { state: string; healthy?: boolean; runningSince?: number }, now: number): boolean {
  if (task.state !== 'TASK_RUNNING' || task.healthy === false) return false;
  if (task.healthy === true) return true;
  return task.runningSince !== undefined && now - task.runningSince >= HEALTHY_RUN_MS;
}
