/**
 * How StateChangedEvents wait for a listener URL: a bounded queue that drops the oldest event
 * when full, and coalesces everything waiting into one POST. Coalescing loses nothing a
 * follower needs: every POST carries the whole current state. Pure; the timed delivery loop
 * (listener-push.ts) uses it.
 */
import { SIDECAR_STATUS_CODE, type SidecarChangeEvent } from '../../contract';

export interface PushPolicy {
  /** Events kept per listener while it is busy or failing (oldest dropped beyond; default 100). */
  maxPending: number;
  /** First retry delay after a failed POST; it doubles per failure (default 100 ms). */
  initialBackoffMs: number;
  /** Retry delay cap (default 30 s). A failing listener is retried for as long as events wait. */
  maxBackoffMs: number;
  /** Per-POST timeout (default 3 s, Sidecar's). */
  timeoutMs: number;
}

export const DEFAULT_PUSH_POLICY: PushPolicy = { maxPending: 100, initialBackoffMs: 100, maxBackoffMs: 30_000, timeoutMs: 3000 };

/** Delay before retry number `failures` (1 = the first retry). */
export function backoffMs(failures: number, policy: Pick<PushPolicy, 'initialBackoffMs' | 'maxBackoffMs'> = DEFAULT_PUSH_POLICY): number {
  if (failures <= 0) return 0;
  return Math.min(policy.maxBackoffMs, policy.initialBackoffMs * 2 ** Math.min(failures - 1, 30));
}

/**
 * Sidecar's receiver rule (which haproxy-api applies to each POST): only a change that can alter
 * what a load balancer serves triggers a reload. Anything to ALIVE, TOMBSTONE or DRAINING does;
 * UNKNOWN or UNHEALTHY only when leaving ALIVE.
 */
export function changesRotation(previousStatus: number, status: number): boolean {
  const { ALIVE, TOMBSTONE, DRAINING, UNKNOWN, UNHEALTHY } = SIDECAR_STATUS_CODE;
  if (status === ALIVE || status === TOMBSTONE || status === DRAINING) return true;
  return (status === UNKNOWN || status === UNHEALTHY) && previousStatus === ALIVE;
}

export class PendingEvents {
  private readonly events: SidecarChangeEvent[] = [];
  private droppedCount = 0;

  constructor(private readonly maxPending = DEFAULT_PUSH_POLICY.maxPending) {}

  get size(): number {
    return this.events.length;
  }

  /** Events dropped since this queue was made. */
  get dropped(): number {
    return this.droppedCount;
  }

  /** Queues an event; returns how many old ones it pushed out (0 or 1). */
  offer(event: SidecarChangeEvent): number {
    this.events.push(event);
    if (this.events.length <= this.maxPending) return 0;
    this.events.shift();
    this.droppedCount++;
    return 1;
  }

  /**
   * Takes everything waiting as one event to POST with the current state: the latest change
   * that alters the rotation, so the follower reloads, else the latest change.
   */
  take(): { event: SidecarChangeEvent; coalesced: number } | undefined {
    if (this.events.length === 0) return undefined;
    const rotating = this.events.filter((e) => changesRotation(e.PreviousStatus, e.Service.Status));
    const event = rotating.at(-1) ?? this.events.at(-1)!;
    const coalesced = this.events.length;
    this.events.length = 0;
    return { event, coalesced };
  }

  /** Puts back an event whose POST failed, ahead of anything that arrived meanwhile. */
  requeue(event: SidecarChangeEvent): void {
    // It is the oldest: when the queue is already full, it is the one dropped.
    if (this.events.length >= this.maxPending) {
      this.droppedCount++;
      return;
    }
    this.events.unshift(event);
  }
}
