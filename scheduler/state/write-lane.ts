import { type Collection, recordKey, WriteQueue } from './state-store';

export interface QueuedWrite { collection: Collection; id: string; data: Buffer | null }

/**
 * One queue of pending writes and the chain of batches draining it, one batch at a time, so a
 * record is never written out of order within the lane. A store has two: the scoped lane for
 * writes an API answer waits on, and the background lane for everything else (launches,
 * status updates). A batch waits for the other lane only when that lane still has one of its
 * records unwritten, which keeps each record's writes in order across lanes too.
 */
export class WriteLane {
  readonly queue = new WriteQueue();
  chain: Promise<void> = Promise.resolve();
  lastError: Error | null = null;
  /** Records drained into batches not yet settled, with how many such batches hold each. */
  private unwritten = new Map<string, number>();
  private scheduled: Promise<void> | null = null;

  constructor(
    private readonly write: (batch: QueuedWrite[]) => Promise<void>,
    private readonly failed: (lane: WriteLane, batch: QueuedWrite[], err: Error) => void,
    private readonly succeeded: (batch: QueuedWrite[]) => void,
  ) {}

  /** True while the record is queued here or in a batch of this lane not yet settled. */
  holds(key: string): boolean {
    return this.queue.has(key) || this.unwritten.has(key);
  }

  /**
   * Resolves once everything queued here before the call is written (or failed). Everything
   * queued by the time the lane is free goes out as one batch: group commit.
   */
  schedule(other: WriteLane): Promise<void> {
    // While a batch is in flight, what is queued waits here, where a record written again
    // replaces its older value, and goes out as the next batch once that one settles. Drained
    // at once instead, every turn's batch queued behind the one in flight with a copy of each
    // record it holds: under a launch burst, ~100 such batches held several versions of each
    // task (10 MB of Buffers at 10,000 tasks) and wrote every version.
    this.scheduled ??= new Promise<void>((resolve) => setImmediate(() => {
      resolve(this.chain.then(() => {
        this.scheduled = null;
        this.drain(other);
        return this.chain;
      }));
    }));
    return this.scheduled;
  }

  private drain(other: WriteLane): void {
    if (this.queue.size === 0) return;
    const batch = this.queue.drain();
    const keys = batch.map((w) => recordKey(w.collection, w.id));
    for (const k of keys) this.unwritten.set(k, (this.unwritten.get(k) ?? 0) + 1);
    // The other lane's batches drained so far, awaited only if they hold one of these records:
    // a snapshot, so a batch drained there later (a newer value) never lands before this one.
    const before = keys.some((k) => other.unwritten.has(k)) ? other.chain : Promise.resolve();
    this.chain = this.chain.then(async () => {
      try {
        await before;
        await this.write(batch);
        this.lastError = null;
        this.succeeded(batch);
      } catch (err) {
        this.lastError = err as Error;
        this.failed(this, batch, err as Error);
      } finally {
        for (const k of keys) {
          const n = (this.unwritten.get(k) ?? 1) - 1;
          if (n > 0) this.unwritten.set(k, n);
          else this.unwritten.delete(k);
        }
      }
    });
  }
}
