import type { WriteScope } from './write-scope';

/**
 * Where the scheduler keeps its state. Writes are fire-and-forget into a queue that the store
 * pipelines to its backend; `flush()` resolves once everything queued before it is durable.
 * The scheduler flushes before it acknowledges a status update, so nothing acknowledged is lost.
 */
export const COLLECTIONS = [
  'requests', 'deploys', 'tasks', 'history-tasks', 'history-deploys', 'discovery', 'framework', 'history-requests', 'groups',
  'inactive-hosts',
  'webhooks', 'webhook-queue', 'webhook-status', 'expiring-actions', 'expiring-machines',
  'machines',
  'disasters',
  'shell-commands',
] as const;
export type Collection = (typeof COLLECTIONS)[number];

export interface StateStore {
  /** Every record of a collection, by id. */
  load(collection: Collection): Promise<Map<string, unknown>>;
  /**
   * Stores that can (ZooKeeper): while on, loads keep what they read and later read only what
   * changed since; off forgets it. A standby turns it on, and off once it leads.
   */
  keepReads?(on: boolean): void;
  /** Queues a write; the latest queued value for an id wins. Throws when the record is too large. */
  put(collection: Collection, id: string, value: unknown): void;
  delete(collection: Collection, id: string): void;
  /** Resolves when every write queued so far is durable; rejects when one failed. */
  flush(): Promise<void>;
  /**
   * Resolves when the writes made in `scope` are durable, without waiting for unrelated writes
   * queued before them (an API answer must not queue behind launch batches); rejects when one failed.
   */
  flushWrites(scope: WriteScope): Promise<void>;
  close(): Promise<void>;
  /** Writes sent to the backend so far (for metrics and the benchmark). */
  readonly writes: number;
  /** What the startup log line calls this backend, e.g. `zk://127.0.0.1:2181/griddle`. */
  readonly description: string;
}

/** ZooKeeper's default jute.maxbuffer is 1 MiB; records stay well under it. */
export const MAX_RECORD_BYTES = 1024 * 1024 - 1024;

export class RecordTooLargeError extends Error {}

export function serializeRecord(collection: string, id: string, value: unknown): Buffer {
  const data = Buffer.from(JSON.stringify(value));
  if (data.length > MAX_RECORD_BYTES) {
    throw new RecordTooLargeError(`state: ${collection}/${id} is ${data.length} bytes, over the ${MAX_RECORD_BYTES}-byte record limit`);
  }
  return data;
}

/** Ids may hold '/' (deploy keys are requestId/deployId); one file or znode name per id. */
export function encodeId(id: string): string {
  return encodeURIComponent(id);
}

export function decodeId(name: string): string {
  return decodeURIComponent(name);
}

export function recordKey(collection: string, id: string): string {
  return `${collection}\u0000${id}`;
}

/** Latest pending write per record; a delete is a `null` value. */
export class WriteQueue {
  private pending = new Map<string, { collection: Collection; id: string; data: Buffer | null }>();

  has(key: string): boolean {
    return this.pending.has(key);
  }

  /** Removes a record's pending write (it moved to another lane with a newer value). */
  remove(key: string): boolean {
    return this.pending.delete(key);
  }

  set(collection: Collection, id: string, data: Buffer | null): void {
    const key = recordKey(collection, id);
    // Re-inserting moves the key to the end, so writes stay in the order they were last made.
    this.pending.delete(key);
    this.pending.set(key, { collection, id, data });
  }

  get size(): number {
    return this.pending.size;
  }

  drain(): { collection: Collection; id: string; data: Buffer | null }[] {
    const out = [...this.pending.values()];
    this.pending.clear();
    return out;
  }
}
