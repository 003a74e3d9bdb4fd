/**
 * Runs the orphan sweep (gc.ts) inside every executor: once when it starts and then on a
 * jittered timer. No agent, cron job or operator is needed for the containers of a SIGKILLed
 * or OOM-killed executor to go: any executor still running on the host removes them.
 */
import { systemClock, type Clock, type Logger } from '../common';

export interface OrphanSweeperOptions {
  /** Mean delay between sweeps; 0 disables the sweeper. */
  intervalMs: number;
  /** Logs what it removes; a failure is logged here and retried at the next sweep. */
  sweep(): Promise<unknown>;
  log: Logger;
  clock?: Clock;
  random?: () => number;
}

/** ±25 %: executors started together by one deploy do not all list Docker at the same instant. */
export function nextSweepDelayMs(intervalMs: number, random: () => number = Math.random): number {
  return Math.round(intervalMs * (0.75 + random() / 2));
}

export class OrphanSweeper {
  private timer: unknown = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private readonly clock: Clock;

  constructor(private readonly options: OrphanSweeperOptions) {
    this.clock = options.clock ?? systemClock;
  }

  start(): void {
    if (this.options.intervalMs <= 0) return;
    void this.sweepNow();
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  /** One sweep at a time in this process; a call while one runs joins it. */
  sweepNow(): Promise<void> {
    this.running ??= this.options.sweep().then(
      () => undefined,
      // Docker may be briefly unavailable: the next sweep tries again, and the task is unaffected.
      (err: unknown) => this.options.log.warn({ cause: (err as Error).message }, 'orphan sweep failed'),
    ).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      void this.sweepNow().then(() => this.schedule());
    }, nextSweepDelayMs(this.options.intervalMs, this.options.random));
  }
}
