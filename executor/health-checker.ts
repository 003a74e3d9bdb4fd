/**
 * Runs a task's health check on a timer and feeds the HealthPolicy. The probe and the clock
 * are injected, so the schedule is unit-tested with a fake clock; the probes themselves
 * (health-probes.ts) are integration-tested against real containers.
 */
import { systemClock, type Clock } from '../common';
import { HealthPolicy, type HealthDecision, type HealthPolicyOptions } from './health-policy';

/** Resolves when the check passed; rejects with the reason when it failed. */
export type Probe = (timeoutMs: number) => Promise<void>;

export interface HealthEvents {
  onChange(healthy: boolean, reason: string): void;
  onExhausted(reason: string, failures: number): void;
}

export class HealthChecker {
  private timer: unknown;
  private stopped = false;
  private readonly policy: HealthPolicy;
  lastReason = '';

  constructor(
    private readonly options: HealthPolicyOptions,
    private readonly probe: Probe,
    private readonly events: HealthEvents,
    private readonly clock: Clock = systemClock,
  ) {
    this.policy = new HealthPolicy(options, clock.now());
  }

  start(): void {
    this.schedule(Math.max(0, this.policy.firstCheckAtMs - this.clock.now()));
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = this.clock.setTimeout(() => void this.check(), ms);
  }

  private async check(): Promise<void> {
    let passed = true;
    let reason = 'passed';
    try {
      await this.probe(this.options.timeoutMs);
    } catch (err) {
      passed = false;
      reason = (err as Error).message;
    }
    if (this.stopped) return;
    this.lastReason = reason;
    const decision: HealthDecision = this.policy.record(passed, this.clock.now());
    if (decision.changed && decision.healthy !== undefined) this.events.onChange(decision.healthy, reason);
    if (decision.kill) {
      this.stopped = true;
      this.events.onExhausted(reason, decision.failures);
      return;
    }
    this.schedule(this.options.intervalMs);
  }
}
