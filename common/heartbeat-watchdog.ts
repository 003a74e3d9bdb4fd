/**
 * Declares an event stream dead when it goes silent. Mesos sends HEARTBEAT events on a
 * subscription (the master to schedulers every `heartbeat_interval_seconds`, an agent to its
 * executors); any event proves the stream is alive. A half-open TCP connection (a partitioned
 * or frozen peer) never closes on its own, so after MISSED_HEARTBEATS intervals of silence the
 * watchdog fires once and the owner goes through its disconnect path.
 */
import { systemClock, type Clock } from './clock';

/** Missed heartbeats after which the subscription is considered dead. */
export const MISSED_HEARTBEATS = 5;

export class HeartbeatWatchdog {
  private timer: unknown = null;
  private intervalMs = 15_000;

  constructor(private readonly onDead: () => void, private readonly clock: Clock = systemClock) {}

  /** Arms the watchdog for a heartbeat every `intervalSeconds` (at least 1 s). */
  start(intervalSeconds: number): void {
    this.intervalMs = Math.max(1, intervalSeconds) * 1000;
    this.beat();
  }

  /** Something arrived: the stream is alive. */
  beat(): void {
    this.stop();
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      this.onDead();
    }, this.intervalMs * MISSED_HEARTBEATS);
  }

  stop(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }
}
