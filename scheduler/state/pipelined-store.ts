import { type Collection, type StateStore, WriteQueue, serializeRecord } from './state-store';

export interface QueuedWrite { collection: Collection; id: string; data: Buffer | null }

/**
 * The write path both stores share: `put`/`delete` only queue (latest value per record wins),
 * and one drain at a time hands everything queued to the backend as a single batch, which the
 * backend sends with many operations in flight. Drains run one after another, so a record is
 * never written out of order. A failed batch is queued again (unless newer values superseded
 * it) and `flush()` rejects with the error.
 */
export abstract class PipelinedStore implements StateStore {
  abstract readonly description: string;
  writes = 0;
  private queue = new WriteQueue();
  private chain: Promise<void> = Promise.resolve();
  private scheduled: Promise<void> | null = null;
  private lastError: Error | null = null;

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
      await this.closeBackend();
    }
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
      } catch (err) {
        this.lastError = err as Error;
        // Put back what newer writes have not replaced, so a later flush retries it.
        const again = new WriteQueue();
        for (const w of batch) again.set(w.collection, w.id, w.data);
        for (const w of this.queue.drain()) again.set(w.collection, w.id, w.data);
        for (const w of again.drain()) this.queue.set(w.collection, w.id, w.data);
      }
    });
  }
}
