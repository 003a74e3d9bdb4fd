import { backoffDelayMs, isHealthyRun, recordFailure, remainingBackoffMs } from '../../../scheduler/core';

describe('crash-loop backoff', () => {
  it.each([
    [0, 0], [1, 1000], [2, 1150], [3, 1322], [10, 3518], [38, 176_125], [39, 202_543], [40, 232_925], [41, 267_864], [42, 300_000], [100, 300_000],
  ])('after %i failures waits %i ms', (failures, ms) => {
    expect(backoffDelayMs(failures)).toBe(ms);
  });

  it('counts failures and sets the next launch time from a fake clock', () => {
    const first = recordFailure(undefined, 1000);
    expect(first).toEqual({ failures: 1, nextLaunchAt: 2000 });
    const second = recordFailure(first, 5000);
    expect(second).toEqual({ failures: 2, nextLaunchAt: 6150 });
    expect(remainingBackoffMs(second, 6000)).toBe(150);
    expect(remainingBackoffMs(second, 7000)).toBe(0);
  });

  it.each<[string, { state: string; healthy?: boolean; runningSince?: number }, boolean]>([
    ['reported healthy', { state: 'TASK_RUNNING', healthy: true, runningSince: 99_000 }, true],
    ['running 60 s without a check', { state: 'TASK_RUNNING', runningSince: 40_000 }, true],
    ['running 59 s without a check', { state: 'TASK_RUNNING', runningSince: 41_000 }, false],
    ['unhealthy', { state: 'TASK_RUNNING', healthy: false, runningSince: 0 }, false],
    ['not running', { state: 'TASK_STAGING', healthy: true }, false],
  ])('a healthy run resets it: %s', (_name, task, healthy) => {
    expect(isHealthyRun(task, 100_000)).toBe(healthy);
  });
});
