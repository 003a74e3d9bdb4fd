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

/** A pause of this many times the last refresh's duration: a standby reads for at most a fifth of the time... */
const PAUSE_PER_READ = 4;
/**
 * ...but pauses no longer than this, or than the read itself took, whichever is longer. A read
 * during a launch burst finds every bucket changed and takes seconds; four times that put the
 * next read 40 s or more away, and a leader killed then left its standby to read everything
 * the burst wrote before it could lead (15.3 s after the SIGKILL at 100,000, against 8.3 s
 * when the standby had read once more after the burst). A minute-long read still waits a
 * minute: reads never take more than half the time.
 */
export const MAX_PAUSE_MS = 15_000;

/** The pause after a refresh that took `readMs`. */
export function pauseAfter(readMs: number, minIntervalMs: number): number {
  return Math.max(minIntervalMs, Math.min(PAUSE_PER_READ * readMs, Math.max(readMs, MAX_PAUSE_MS)));
}

/**
 * The standby's periodic re-read of the leader's state, one at a time. On a fixed interval, a
 * read of 100,000 tasks that outlasted the interval started again beside itself: reads piled
 * up on the shared ZooKeeper until every one of them failed with CONNECTION_LOSS. Here the
 * next read is timed from the end of the last, and waits longer the longer that one took
 * (`pauseAfter`).
 */
export class StandbyRefresh {
  private timer: unknown = null;
  private stopped = true;
  /** Refreshes started so far (tests count them). */
  started = 0;
  /** When the last refresh ended, well or not (0: none yet). */
  lastEndedAt = 0;
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
    this.lastEndedAt = this.now();
    this.schedule(pauseAfter(this.lastEndedAt - began, this.options.minIntervalMs));
  }
}
