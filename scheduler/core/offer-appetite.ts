/**
 * Whether Mesos must be told that Griddle wants offers again, from what the offer cycle did
 * while it had nothing to launch. Pure bookkeeping, no I/O.
 *
 * With nothing to launch the cycle declines the offers it holds for a long filter (the agents'
 * resources stay away from us for that long) and, once nothing waits at all (no backoff, no
 * health), SUPPRESSes. Mesos lifts both only on REVIVE ("removes all filters previously set by
 * the framework"). Reviving after a SUPPRESS alone is not enough: offers declined for the idle
 * filter while something still waited (e.g. right after a failover, while a replaced task's
 * health was awaited) kept every agent filtered, and the next step of a deploy waited the whole
 * 120 s for an offer.
 */
export type OfferSignal = 'SUPPRESS' | 'REVIVE' | null;

export class OfferAppetite {
  private suppressed = false;
  private filteredIdle = false;

  /** A new subscription (perhaps to another master): no filter and no suppression hold. */
  reset(): void {
    this.suppressed = false;
    this.filteredIdle = false;
  }

  /**
   * Nothing to launch this cycle. `declined`: offers in hand were declined for the long idle
   * filter; `nothingWaits`: no launch is held back either. SUPPRESS once.
   */
  idle(declined: boolean, nothingWaits: boolean): OfferSignal {
    if (declined) this.filteredIdle = true;
    if (!nothingWaits || this.suppressed) return null;
    this.suppressed = true;
    return 'SUPPRESS';
  }

  /** Something to launch: REVIVE if offers were suppressed or filtered for the idle time. */
  hungry(): OfferSignal {
    if (!this.suppressed && !this.filteredIdle) return null;
    this.reset();
    return 'REVIVE';
  }

  /** The REVIVE did not reach the master: what it was to lift may still hold. */
  reviveFailed(): void {
    this.filteredIdle = true;
  }
}
