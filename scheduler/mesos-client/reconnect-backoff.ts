/** Exponential backoff with full jitter for re-subscribing; reset once a subscription holds. */
export class ReconnectBackoff {
  private attempt = 0;

  constructor(private readonly initialMs = 500, private readonly maxMs = 15_000, private readonly random: () => number = Math.random) {}

  nextDelayMs(): number {
    const cap = Math.min(this.maxMs, this.initialMs * 2 ** this.attempt);
    this.attempt++;
    return Math.round(cap / 2 + (this.random() * cap) / 2);
  }

  reset(): void {
    this.attempt = 0;
  }
}
