/**
 * Time and timers as an injected dependency: timed logic (retries, health checks, heartbeats,
 * token renewal) takes a Clock, so its unit tests drive it by hand
 * (test/support/manual-timers.ts) instead of waiting.
 */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The real clock. Its timers are unref'd: a pending timer alone never keeps a process alive. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
