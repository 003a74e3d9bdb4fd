import { type Collection, type StateStore, WriteQueue, serializeRecord } from './state-store';

export interface QueuedWrite { collection: Collection; id: string; data: Buffer | null }

/**
 * The write path both stores share: `put`/`delete` only queue (latest value per record wins),
 * and one drain at a time hands everything queued to the backend as a single batch, which the
 * backend sends with many operations in flight. Drains run one after another, so a record is
 * never written out of order. A failed batch is queued again (unless newer values superseded
 * it), `flush()` rejects with the error, and the store retries on its own with a bounded
 * backoff: a write the scheduler queued and nobody flushes again (a task update, a deploy step)
 * must still reach the backend once it is reachable.
 */
const RETRY_MIN_MS = 100;
const RETRY_MAX_MS = 5000;

export abstract class PipelinedStore implements StateStore {
  abstract readonly description: string;
  writes = 0;
  private queue = new WriteQueue();
  private chain: Promise<void> = Promise.resolve();
  private scheduled: Promise<void> | null = null;
  private lastError: Error | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private retryDelayMs = RETRY_MIN_MS;
  private closed = false;

  abstract load(collection: Collection): Promise<Map<string, unknown>>;
  protected abstract writeBatch(batch: QueuedWrite[]): Promise<void>;
  protected abstract closeBackend(): Promise<void>;

  put(collection: Collection, id: string, value: unknown): void {
    this.queue.set(collection, id, serializeRecord(collection, id, value));
    void this.schedule();
  }

  delete(collection: Collection, id: string): void {
    this.queue.set(collection, id, null);
    void this.schedule();
  }

  async flush(): Promise<void> {
    await this.schedule();
    if (this.lastError) {
      const err = this.lastError;
      this.lastError = null;
      throw err;
    }
  }

  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      this.closed = true;
      if (this.retryTimer) clearTimeout(this.retryTimer);
      this.retryTimer = null;
      await this.closeBackend();
    }
  }

  /** Writes again what is queued, now: the backend is back (a new session). */
  protected retryNow(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.retryDelayMs = RETRY_MIN_MS;
    if (this.queue.size > 0 && !this.closed) void this.schedule();
  }

  private retryLater(): void {
    if (this.retryTimer || this.closed) return;
    const delay = this.retryDelayMs;
    this.retryDelayMs = Math.min(delay * 2, RETRY_MAX_MS);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.schedule();
    }, delay);
  }

  /** Resolves once everything queued before the call is written (or failed). */
  private schedule(): Promise<void> {
    // Coalesce everything written (and every flush asked for) in one turn of the event loop
    // into one batch: group commit, so a burst of status updates costs few round trips.
    this.scheduled ??= new Promise<void>((resolve) => setImmediate(() => {
      this.scheduled = null;
      this.drain();
      resolve(this.chain);
    }));
    return this.scheduled;
  }

  private drain(): void {
    if (this.queue.size === 0) return;
    const batch = this.queue.drain();
    this.chain = this.chain.then(async () => {
      try {
        await this.writeBatch(batch);
        this.writes += batch.length;
        this.retryDelayMs = RETRY_MIN_MS;
        // A failed batch was queued again whole, so this one carried it: nothing failed is left.
        this.lastError = null;
      } catch (err) {
        this.lastError = err as Error;
        // Put back what newer writes have not replaced, so a later flush retries it.
        const again = new WriteQueue();
        for (const w of batch) again.set(w.collection, w.id, w.data);
        for (const w of this.queue.drain()) again.set(w.collection, w.id, w.data);
        for (const w of again.drain()) this.queue.set(w.collection, w.id, w.data);
        this.retryLater();
      }
    });
  }
}
