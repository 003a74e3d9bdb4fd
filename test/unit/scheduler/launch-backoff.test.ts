import { EventEmitter } from 'node:events';
import pino from 'pino';
import type { TaskState } from '../../../mesos-proto';
import {
  instanceKey, isLaunchFailure, launchBackoffDelayMs, planReconcile, recordLaunchFailure, type LaunchBackoff,
} from '../../../scheduler/core';
import type { CoreContext, SchedulerEvents } from '../../../scheduler/core/core-context';
import { StateRepository } from '../../../scheduler/core/state-repository';
import { TaskTransitions } from '../../../scheduler/core/task-transitions';
import type { DesiredDeployment, TaskRecord } from '../../../scheduler/model';
import { MemoryStateStore } from '../../../scheduler/state';

function task(id: string, over: Partial<TaskRecord> = {}): TaskRecord {
  return {
    taskId: id, requestId: 'r1', deployId: 'd1', instanceNo: 1, agentId: 'a1', hostname: 'h1', ports: [],
    startedAt: 1000, updatedAt: 1000, state: 'TASK_RUNNING' as TaskState, ...over,
  };
}
const want = (instances: number): DesiredDeployment => ({ requestId: 'r1', deployId: 'd1', instances });

describe('launch-failure backoff (pure)', () => {
  it.each([[0, 0], [1, 1000], [2, 2000], [3, 4000], [6, 32_000], [7, 60_000], [50, 60_000]])('after %i failures waits %i ms', (failures, ms) => {
    expect(launchBackoffDelayMs(failures)).toBe(ms);
  });

  it.each<[string, Partial<TaskRecord>, boolean]>([
    ['FAILED before RUNNING', { state: 'TASK_FAILED' }, true],
    ['ERROR before RUNNING', { state: 'TASK_ERROR' }, true],
    ['DROPPED before RUNNING', { state: 'TASK_DROPPED' }, true],
    ['FAILED after RUNNING (a crash, not a launch failure)', { state: 'TASK_FAILED', runningSince: 500 }, false],
    ['killed by Griddle', { state: 'TASK_FAILED', killRequestedAt: 500 }, false],
    ['LOST with its agent', { state: 'TASK_LOST' }, false],
  ])('%s → %p', (_name, over, expected) => {
    expect(isLaunchFailure(task('t', over))).toBe(expected);
  });

  it('holds only the failing instance, says why, and launches it when due (fake clock)', () => {
    let state: LaunchBackoff | undefined;
    for (const at of [1000, 2000, 5000]) state = recordLaunchFailure(state, at, 'port is already allocated');
    expect(state).toEqual({ failures: 3, nextLaunchAt: 9000, message: 'port is already allocated' });
    const backoff = new Map([[instanceKey('r1', 'd1', 2), state!]]);
    const tasks = [task('t1'), task('t3', { instanceNo: 3 })];

    const plan = planReconcile({ desired: [want(4)], tasks, crash: new Map(), launchBackoff: backoff, now: 5000 });
    expect(plan.launches.map((l) => l.instanceNo)).toEqual([4]);
    expect(plan.waiting.get('r1/d1')).toBe('instance 2: backing off 4s after 3 launch failures: port is already allocated');
    expect(plan.nextDueAt).toBe(9000);

    const later = planReconcile({ desired: [want(4)], tasks, crash: new Map(), launchBackoff: backoff, now: 9000 });
    expect(later.launches.map((l) => l.instanceNo)).toEqual([2, 4]);
    expect(later.waiting.size).toBe(0);
  });
});

describe('launch-failure backoff in the task transitions', () => {
  function setup(): { state: StateRepository; transitions: TaskTransitions; clock: { now: number } } {
    const clock = { now: 10_000 };
    const state = new StateRepository(new MemoryStateStore(), 10, () => clock.now);
    const ctx: CoreContext = { state, events: new EventEmitter<SchedulerEvents>(), log: pino({ level: 'silent' }), now: () => clock.now };
    return { state, transitions: new TaskTransitions(ctx), clock };
  }

  it('a failure before RUNNING backs the instance off (not the deploy); RUNNING resets it', () => {
    const { state, transitions, clock } = setup();
    const key = instanceKey('r1', 'd1', 2);
    for (let i = 0; i < 3; i++) {
      const t = task(`t${i}`, { instanceNo: 2, state: 'TASK_STARTING' });
      transitions.changed(t, undefined);
      transitions.ended(t, { ...t, state: 'TASK_FAILED', message: 'port is already allocated' }, true);
      clock.now += 100;
    }
    expect(state.launchBackoff.get(key)).toEqual({ failures: 3, nextLaunchAt: 10_200 + 4000, message: 'port is already allocated' });
    expect(state.crash.size).toBe(0);

    const ok = task('t9', { instanceNo: 2, state: 'TASK_STARTING' });
    transitions.changed(ok, undefined);
    transitions.changed({ ...ok, state: 'TASK_RUNNING', runningSince: clock.now }, ok);
    expect(state.launchBackoff.has(key)).toBe(false);
  });

  it('a crash after RUNNING feeds the deploy crash-loop backoff instead', () => {
    const { state, transitions } = setup();
    const t = task('t1', { runningSince: 9000 });
    transitions.changed(t, undefined);
    transitions.ended(t, { ...t, state: 'TASK_FAILED', message: 'exited with 1' }, true);
    expect(state.launchBackoff.size).toBe(0);
    expect(state.crash.get('r1/d1')).toEqual({ failures: 1, nextLaunchAt: 11_000 });
  });
});
