/** Missed heartbeats after which the subscription is considered dead. */
export const MISSED_HEARTBEATS = 5;

/**
 * Mesos sends HEARTBEAT every `heartbeat_interval_seconds`; any event proves the stream is
 * alive. After MISSED_HEARTBEATS intervals of silence the watchdog fires once.
 */
export class HeartbeatWatchdog {
  private timer: NodeJS.Timeout | null = null;
  private intervalMs = 15_000;

  constructor(private readonly onDead: () => void) {}

  start(intervalSeconds: number): void {
    this.intervalMs = Math.max(1, intervalSeconds) * 1000;
    this.beat();
  }

  beat(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.onDead();
    }, this.intervalMs * MISSED_HEARTBEATS);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
