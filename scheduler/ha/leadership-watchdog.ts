export interface WatchdogOptions {
  /** Whether this member holds the election (its znode is the lowest and it is connected). */
  holdsElection: () => boolean;
  /** Whether it really leads: the scheduler acts as leader and is subscribed to Mesos. */
  leading: () => boolean;
  /** How long the state store has been unable to reach ZooKeeper, and how long it may be. */
  storeDown?: () => { forMs: number; limitMs: number };
  /** Gives the leadership up so a standby can take it. */
  resign: (why: string) => void;
  /** How long a member may hold the election without leading (default 10 s). */
  graceMs?: number;
  checkEveryMs?: number;
  now?: () => number;
}

export const DEFAULT_LEADER_GRACE_MS = 10_000;

/**
 * A leader leads or lets go. Holding the election blocks every standby, so a holder that
 * cannot act (its take-over failed, it never subscribes to Mesos, its state store lost
 * ZooKeeper) would stall the framework for as long as its session lives, which is for ever
 * while the process runs. Level-triggered: the check runs on a period and looks only at the
 * current state, so no missed event can leave a stuck leader in place.
 */
export class LeadershipWatchdog {
  private timer: NodeJS.Timeout | null = null;
  private notLeadingSince: number | null = null;
  private readonly now: () => number;
  private readonly graceMs: number;

  constructor(private readonly options: WatchdogOptions) {
    this.now = options.now ?? Date.now;
    this.graceMs = options.graceMs ?? DEFAULT_LEADER_GRACE_MS;
  }

  start(): void {
    this.timer = setInterval(() => this.check(), this.options.checkEveryMs ?? Math.min(1000, Math.max(100, this.graceMs / 10)));
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  check(): void {
    if (!this.options.holdsElection()) {
      this.notLeadingSince = null;
      return;
    }
    const now = this.now();
    const store = this.options.storeDown?.();
    // Step down before the store's session can expire under a leader that keeps acting.
    if (store && store.forMs > store.limitMs) {
      this.resign(`the state store has not reached ZooKeeper for ${store.forMs} ms`);
      return;
    }
    if (this.options.leading()) {
      this.notLeadingSince = null;
      return;
    }
    this.notLeadingSince ??= now;
    if (now - this.notLeadingSince >= this.graceMs) {
      this.resign(`held the leadership for ${now - this.notLeadingSince} ms without leading (not subscribed to Mesos)`);
    }
  }

  private resign(why: string): void {
    this.notLeadingSince = null;
    this.options.resign(why);
  }
}
