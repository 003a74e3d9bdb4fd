import { HeartbeatWatchdog, MISSED_HEARTBEATS } from '../../../common/heartbeat-watchdog';
import { ManualTimers } from '../../support/manual-timers';

describe('HeartbeatWatchdog', () => {
  it(`fires once after ${MISSED_HEARTBEATS} silent intervals`, () => {
    const clock = new ManualTimers();
    let dead = 0;
    const watchdog = new HeartbeatWatchdog(() => dead++, clock);
    watchdog.start(2);
    clock.advance(2_000 * MISSED_HEARTBEATS - 1);
    expect(dead).toBe(0);
    clock.advance(1);
    expect(dead).toBe(1);
    clock.advance(60_000);
    expect(dead).toBe(1);
  });

  it('is kept alive by every beat, counting from the last one', () => {
    const clock = new ManualTimers();
    let dead = 0;
    const watchdog = new HeartbeatWatchdog(() => dead++, clock);
    watchdog.start(1);
    for (let i = 0; i < 20; i++) {
      clock.advance(4_000);
      watchdog.beat();
    }
    expect(dead).toBe(0);
    clock.advance(4_999);
    expect(dead).toBe(0);
    clock.advance(1);
    expect(dead).toBe(1);
  });

  it('never fires once stopped, and leaves no timer behind', () => {
    const clock = new ManualTimers();
    let dead = 0;
    const watchdog = new HeartbeatWatchdog(() => dead++, clock);
    watchdog.start(1);
    watchdog.beat();
    watchdog.stop();
    expect(clock.size).toBe(0);
    clock.advance(60_000);
    expect(dead).toBe(0);
  });

  it('treats an interval under a second as one second', () => {
    const clock = new ManualTimers();
    let dead = 0;
    new HeartbeatWatchdog(() => dead++, clock).start(0);
    clock.advance(1_000 * MISSED_HEARTBEATS - 1);
    expect(dead).toBe(0);
    clock.advance(1);
    expect(dead).toBe(1);
  });
});
