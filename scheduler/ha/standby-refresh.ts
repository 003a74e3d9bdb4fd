export interface StandbyRefreshOptions {
  /** Reads the leader's state from the store. */
  refresh: () => Promise<void>;
  /** Leaders do not refresh: their memory is the truth. */
  isLeader: () => boolean;
  onError: (err: Error) => void;
  /** The shortest pause between the end of one refresh and the start of the next. */
  minIntervalMs: number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (timer: unknown) => void;
  now?: () => number;
}

/** A pause of at least this many times the last refresh's duration: a standby reads for at most a fifth of the time. */
const PAUSE_PER_READ = 4;

/**
 * The standby's periodic re-read of the leader's state, one at a time. On a fixed interval, a
 * read of 100,000 tasks that outlasted the interval started again beside itself: reads piled
 * up on the shared ZooKeeper until every one of them failed with CONNECTION_LOSS. Here the
 * next read is timed from the end of the last, and waits longer the longer that one took.
 */
export class StandbyRefresh {
  private timer: unknown = null;
  private stopped = true;
  /** Refreshes started so far (tests count them). */
  started = 0;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (timer: unknown) => void;
  private readonly now: () => number;

  constructor(private readonly options: StandbyRefreshOptions) {
    this.setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = options.clearTimer ?? ((t) => clearTimeout(t as NodeJS.Timeout));
    this.now = options.now ?? Date.now;
  }

  start(): void {
    this.stopped = false;
    this.schedule(this.options.minIntervalMs);
  }

  stop(): void {
    this.stopped = true;
    this.clearTimer(this.timer);
    this.timer = null;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = this.setTimer(() => void this.tick(), ms);
  }

  private async tick(): Promise<void> {
    this.timer = null;
    if (this.options.isLeader()) {
      this.schedule(this.options.minIntervalMs);
      return;
    }
    const began = this.now();
    this.started++;
    try {
      await this.options.refresh();
    } catch (err) {
      this.options.onError(err as Error);
    }
    this.schedule(Math.max(this.options.minIntervalMs, PAUSE_PER_READ * (this.now() - began)));
  }
}
