import type { SingularityCreateResult, SingularityDeleteResult, SingularityWebhook, WebhookType } from '../../contract';
import type { StateStore } from '../state';
import { type DeliveryPolicy, overflow } from './queue-policy';

/** One update waiting for its webhook, persisted in `webhook-queue` until delivered. */
export interface QueuedUpdate {
  webhookId: string;
  /** Per webhook, increasing: delivery order, also across a failover. */
  seq: number;
  enqueuedAt: number;
  payload: unknown;
}

/** Java's URLEncoder (form encoding), which Singularity applies to the URI in a webhook id. */
export function javaUrlEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).replace(/%20/g, '+');
}

/** Singularity's SingularityWebhook id: `TYPE-<urlencoded uri>`, so one URI per type is one webhook. */
export function webhookId(type: WebhookType, uri: string): string {
  return `${type}-${javaUrlEncode(uri)}`;
}

/**
 * A webhook's failed-delivery state, persisted in `webhook-status` so a new leader keeps the
 * backoff and the last error the summary shows (written on each failure and on the recovery).
 */
export interface SavedDeliveryStatus { failures: number; nextAttemptAt: number; lastError?: string; lastErrorAt?: number }

type WebhookCollection = 'webhooks' | 'webhook-queue' | 'webhook-status';

/** Reads of the store in one `load`, at most, while changes keep coming in between. */
const MAX_LOAD_ATTEMPTS = 5;

const itemKey = (u: QueuedUpdate): string => `${u.webhookId}/${String(u.seq).padStart(12, '0')}`;

/**
 * The registered webhooks (`webhooks` collection) and one ordered queue of updates per webhook
 * (`webhook-queue`). Every change is written to the store as it is made, so a new leader that
 * loads the store continues where the old one stopped; an update is deleted only once its
 * POST succeeded (at least once).
 */
export class WebhookRegistry {
  private readonly hooks = new Map<string, SingularityWebhook>();
  private readonly queues = new Map<string, QueuedUpdate[]>();
  private readonly nextSeq = new Map<string, number>();
  private readonly dropped = new Map<string, number>();
  private readonly statuses = new Map<string, SavedDeliveryStatus>();
  private changes = 0;

  constructor(private readonly store: StateStore, private readonly policy: DeliveryPolicy) {}

  /**
   * Replaces what is held with the store's contents (at start and on becoming leader). A
   * webhook added, or an update queued, while the store is read was held in memory but could
   * be missing from what was read: replacing memory with that read lost it until the next
   * take-over (a request's CREATED update queued just as the scheduler became leader). So the
   * store is flushed and read again until no change came in between.
   */
  async load(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const changesBefore = this.changes;
      await this.store.flush().catch(() => undefined);
      const read = await Promise.all([this.store.load('webhooks'), this.store.load('webhook-queue'), this.store.load('webhook-status')]);
      if (this.changes === changesBefore || attempt >= MAX_LOAD_ATTEMPTS) {
        this.replaceWith(...read);
        return;
      }
    }
  }

  private replaceWith(hooks: Map<string, unknown>, items: Map<string, unknown>, statuses: Map<string, unknown>): void {
    this.hooks.clear();
    this.queues.clear();
    this.nextSeq.clear();
    this.statuses.clear();
    for (const v of hooks.values()) {
      const h = v as SingularityWebhook;
      this.hooks.set(h.id, h);
      this.queues.set(h.id, []);
    }
    for (const v of items.values()) {
      const u = v as QueuedUpdate;
      const q = this.queues.get(u.webhookId);
      if (q) q.push(u);
      else this.delete('webhook-queue', itemKey(u)); // left behind by a deleted webhook
    }
    for (const [id, q] of this.queues) {
      q.sort((a, b) => a.seq - b.seq);
      this.nextSeq.set(id, (q.at(-1)?.seq ?? 0) + 1);
    }
    for (const [id, v] of statuses) {
      if (this.hooks.has(id)) this.statuses.set(id, v as SavedDeliveryStatus);
      else this.delete('webhook-status', id);
    }
  }

  /** Every write goes through these two, counted, so `load` can tell one came in while it read. */
  private put(collection: WebhookCollection, id: string, value: unknown): void {
    this.changes++;
    this.store.put(collection, id, value);
  }

  private delete(collection: WebhookCollection, id: string): void {
    this.changes++;
    this.store.delete(collection, id);
  }

  savedStatus(id: string): SavedDeliveryStatus | undefined {
    return this.statuses.get(id);
  }

  saveStatus(id: string, status: SavedDeliveryStatus): void {
    if (!this.hooks.has(id)) return;
    this.statuses.set(id, status);
    this.put('webhook-status', id, status);
  }

  list(): SingularityWebhook[] {
    return [...this.hooks.values()].sort((a, b) => a.timestamp - b.timestamp || (a.id < b.id ? -1 : 1));
  }

  get(id: string): SingularityWebhook | undefined {
    return this.hooks.get(id);
  }

  add(input: { uri: string; type: WebhookType; user?: string }, now: number): { result: SingularityCreateResult; webhook: SingularityWebhook } {
    const id = webhookId(input.type, input.uri);
    const existing = this.hooks.get(id);
    if (existing) return { result: 'EXISTED', webhook: existing };
    const webhook: SingularityWebhook = { id, uri: input.uri, type: input.type, ...(input.user ? { user: input.user } : {}), timestamp: now };
    this.put('webhooks', id, webhook);
    this.hooks.set(id, webhook);
    this.queues.set(id, []);
    // A re-added webhook continues after whatever the store may still hold for it.
    this.nextSeq.set(id, Math.max(this.nextSeq.get(id) ?? 1, 1));
    return { result: 'CREATED', webhook };
  }

  remove(id: string): SingularityDeleteResult {
    if (!this.hooks.delete(id)) return 'DIDNT_EXIST';
    this.delete('webhooks', id);
    for (const u of this.queues.get(id) ?? []) this.delete('webhook-queue', itemKey(u));
    this.queues.delete(id);
    this.dropped.delete(id);
    if (this.statuses.delete(id)) this.delete('webhook-status', id);
    return 'DELETED';
  }

  queue(id: string): readonly QueuedUpdate[] {
    return this.queues.get(id) ?? [];
  }

  droppedOf(id: string): number {
    return this.dropped.get(id) ?? 0;
  }

  /** Queues `payload` for every webhook of `type`; returns the webhooks it was queued for. */
  enqueue(type: WebhookType, payload: unknown, now: number): string[] {
    const ids: string[] = [];
    for (const hook of this.hooks.values()) {
      if (hook.type !== type) continue;
      const seq = this.nextSeq.get(hook.id) ?? 1;
      const update: QueuedUpdate = { webhookId: hook.id, seq, enqueuedAt: now, payload };
      try {
        this.put('webhook-queue', itemKey(update), update);
      } catch {
        continue; // over the store's record limit: never deliverable, not worth failing the change
      }
      this.nextSeq.set(hook.id, seq + 1);
      const q = this.queues.get(hook.id) ?? [];
      q.push(update);
      this.queues.set(hook.id, q);
      const drop = overflow(q.length, this.policy);
      if (drop > 0) {
        for (const old of q.splice(0, drop)) this.delete('webhook-queue', itemKey(old));
        this.dropped.set(hook.id, this.droppedOf(hook.id) + drop);
      }
      ids.push(hook.id);
    }
    return ids;
  }

  /** The update was delivered: it leaves the queue and the store. */
  ack(update: QueuedUpdate): void {
    const q = this.queues.get(update.webhookId);
    const i = q?.findIndex((u) => u.seq === update.seq) ?? -1;
    if (q && i >= 0) q.splice(i, 1);
    this.delete('webhook-queue', itemKey(update));
  }
}
