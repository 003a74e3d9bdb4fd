/**
 * A fixed number of slots for calls on the wire, and the calls waiting for one, in turn: a
 * caller to resume, or a queued call's body to start. Taken apart from the client so the queue's
 * own measures (its length, its oldest call's wait) sit beside the bookkeeping that keeps them.
 */
export class CallSlots<Q extends object> {
  private waiting: ((() => void) | Q)[] = [];
  /** When each waiting entry joined (ms, parallel to `waiting`). */
  private since: number[] = [];
  /** Index of the next waiting entry: Array.shift() is O(n), which made a burst of n calls cost O(n²). */
  private head = 0;
  private inFlight = 0;

  /** `start` runs a queued body once it holds a slot; it must release the slot when done. */
  constructor(private readonly slots: number, private readonly start: (queued: Q) => void, private readonly now: () => number = Date.now) {}

  /** Entries waiting for a slot. */
  get length(): number {
    return this.waiting.length - this.head;
  }

  /** How long the oldest waiting entry has waited (ms; 0 with none): what the last one queued will wait, about. */
  get oldestWaitMs(): number {
    return this.length === 0 ? 0 : this.now() - this.since[this.head];
  }

  /** Resolves once the caller holds a slot. */
  acquire(): Promise<void> {
    if (this.inFlight < this.slots) {
      this.inFlight++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.push(resolve));
  }

  /** Starts `queued` in a free slot now, or keeps it (only its body) until one frees. */
  enqueue(queued: Q): void {
    if (this.inFlight < this.slots) {
      this.inFlight++;
      this.start(queued);
    } else {
      this.push(queued);
    }
  }

  /** Hands the slot straight to the next waiting entry, or frees it. */
  release(): void {
    if (this.length === 0) {
      this.waiting = [];
      this.since = [];
      this.head = 0;
      this.inFlight--;
      return;
    }
    const next = this.waiting[this.head];
    this.waiting[this.head++] = noop;
    // Compact once the consumed head is most of the array: amortized O(1) per call.
    if (this.head > 1024 && this.head * 2 > this.waiting.length) {
      this.waiting = this.waiting.slice(this.head);
      this.since = this.since.slice(this.head);
      this.head = 0;
    }
    // A queued body starts on a fresh stack: once the subscription ended, each fails at once and
    // frees the slot for the next, and 100,000 queued ACKs failing inside one another overflowed it.
    if (typeof next === 'function') next();
    else queueMicrotask(() => this.start(next));
  }

  private push(entry: (() => void) | Q): void {
    this.waiting.push(entry);
    this.since.push(this.now());
  }
}

const noop = (): void => {};
