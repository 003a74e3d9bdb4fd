import { expiringActions, machineExpiry, parseDuration } from '../../../console/state';

describe('durations typed in the console', () => {
  it('reads units and their sums, and empty as no duration', () => {
    expect(parseDuration('90s')).toEqual({ ok: true, ms: 90_000 });
    expect(parseDuration(' 1h 30m ')).toEqual({ ok: true, ms: 5_400_000 });
    expect(parseDuration('2d')).toEqual({ ok: true, ms: 172_800_000 });
    expect(parseDuration('')).toEqual({ ok: true });
  });

  it('refuses what is not a duration, saying how to write one', () => {
    const bad = parseDuration('10 minutes');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error).toMatch(/e\.g\. 90s, 30m/);
    expect(parseDuration('0m').ok).toBe(false);
    expect(parseDuration('15').ok).toBe(false);
  });
});

describe('a request\'s expiring actions in words', () => {
  const at = 1_000_000;
  it('says what each does and what comes back when, soonest first', () => {
    const views = expiringActions({
      expiringScale: { requestId: 'r', startMillis: at, actionId: 'a', user: 'ops', expiringAPIRequestObject: { instances: 3, durationMillis: 3_600_000, message: 'load test' }, revertToInstances: 1 },
      expiringPause: { requestId: 'r', startMillis: at, actionId: 'b', expiringAPIRequestObject: { durationMillis: 60_000 } },
      expiringPriority: { requestId: 'r', startMillis: at, actionId: 'c', expiringAPIRequestObject: { priority: 0.9, durationMillis: 120_000 } },
    });
    expect(views.map((v) => [v.kind, v.action, v.then, v.endsAt])).toEqual([
      ['pause', 'paused', 'unpaused', at + 60_000],
      ['priority', 'priority 0.9', 'back to the default priority', at + 120_000],
      ['scale', 'scaled to 3', 'back to 1 instance', at + 3_600_000],
    ]);
    expect(views[2]).toMatchObject({ user: 'ops', message: 'load test' });
  });

  it('is empty for a request with none', () => {
    expect(expiringActions({})).toEqual([]);
  });

  it('gives a machine\'s revert state and end', () => {
    expect(machineExpiry({ machineId: 'a1', startMillis: at, actionId: 'x', expiringAPIRequestObject: { durationMillis: 5000 }, revertToState: 'ACTIVE', killTasksOnDecommissionTimeout: false }))
      .toEqual({ revertTo: 'ACTIVE', endsAt: at + 5000 });
    expect(machineExpiry(undefined)).toBeUndefined();
  });
});
