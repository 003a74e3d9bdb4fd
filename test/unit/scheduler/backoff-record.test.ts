import { EventEmitter } from 'node:events';
import pino from 'pino';
import type { SchedulerEvents } from '../../../scheduler/core/core-context';
import { backoffRecord, restoreBackoff } from '../../../scheduler/core/backoff-record';
import type { CrashState, LaunchBackoff } from '../../../scheduler/core';
import { StateRepository } from '../../../scheduler/core/state-repository';
import { TaskTransitions } from '../../../scheduler/core/task-transitions';
import type { TaskRecord } from '../../../scheduler/model';
import { MemoryStateStore } from '../../../scheduler/state';

const failure = (failures: number): LaunchBackoff => ({ failures, nextLaunchAt: 5000, message: 'port is already allocated' });

describe('backoff records', () => {
  it('holds one deploy only: a deploy id that extends another is not mixed in', () => {
    const crash = new Map<string, CrashState>([['r/d', { failures: 2, nextLaunchAt: 3000 }]]);
    const launch = new Map([['r/d/1', failure(1)], ['r/d/3', failure(3)], ['r/d/x/1', failure(9)], ['r/d2/1', failure(7)]]);
    const record = backoffRecord('r/d', crash, launch);
    expect(record).toEqual({ crash: { failures: 2, nextLaunchAt: 3000 }, launch: { 1: failure(1), 3: failure(3) } });
    expect(backoffRecord('r/none', crash, launch)).toBeUndefined();

    const crash2 = new Map<string, CrashState>();
    const launch2 = new Map<string, LaunchBackoff>();
    restoreBackoff('r/d', record!, crash2, launch2);
    expect(crash2).toEqual(new Map([['r/d', { failures: 2, nextLaunchAt: 3000 }]]));
    expect(launch2).toEqual(new Map([['r/d/1', failure(1)], ['r/d/3', failure(3)]]));
  });

  it('a new repository on the same store continues both backoffs; a cleared backoff is gone there too', async () => {
    const store = new MemoryStateStore();
    const now = () => 10_000;
    const first = new StateRepository(store, 10, now);
    const transitions = new TaskTransitions({ state: first, events: new EventEmitter<SchedulerEvents>(), log: pino({ level: 'silent' }), now });
    const t: TaskRecord = {
      taskId: 't1', requestId: 'r', deployId: 'd', instanceNo: 2, agentId: 'a', hostname: 'h', ports: [],
      startedAt: 1, updatedAt: 1, state: 'TASK_STARTING',
    };
    transitions.changed(t, undefined);
    transitions.ended(t, { ...t, state: 'TASK_FAILED', message: 'port is already allocated' }, true);
    const crashed = { ...t, taskId: 't2', instanceNo: 1, state: 'TASK_RUNNING' as const, runningSince: 5 };
    transitions.changed(crashed, undefined);
    transitions.ended(crashed, { ...crashed, state: 'TASK_FAILED' }, true);
    await first.flush();

    const second = new StateRepository(store, 10, now);
    await second.load();
    expect(second.launchBackoff.get('r/d/2')).toEqual({ failures: 1, nextLaunchAt: 11_000, message: 'port is already allocated' });
    expect(second.crash.get('r/d')).toEqual({ failures: 1, nextLaunchAt: 11_000 });

    second.clearLaunchBackoff('r/d/2');
    second.pruneBackoffs(new Set());
    const third = new StateRepository(store, 10, now);
    await third.load();
    expect(third.launchBackoff.size + third.crash.size).toBe(0);
    expect([...(await store.load('framework')).keys()].filter((id) => id.startsWith('backoff/'))).toEqual([]);
  });
});
