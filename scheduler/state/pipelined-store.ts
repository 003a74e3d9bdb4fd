import { type Collection, type StateStore, recordKey, serializeRecord } from './state-store';
import { type QueuedWrite, WriteLane } from './write-lane';
import { currentWriteScope, type WriteScope } from './write-scope';

export type { QueuedWrite } from './write-lane';

/**
 * The write path both stores share: `put`/`delete` only queue (latest value per record wins),
 * and each lane drains what it has queued to the backend as one batch at a time, which the
 * backend sends with many operations in flight. Writes made inside a WriteScope (an API
 * request) go to a lane of their own, written beside the background lane's batches instead of
 * after them: under load the background lane carries launch batches of thousands of records,
 * and an API answer waiting behind them took 300 ms and more. A failed batch is queued again
 * (unless newer values superseded it), the flush rejects with the error, and the store retries
 * on its own with a bounded backoff: a write the scheduler queued and nobody flushes again (a
 * task update, a deploy step) must still reach the backend once it is reachable.
 */
const RETRY_MIN_MS = 100;
const RETRY_MAX_MS = 5000;

export abstract class PipelinedStore implements StateStore {
  abstract readonly description: string;
  writes = 0;
  private readonly scoped: WriteLane;
  private readonly background: WriteLane;
  private retryTimer: NodeJS.Timeout | null = null;
  private retryDelayMs = RETRY_MIN_MS;
  private closed = false;

  constructor() {
    const failed = (lane: WriteLane, batch: QueuedWrite[]): void => {
      // Put back what newer writes have not replaced, so a later flush retries it.
      for (const w of batch) {
        const key = recordKey(w.collection, w.id);
        if (!this.scoped.queue.has(key) && !this.background.queue.has(key)) lane.queue.set(w.collection, w.id, w.data);
      }
      this.retryLater();
    };
    const succeeded = (batch: QueuedWrite[]): void => {
      this.writes += batch.length;
      this.retryDelayMs = RETRY_MIN_MS;
    };
    this.scoped = new WriteLane((b) => this.writeBatch(b), failed, succeeded);
    this.background = new WriteLane((b) => this.writeBatch(b), failed, succeeded);
  }

  abstract load(collection: Collection): Promise<Map<string, unknown>>;
  protected abstract writeBatch(batch: QueuedWrite[]): Promise<void>;
  protected abstract closeBackend(): Promise<void>;

  put(collection: Collection, id: string, value: unknown): void {
    this.enqueue(collection, id, serializeRecord(collection, id, value));
  }

  delete(collection: Collection, id: string): void {
    this.enqueue(collection, id, null);
  }

  async flush(): Promise<void> {
    await Promise.all([this.scoped.schedule(this.background), this.background.schedule(this.scoped)]);
    this.throwFailure(this.scoped);
    this.throwFailure(this.background);
  }

  async flushWrites(scope: WriteScope): Promise<void> {
    scope.open = false;
    // A record of the scope written again since in the background lane (a status update of a
    // task the request killed) is durable only once that lane has written it.
    const behind = [...scope.keys].some((k) => this.background.holds(k));
    if (behind) {
      await this.flush();
      return;
    }
    await this.scoped.schedule(this.background);
    this.throwFailure(this.scoped);
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
    if (!this.closed) this.scheduleAll();
  }

  private enqueue(collection: Collection, id: string, data: Buffer | null): void {
    const key = recordKey(collection, id);
    const scope = currentWriteScope();
    if (scope) scope.keys.add(key);
    // A record queued in the scoped lane stays there (latest value wins in one place).
    if (scope || this.scoped.queue.has(key)) {
      this.background.queue.remove(key);
      this.scoped.queue.set(collection, id, data);
      void this.scoped.schedule(this.background);
    } else {
      this.background.queue.set(collection, id, data);
      void this.background.schedule(this.scoped);
    }
  }

  private throwFailure(lane: WriteLane): void {
    const err = lane.lastError;
    if (!err) return;
    lane.lastError = null;
    throw err;
  }

  private scheduleAll(): void {
    if (this.scoped.queue.size > 0) void this.scoped.schedule(this.background);
    if (this.background.queue.size > 0) void this.background.schedule(this.scoped);
  }

  private retryLater(): void {
    if (this.retryTimer || this.closed) return;
    const delay = this.retryDelayMs;
    this.retryDelayMs = Math.min(delay * 2, RETRY_MAX_MS);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.scheduleAll();
    }, delay);
  }
}
