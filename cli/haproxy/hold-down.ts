/**
 * Batches reloads: the first change after a quiet period applies at once, later ones wait until
 * `holdDownMs` after the previous apply and are applied together. At most one apply runs at a time.
 */
export class HoldDown {
  private lastRunAt = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private pending = false;
  private stopped = false;

  constructor(private readonly holdDownMs: number, private readonly run: () => Promise<void>) {}

  trigger(): void {
    this.pending = true;
    if (this.timer || this.running || this.stopped) return;
    const wait = Math.max(0, this.lastRunAt + this.holdDownMs - Date.now());
    this.timer = setTimeout(() => void this.fire(), wait);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async fire(): Promise<void> {
    this.timer = undefined;
    this.running = true;
    this.pending = false;
    this.lastRunAt = Date.now();
    try {
      await this.run();
    } finally {
      this.running = false;
      if (this.pending) this.trigger();
    }
  }
}
