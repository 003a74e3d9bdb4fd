import type { Logger } from '../../common';
import { type DeliveryPolicy, type HookDeliveryState, afterFailure, afterSuccess, dueHooks, nextWake } from './queue-policy';
import type { QueuedUpdate, SavedDeliveryStatus, WebhookRegistry } from './registry';

/** One POST: resolves with the answer's status, rejects on a network error or the signal. */
export type PostJson = (url: string, body: string, signal: AbortSignal) => Promise<number>;

export const postJson: PostJson = async (url, body, signal) => {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal });
  await res.arrayBuffer().catch(() => undefined); // drain, so the connection is reused
  return res.status;
};

/** What the summary shows of a webhook's delivery. */
export interface DeliveryStatus { failures: number; nextAttemptAt: number; lastError?: string; lastErrorAt?: number; lastDeliveredAt?: number }

/**
 * The delivery loop: POSTs each webhook's queue head, one at a time per webhook (in order),
 * at most `maxConcurrency` at once, each bounded by `timeoutMs`, retried with backoff until
 * it answers 2xx. It runs beside the scheduler on its own promises and timers, so a dead
 * endpoint only grows its own queue. Only the leader delivers (`isLeader`).
 */
export class WebhookDelivery {
  private readonly state = new Map<string, HookDeliveryState & DeliveryStatus>();
  private readonly inFlight = new Set<AbortController>();
  private timer: NodeJS.Timeout | null = null;
  private running = false;

  constructor(
    private readonly registry: WebhookRegistry,
    private readonly policy: DeliveryPolicy,
    private readonly opts: { now: () => number; isLeader: () => boolean; post?: PostJson; log?: Logger },
  ) {}

  start(): void {
    this.running = true;
    this.pump();
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const c of this.inFlight) c.abort();
  }

  /** Forgets a webhook's backoff (it was deleted, or the queues were reloaded). */
  reset(id?: string): void {
    if (id === undefined) this.state.clear();
    else this.state.delete(id);
  }

  status(id: string): DeliveryStatus {
    const s: DeliveryStatus | undefined = this.state.get(id) ?? this.registry.savedStatus(id);
    return s ? { failures: s.failures, nextAttemptAt: s.nextAttemptAt, lastError: s.lastError, lastErrorAt: s.lastErrorAt, lastDeliveredAt: s.lastDeliveredAt } : { failures: 0, nextAttemptAt: 0 };
  }

  /** Starts whatever may go now and sets the timer for the next backoff to end. */
  pump(): void {
    if (!this.running || !this.opts.isLeader()) return;
    const now = this.opts.now();
    const hooks = this.registry.list().map((h) => this.hookState(h.id));
    for (const id of dueHooks(hooks, now, this.policy)) this.send(id);
    const wake = nextWake(hooks.map((h) => this.hookState(h.id)), now);
    if (this.timer) clearTimeout(this.timer);
    this.timer = wake === null ? null : setTimeout(() => this.pump(), Math.max(10, wake - now));
    this.timer?.unref();
  }

  private hookState(id: string): HookDeliveryState & DeliveryStatus {
    const queued = this.registry.queue(id).length;
    // After a failover the previous leader's backoff and last error carry on from the store.
    const s = this.state.get(id) ?? { id, queued, inFlight: false, failures: 0, nextAttemptAt: 0, ...this.registry.savedStatus(id) };
    const withQueue = { ...s, queued };
    this.state.set(id, withQueue);
    return withQueue;
  }

  private send(id: string): void {
    const head: QueuedUpdate | undefined = this.registry.queue(id)[0];
    const hook = this.registry.get(id);
    if (!head || !hook) return;
    this.state.set(id, { ...this.hookState(id), inFlight: true });
    const controller = new AbortController();
    this.inFlight.add(controller);
    const signal = AbortSignal.any([controller.signal, AbortSignal.timeout(this.policy.timeoutMs)]);
    void (this.opts.post ?? postJson)(hook.uri, JSON.stringify(head.payload), signal)
      .then((status) => {
        if (status < 200 || status > 299) throw new Error(`HTTP ${status}`);
        this.registry.ack(head);
        const s = this.hookState(id);
        const next = { ...afterSuccess(s), queued: this.registry.queue(id).length, lastDeliveredAt: this.opts.now(), lastError: s.lastError, lastErrorAt: s.lastErrorAt };
        this.state.set(id, next);
        if (s.failures > 0) this.registry.saveStatus(id, saved(next));
      })
      .catch((err: unknown) => {
        const now = this.opts.now();
        const message = err instanceof Error ? (err.name === 'TimeoutError' ? `timed out after ${this.policy.timeoutMs} ms` : describe(err)) : String(err);
        const s = this.hookState(id);
        const next = { ...afterFailure(s, now, this.policy), lastError: message, lastErrorAt: now, lastDeliveredAt: s.lastDeliveredAt };
        this.state.set(id, next);
        this.registry.saveStatus(id, saved(next));
        if (s.failures === 0) this.opts.log?.warn({ webhookId: id, uri: hook.uri, err: message }, 'webhook delivery failed; retrying with backoff');
      })
      .finally(() => {
        this.inFlight.delete(controller);
        this.pump();
      });
  }
}

function saved(s: DeliveryStatus): SavedDeliveryStatus {
  return { failures: s.failures, nextAttemptAt: s.nextAttemptAt, ...(s.lastError !== undefined ? { lastError: s.lastError, lastErrorAt: s.lastErrorAt } : {}) };
}

/** fetch's "fetch failed" hides the reason (ECONNREFUSED…) in `cause`. */
function describe(err: Error): string {
  const cause = (err as Error & { cause?: unknown }).cause;
  return cause instanceof Error ? `${err.message}: ${(cause as Error & { code?: string }).code ?? cause.message}` : err.message;
}
