/**
 * Mesos's health-check policy (src/checks/health_checker.cpp) as a pure state machine: the
 * first check after `delay_seconds`, then one every `interval_seconds`; failures within
 * `grace_period_seconds` of the start do not count until a check has passed once; after
 * `consecutive_failures` counted failures in a row the task is to be killed.
 */
import type { HealthCheck } from '../mesos-proto';

export interface HealthPolicyOptions {
  delayMs: number;
  intervalMs: number;
  timeoutMs: number;
  gracePeriodMs: number;
  consecutiveFailures: number;
}

/** Mesos's defaults from mesos.proto's HealthCheck. */
export function healthPolicyOptions(check: HealthCheck): HealthPolicyOptions {
  const seconds = (v: number | undefined, d: number) => (v ?? d) * 1000;
  return {
    delayMs: seconds(check.delay_seconds, 15),
    intervalMs: seconds(check.interval_seconds, 10),
    timeoutMs: seconds(check.timeout_seconds, 20),
    gracePeriodMs: seconds(check.grace_period_seconds, 10),
    consecutiveFailures: Math.max(1, check.consecutive_failures ?? 3),
  };
}

export interface HealthDecision {
  /** True when `healthy` differs from what was last reported: send a TASK_RUNNING update. */
  changed: boolean;
  healthy: boolean | undefined;
  /** Counted failures in a row. */
  failures: number;
  /** The failures are used up: kill the task. */
  kill: boolean;
  /** The failure fell within the grace period and was not counted. */
  ignored: boolean;
}

export class HealthPolicy {
  private healthy: boolean | undefined;
  private failures = 0;
  private passedOnce = false;

  constructor(readonly options: HealthPolicyOptions, private readonly startedAtMs: number) {}

  get firstCheckAtMs(): number {
    return this.startedAtMs + this.options.delayMs;
  }

  record(passed: boolean, atMs: number): HealthDecision {
    const before = this.healthy;
    if (passed) {
      this.passedOnce = true;
      this.failures = 0;
      this.healthy = true;
      return { changed: before !== true, healthy: true, failures: 0, kill: false, ignored: false };
    }
    if (!this.passedOnce && atMs < this.startedAtMs + this.options.gracePeriodMs) {
      return { changed: false, healthy: this.healthy, failures: this.failures, kill: false, ignored: true };
    }
    this.failures += 1;
    this.healthy = false;
    const kill = this.failures >= this.options.consecutiveFailures;
    return { changed: before !== false, healthy: false, failures: this.failures, kill, ignored: false };
  }
}
