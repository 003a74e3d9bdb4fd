/**
 * Sidecar's push to listener URLs: every catalog change is POSTed to each configured URL as a
 * StateChangedEvent (`{State, ChangeEvent}`), which is how haproxy-api's default mode learns of
 * changes after its one read of state.json. Each listener has its own queue and delivery loop, so
 * a slow or dead listener only delays itself; the catalog's subscriber just queues and returns.
 */
import os from 'node:os';
import { systemClock, type Clock, type Logger } from '../../common';
import type { SidecarChangeEvent, SidecarState } from '../../contract';
import type { Catalog } from './catalog';
import { backoffMs, DEFAULT_PUSH_POLICY, PendingEvents, type PushPolicy } from './push-policy';
import { catalogState, sidecarChangeEvent } from './sidecar-format';

/** Sends one POST; resolves when the listener answered 2xx. */
export type PostJson = (url: string, body: string, signal: AbortSignal) => Promise<void>;

export interface ListenerStats {
  url: string;
  delivered: number;
  failures: number;
  /** Events dropped from a full queue (the oldest go first). */
  dropped: number;
  pending: number;
}

/** Sidecar sends a session cookie so a load balancer in front of a listener keeps affinity. */
const SESSION_COOKIE = `sidecar-session-host=${os.hostname()}-${new Date().toISOString()}`;

export const postJson: PostJson = async (url, body, signal) => {
  const res = await fetch(url, { method: 'POST', body, signal, headers: { 'content-type': 'application/json', cookie: SESSION_COOKIE } });
  await res.arrayBuffer(); // frees the connection for the next POST
  if (res.status < 200 || res.status > 299) throw new Error(`${url} answered ${res.status}`);
};

/** One listener URL: queue, one POST at a time, retries with backoff. */
export class ListenerPush {
  private readonly pending: PendingEvents;
  private delivered = 0;
  private failures = 0;
  private consecutiveFailures = 0;
  private busy = false;
  private timer: unknown;
  private readonly abort = new AbortController();
  private closed = false;

  constructor(
    readonly url: string,
    private readonly renderState: () => string,
    private readonly options: { policy?: PushPolicy; post?: PostJson; clock?: Clock; log?: Logger } = {},
  ) {
    this.pending = new PendingEvents(this.policy.maxPending);
  }

  private get policy(): PushPolicy {
    return this.options.policy ?? DEFAULT_PUSH_POLICY;
  }

  private get clock(): Clock {
    return this.options.clock ?? systemClock;
  }

  stats(): ListenerStats {
    return { url: this.url, delivered: this.delivered, failures: this.failures, dropped: this.pending.dropped, pending: this.pending.size };
  }

  offer(event: SidecarChangeEvent): void {
    if (this.closed) return;
    if (this.pending.offer(event) > 0) {
      this.options.log?.warn({ url: this.url, dropped: this.pending.dropped, maxPending: this.policy.maxPending }, 'discovery listener queue full: dropped the oldest event');
    }
    this.schedule(0);
  }

  private schedule(delayMs: number): void {
    if (this.busy || this.timer !== undefined || this.pending.size === 0 || this.closed) return;
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      void this.deliver();
    }, delayMs);
  }

  private async deliver(): Promise<void> {
    const next = this.pending.take();
    if (!next) return;
    this.busy = true;
    const body = `{"State":${this.renderState()},"ChangeEvent":${JSON.stringify(next.event)}}`;
    const timeout = AbortSignal.timeout(this.policy.timeoutMs);
    let retryInMs = 0;
    try {
      await (this.options.post ?? postJson)(this.url, body, AbortSignal.any([this.abort.signal, timeout]));
      this.delivered++;
      this.consecutiveFailures = 0;
    } catch (err) {
      if (this.closed) return;
      this.failures++;
      this.consecutiveFailures++;
      // The event goes back so the retry still carries a change that moves the rotation.
      this.pending.requeue(next.event);
      retryInMs = backoffMs(this.consecutiveFailures, this.policy);
      this.options.log?.warn({ url: this.url, err: (err as Error).message, retryInMs, failures: this.consecutiveFailures }, 'POST to a discovery listener failed');
    }
    this.busy = false;
    this.schedule(retryInMs);
  }

  close(): void {
    this.closed = true;
    this.abort.abort();
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }
}

export interface StatePush {
  stats(): ListenerStats[];
  close(): void;
}

/**
 * Pushes every catalog change to each URL. The state is rendered when a POST goes out (the
 * latest, shared by all listeners for one revision), not per change, so a burst of changes
 * costs one render per delivery.
 */
export function startStatePush(
  catalog: Catalog,
  urls: readonly string[],
  options: { clusterName: string; hostname: string; policy?: PushPolicy; post?: PostJson; clock?: Clock; log?: Logger },
): StatePush {
  let renderedRevision = -1;
  let rendered = '';
  // A restore replaces the contents without a change: render afresh.
  const unsubscribeReset = catalog.onReset(() => { renderedRevision = -1; });
  const renderState = (): string => {
    if (renderedRevision !== catalog.revision) {
      const state: SidecarState = catalogState(catalog, options.clusterName, options.hostname);
      rendered = JSON.stringify(state);
      renderedRevision = catalog.revision;
    }
    return rendered;
  };
  const pushes = urls.map((url) => new ListenerPush(url, renderState, options));
  const unsubscribe = catalog.subscribe((change) => {
    // Without listener URLs (the default) a change costs nothing here.
    if (pushes.length === 0) return;
    const event = sidecarChangeEvent(change, catalog.lastChanged);
    for (const push of pushes) push.offer(event);
  });
  if (pushes.length > 0) options.log?.info({ urls }, 'pushing discovery changes to listener URLs');
  return {
    stats: () => pushes.map((p) => p.stats()),
    close: () => {
      unsubscribe();
      unsubscribeReset();
      for (const push of pushes) push.close();
    },
  };
}
