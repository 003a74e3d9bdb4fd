import { HealthChecker } from '../../../executor/health-checker';
import { ManualTimers } from '../../support/manual-timers';
import { HealthPolicy, healthPolicyOptions } from '../../../executor/health-policy';

describe('health policy', () => {
  const options = { delayMs: 0, intervalMs: 1000, timeoutMs: 500, gracePeriodMs: 10_000, consecutiveFailures: 3 };

  it("uses Mesos's defaults", () => {
    expect(healthPolicyOptions({})).toEqual({ delayMs: 15_000, intervalMs: 10_000, timeoutMs: 20_000, gracePeriodMs: 10_000, consecutiveFailures: 3 });
  });

  it('ignores failures within the grace period until a check has passed', () => {
    const p = new HealthPolicy(options, 0);
    expect(p.record(false, 5000)).toMatchObject({ ignored: true, kill: false, changed: false });
    expect(p.record(false, 9999)).toMatchObject({ ignored: true, failures: 0 });
    expect(p.record(false, 10_000)).toMatchObject({ ignored: false, failures: 1, changed: true, healthy: false });
  });

  it('counts failures within the grace period once a check has passed', () => {
    const p = new HealthPolicy(options, 0);
    expect(p.record(true, 1000)).toMatchObject({ changed: true, healthy: true });
    expect(p.record(false, 2000)).toMatchObject({ ignored: false, failures: 1, changed: true, healthy: false });
  });

  it('kills after exactly consecutive_failures counted failures, and a pass resets the count', () => {
    const p = new HealthPolicy(options, 0);
    p.record(true, 11_000);
    p.record(false, 12_000);
    p.record(false, 13_000);
    expect(p.record(true, 14_000)).toMatchObject({ failures: 0, changed: true, healthy: true });
    expect(p.record(false, 15_000).kill).toBe(false);
    expect(p.record(false, 16_000)).toMatchObject({ kill: false, changed: false });
    expect(p.record(false, 17_000)).toMatchObject({ kill: true, failures: 3 });
  });
});

describe('health checker schedule', () => {
  it('checks after the delay, every interval, and reports changes and exhaustion', async () => {
    const clock = new ManualTimers();
    const results = [true, true, false, false, false, true];
    const probeTimes: number[] = [];
    const changes: boolean[] = [];
    const exhausted: number[] = [];
    const checker = new HealthChecker(
      { delayMs: 5000, intervalMs: 1000, timeoutMs: 500, gracePeriodMs: 0, consecutiveFailures: 3 },
      async () => {
        probeTimes.push(clock.now());
        if (!results.shift()) throw new Error('HTTP GET returned 500');
      },
      { onChange: (healthy) => changes.push(healthy), onExhausted: (_reason, failures) => exhausted.push(failures) },
      clock,
    );
    checker.start();
    await clock.advanceAsync(4999);
    expect(probeTimes).toEqual([]);
    await clock.advanceAsync(20_000);
    expect(probeTimes).toEqual([5000, 6000, 7000, 8000, 9000]);
    expect(changes).toEqual([true, false]);
    expect(exhausted).toEqual([3]);
    expect(checker.lastReason).toBe('HTTP GET returned 500');
  });

  it('stops checking once stopped', async () => {
    const clock = new ManualTimers();
    let probes = 0;
    const checker = new HealthChecker(
      { delayMs: 0, intervalMs: 1000, timeoutMs: 500, gracePeriodMs: 0, consecutiveFailures: 3 },
      async () => { probes++; },
      { onChange: () => undefined, onExhausted: () => undefined },
      clock,
    );
    checker.start();
    await clock.advanceAsync(2500);
    checker.stop();
    await clock.advanceAsync(10_000);
    expect(probes).toBe(3);
  });
});
