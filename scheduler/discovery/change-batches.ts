/**
 * Opt-in batching of Watch changes: the changes the catalog makes in one event-loop turn go to
 * a watcher that asked for it as `changes` events of up to `maxPerMessage` changes each, in
 * revision order. A burst of 10,000 changes then costs the listener a few dozen gRPC messages
 * instead of 10,000, each about 50 µs to encode and write. Pure apart from the injected
 * scheduler of the flush.
 */

/**
 * The most changes one `changes` event carries, whatever a watcher asks for: at a few hundred
 * bytes a change, a message stays near 300 KB, far below gRPC's default 4 MB receive limit.
 */
export const MAX_CHANGES_PER_MESSAGE = 1000;

/**
 * The most (estimated) bytes of changes in one event, for endpoints far larger than usual
 * (many ports, long names): with the estimate off by up to 3× for non-ASCII text, a message
 * still stays under 4 MB.
 */
export const MAX_BATCH_BYTES = 1024 * 1024;

/** What a watcher's `max_changes_per_message` means: 0 (or absent) is one change per event. */
export function changesPerMessage(requested: number | undefined): number {
  if (requested === undefined || !Number.isFinite(requested) || requested < 1) return 0;
  return Math.min(Math.floor(requested), MAX_CHANGES_PER_MESSAGE);
}

/** How a batch is bounded: a count, and optionally a size each item is weighed by. */
export interface BatchLimit<T> {
  maxPerMessage: number;
  sizeOf?: (item: T) => number;
  maxBytes?: number;
}

function checkedLimit<T>(limit: BatchLimit<T> | number): BatchLimit<T> {
  const checked = typeof limit === 'number' ? { maxPerMessage: limit } : limit;
  if (!(checked.maxPerMessage >= 1)) throw new Error(`maxPerMessage must be at least 1 (got ${checked.maxPerMessage})`);
  return checked;
}

/**
 * Consecutive slices, order kept: at most `maxPerMessage` items each (ceil(n / max) slices
 * when sizes stay within the budget), and a slice ends early rather than pass `maxBytes`; an
 * item over the budget on its own still goes, alone.
 */
export function batchesOf<T>(items: readonly T[], limit: BatchLimit<T> | number): T[][] {
  const { maxPerMessage, sizeOf, maxBytes = Infinity } = checkedLimit(limit);
  if (!sizeOf) {
    const batches: T[][] = [];
    for (let start = 0; start < items.length; start += maxPerMessage) batches.push(items.slice(start, start + maxPerMessage));
    return batches;
  }
  const batches: T[][] = [];
  let batch: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = sizeOf(item);
    if (batch.length > 0 && (batch.length >= maxPerMessage || bytes + size > maxBytes)) {
      batches.push(batch);
      batch = [];
      bytes = 0;
    }
    batch.push(item);
    bytes += size;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}

/** Runs a callback once the current event-loop turn's work is done. */
export type ScheduleFlush = (flush: () => void) => void;

const nextTurn: ScheduleFlush = (flush) => {
  setImmediate(flush);
};

/**
 * Collects one watcher's changes and sends them once per turn, in batches. The flush is
 * scheduled by the first change of a turn, so a change waits at most for the rest of that
 * turn's work.
 */
export class ChangeCoalescer<T> {
  private pending: T[] = [];
  private scheduled = false;
  private closed = false;

  private readonly limit: BatchLimit<T>;

  constructor(
    limit: BatchLimit<T> | number,
    private readonly send: (batch: T[]) => void,
    private readonly schedule: ScheduleFlush = nextTurn,
  ) {
    this.limit = checkedLimit(limit);
  }

  /** Changes waiting for the flush. */
  get size(): number {
    return this.pending.length;
  }

  add(item: T): void {
    if (this.closed) return;
    this.pending.push(item);
    if (this.scheduled) return;
    this.scheduled = true;
    this.schedule(() => this.flush());
  }

  /** Sends everything waiting now (also called before a snapshot, so order holds). */
  flush(): void {
    this.scheduled = false;
    if (this.closed || this.pending.length === 0) return;
    const items = this.pending;
    this.pending = [];
    for (const batch of batchesOf(items, this.limit)) this.send(batch);
  }

  /** Drops whatever waits; nothing is sent afterwards. */
  close(): void {
    this.closed = true;
    this.pending = [];
  }
}
