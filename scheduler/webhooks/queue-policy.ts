/**
 * Pure rules of webhook delivery: how long to wait after a failure, which webhooks may send
 * now, when the loop should wake up next, and what a full queue drops. No clock or I/O here,
 * so every rule is tested on plain numbers.
 */

export interface DeliveryPolicy {
  /** First retry delay after a failure; doubled per consecutive failure up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** One POST may take this long before it counts as failed (a dead endpoint never blocks). */
  timeoutMs: number;
  /** POSTs in flight at once, over all webhooks. */
  maxConcurrency: number;
  /** Queued updates kept per webhook; beyond it the oldest are dropped (and counted). */
  maxQueue: number;
}

export const DEFAULT_DELIVERY_POLICY: DeliveryPolicy = {
  baseDelayMs: 1000,
  maxDelayMs: 5 * 60_000,
  timeoutMs: 10_000,
  maxConcurrency: 4,
  maxQueue: 10_000,
};

/** Delivery state of one webhook as the loop sees it. */
export interface HookDeliveryState {
  id: string;
  queued: number;
  inFlight: boolean;
  failures: number;
  /** Not before this time (0: at once). */
  nextAttemptAt: number;
}

/** The wait after `failures` consecutive failures (1 → base, 2 → 2×base, …, capped). */
export function retryDelay(failures: number, policy: DeliveryPolicy): number {
  if (failures <= 0) return 0;
  const exp = Math.min(failures - 1, 30);
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** exp);
}

/**
 * The webhooks that may start a POST now: something queued, none in flight (one at a time per
 * webhook keeps its updates in order), due; at most the free concurrency slots, longest
 * waiting first so one busy webhook cannot starve the others.
 */
export function dueHooks(hooks: readonly HookDeliveryState[], now: number, policy: DeliveryPolicy): string[] {
  const busy = hooks.filter((h) => h.inFlight).length;
  const free = Math.max(0, policy.maxConcurrency - busy);
  return hooks
    .filter((h) => h.queued > 0 && !h.inFlight && h.nextAttemptAt <= now)
    .sort((a, b) => a.nextAttemptAt - b.nextAttemptAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .slice(0, free)
    .map((h) => h.id);
}

/** When the loop must look again for a webhook waiting out a backoff, or null when none waits. */
export function nextWake(hooks: readonly HookDeliveryState[], now: number): number | null {
  const waiting = hooks.filter((h) => h.queued > 0 && !h.inFlight && h.nextAttemptAt > now).map((h) => h.nextAttemptAt);
  return waiting.length ? Math.min(...waiting) : null;
}

/** A webhook's state after a failed attempt at `now`. */
export function afterFailure(h: HookDeliveryState, now: number, policy: DeliveryPolicy): HookDeliveryState {
  const failures = h.failures + 1;
  return { ...h, inFlight: false, failures, nextAttemptAt: now + retryDelay(failures, policy) };
}

/** A webhook's state after a delivery: the next update may go at once. */
export function afterSuccess(h: HookDeliveryState): HookDeliveryState {
  return { ...h, inFlight: false, failures: 0, nextAttemptAt: 0, queued: Math.max(0, h.queued - 1) };
}

/** How many of the oldest updates to drop so a queue of `length` fits `maxQueue`. */
export function overflow(length: number, policy: DeliveryPolicy): number {
  return Math.max(0, length - policy.maxQueue);
}
