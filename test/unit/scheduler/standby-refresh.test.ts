import { MAX_PAUSE_MS, pauseAfter, StandbyRefresh } from '../../../scheduler/ha';

/** A hand-driven clock and timer list: nothing waits, the test fires the timers. */
function fakeTimers(): { now: () => number; advance: (ms: number) => void; setTimer: (fn: () => void, ms: number) => unknown; clearTimer: (t: unknown) => void; pending: () => number } {
  let now = 0;
  let timers: { at: number; fn: () => void }[] = [];
  return {
    now: () => now,
    advance: (ms) => {
      now += ms;
      const due = timers.filter((t) => t.at <= now);
      timers = timers.filter((t) => t.at > now);
      for (const t of due) t.fn();
    },
    setTimer: (fn, ms) => {
      const t = { at: now + ms, fn };
      timers.push(t);
      return t;
    },
    clearTimer: (t) => { timers = timers.filter((x) => x !== t); },
    pending: () => timers.length,
  };
}

describe('StandbyRefresh', () => {
  it('never starts a refresh while one is still reading, however long it takes', async () => {
    const clock = fakeTimers();
    let finish: () => void = () => {};
    let inFlight = 0;
    let maxInFlight = 0;
    const refresher = new StandbyRefresh({
      refresh: () => new Promise<void>((resolve) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        finish = () => { inFlight--; resolve(); };
      }),
      isLeader: () => false, onError: () => {}, minIntervalMs: 5000, ...clock,
    });
    refresher.start();
    clock.advance(5000);
    expect(refresher.started).toBe(1);
    // A read of 100,000 records that lasts a minute: twelve intervals pass, no second read starts.
    for (let i = 0; i < 12; i++) clock.advance(5000);
    expect(refresher.started).toBe(1);
    expect(clock.pending()).toBe(0);
    finish();
    await Promise.resolve();
    await Promise.resolve();
    // The next one waits as long as that read took: reading at most half the time.
    clock.advance(60_000 - 1);
    expect(refresher.started).toBe(1);
    clock.advance(1);
    expect(refresher.started).toBe(2);
    expect(maxInFlight).toBe(1);
    refresher.stop();
  });

  it('a leader does not refresh', () => {
    const clock = fakeTimers();
    let calls = 0;
    const refresher = new StandbyRefresh({ refresh: async () => { calls++; }, isLeader: () => true, onError: () => {}, minIntervalMs: 5000, ...clock });
    refresher.start();
    for (let i = 0; i < 10; i++) clock.advance(5000);
    expect(calls).toBe(0);
    refresher.stop();
    expect(clock.pending()).toBe(0);
  });

  it('pauses four times a read, at least the interval, at most MAX_PAUSE_MS unless the read itself took longer', () => {
    expect(pauseAfter(500, 5000)).toBe(5000);
    expect(pauseAfter(2000, 5000)).toBe(8000);
    // A read of a launch burst's changes: the standby reads again 15 s later, not 40 s.
    expect(pauseAfter(10_000, 5000)).toBe(MAX_PAUSE_MS);
    expect(pauseAfter(MAX_PAUSE_MS, 5000)).toBe(MAX_PAUSE_MS);
    expect(pauseAfter(60_000, 5000)).toBe(60_000);
  });
});
