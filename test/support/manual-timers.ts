/** A hand-driven Clock (common/clock.ts) for unit tests of timed logic. */
import type { Clock } from '../../common';

export class ManualTimers implements Clock {
  private time = 0;
  private seq = 0;
  private readonly pending = new Map<number, { at: number; fn: () => void }>();

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): number {
    const id = ++this.seq;
    this.pending.set(id, { at: this.time + ms, fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  /** How many timers are waiting. */
  get size(): number {
    return this.pending.size;
  }

  private nextDue(target: number): [number, { at: number; fn: () => void }] | undefined {
    return [...this.pending.entries()].filter(([, t]) => t.at <= target).sort((a, b) => a[1].at - b[1].at || a[0] - b[0])[0];
  }

  /** Moves the clock forward, firing due timers in time order (including ones they set). */
  advance(ms: number): void {
    const target = this.time + ms;
    for (let due = this.nextDue(target); due; due = this.nextDue(target)) {
      this.pending.delete(due[0]);
      this.time = Math.max(this.time, due[1].at);
      due[1].fn();
    }
    this.time = target;
  }

  /**
   * Like advance, but lets the promises a timer starts settle before the next one fires (for
   * timed logic whose callbacks are async; `settle` resolves whatever the test's fakes await).
   */
  async advanceAsync(ms: number, settle: () => Promise<void> = flushPromises): Promise<void> {
    const target = this.time + ms;
    await settle();
    for (let due = this.nextDue(target); due; due = this.nextDue(target)) {
      this.pending.delete(due[0]);
      this.time = Math.max(this.time, due[1].at);
      due[1].fn();
      await settle();
    }
    this.time = target;
  }
}

/** Lets chains of already-resolved promises run. */
export async function flushPromises(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}
