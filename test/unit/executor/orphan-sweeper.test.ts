import pino from 'pino';
import { OrphanSweeper, nextSweepDelayMs } from '../../../executor/orphan-sweeper';
import { ManualTimers } from '../../support/manual-timers';

const flush = () => new Promise<void>((r) => setImmediate(r));

function sweeper(intervalMs: number, sweep: () => Promise<unknown>) {
  const timers = new ManualTimers();
  const warnings: string[] = [];
  const log = pino({ level: 'info' }, { write: (s: string) => {
    const line = JSON.parse(s) as { level: number; msg: string };
    if (line.level >= 40) warnings.push(line.msg);
  } });
  const s = new OrphanSweeper({ intervalMs, sweep, log, clock: timers, random: () => 0.5 });
  const tick = async (ms: number) => {
    timers.advance(ms);
    await flush();
  };
  return { s, timers, warnings, tick };
}

describe('orphan sweeper timer', () => {
  it('jitters each delay within ±25 % of the interval', () => {
    expect(nextSweepDelayMs(60_000, () => 0)).toBe(45_000);
    expect(nextSweepDelayMs(60_000, () => 1)).toBe(75_000);
  });

  it('sweeps when the executor starts, then once per interval, until stopped', async () => {
    let sweeps = 0;
    const { s, timers, tick } = sweeper(60_000, async () => void sweeps++);
    s.start();
    await flush();
    expect(sweeps).toBe(1);
    await tick(59_999);
    expect(sweeps).toBe(1);
    await tick(1);
    expect(sweeps).toBe(2);
    await tick(60_000);
    expect(sweeps).toBe(3);
    s.stop();
    await tick(600_000);
    expect(sweeps).toBe(3);
    expect(timers.size).toBe(0);
  });

  it('does nothing with an interval of 0', async () => {
    let sweeps = 0;
    const { s, timers } = sweeper(0, async () => void sweeps++);
    s.start();
    await flush();
    expect(sweeps).toBe(0);
    expect(timers.size).toBe(0);
  });

  it('runs one sweep at a time, and keeps sweeping after one fails', async () => {
    let release: () => void = () => undefined;
    let calls = 0;
    const { s, warnings, tick } = sweeper(1000, () => {
      calls++;
      if (calls === 1) return new Promise<void>((r) => (release = r));
      return Promise.reject(new Error('docker unavailable'));
    });
    s.start();
    const joined = s.sweepNow();
    expect(calls).toBe(1);
    release();
    await joined;
    await tick(1000);
    expect(calls).toBe(2);
    expect(warnings).toEqual(['orphan sweep failed']);
    await tick(1000);
    expect(calls).toBe(3);
    s.stop();
  });
});
