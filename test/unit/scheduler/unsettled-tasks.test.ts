/**
 * A partition-aware framework hears nothing when an unreachable agent comes back: the rules that
 * make Griddle find out (explicit reconciliation of unsettled tasks, on a fake clock) and what it
 * then does with a task that returns (the plan).
 */
import type { TaskState } from '../../../mesos-proto';
import { planReconcile } from '../../../scheduler/core';
import { ChaseSchedule, MAX_CHASE_INTERVAL_MS, MAX_CHASES_PER_TICK } from '../../../scheduler/core/unsettled-tasks';
import type { DesiredDeployment, TaskRecord } from '../../../scheduler/model';

function task(id: string, over: Partial<TaskRecord> = {}): TaskRecord {
  return {
    taskId: id, requestId: 'r1', deployId: 'd1', instanceNo: 1, agentId: 'a1', hostname: 'h1', ports: [],
    startedAt: 1000, updatedAt: 1000, state: 'TASK_RUNNING' as TaskState, ...over,
  };
}
const want = (instances: number, deployId = 'd1', maxLiveTasks?: number): DesiredDeployment => ({ requestId: 'r1', deployId, instances, maxLiveTasks });
const plan = (desired: DesiredDeployment[], tasks: TaskRecord[]) => planReconcile({ desired, tasks, crash: new Map(), now: 10_000 });

describe('ChaseSchedule (fake clock)', () => {
  /** The times (ms from 0) at which `t` is asked about over `untilMs`, ticking every second. */
  function askTimes(schedule: ChaseSchedule, tasks: () => TaskRecord[], untilMs: number): number[] {
    const at: number[] = [];
    for (let now = 0; now <= untilMs; now += 1000) if (schedule.due(tasks(), now).length > 0) at.push(now);
    return at;
  }

  it('asks about at most MAX_CHASES_PER_TICK tasks per tick: 20,000 slow launches are asked about over ticks, not at once', () => {
    const schedule = new ChaseSchedule();
    const staging = Array.from({ length: 20_000 }, (_, i) => task(`t${i}`, { state: 'TASK_STAGING' }));
    expect(schedule.due(staging, 0)).toHaveLength(0);
    const asked = new Set<string>();
    for (let tick = 0; tick < 40; tick++) {
      const due = schedule.due(staging, 15_000 + tick * 1000);
      expect(due.length).toBeLessThanOrEqual(MAX_CHASES_PER_TICK);
      for (const d of due) asked.add(d.taskId);
    }
    // Every one is asked, none starved by the re-asks of the first: 40 ticks of 500 cover all 20,000.
    expect(asked.size).toBe(20_000);
  });

  it('asks about an UNREACHABLE task after 2 s, then with the pause doubling up to 30 s, for as long as it stays unreachable', () => {
    const times = askTimes(new ChaseSchedule(), () => [task('t', { state: 'TASK_UNREACHABLE' })], 120_000);
    expect(times.slice(0, 6)).toEqual([2000, 6000, 14_000, 30_000, 60_000, 90_000]);
    expect(times[times.length - 1]).toBe(120_000);
    expect(MAX_CHASE_INTERVAL_MS).toBe(30_000);
  });

  it('asks about a kill that has not ended, and about a long STAGING; never about a settled RUNNING task', () => {
    const s = new ChaseSchedule();
    const tasks = [task('killed', { killRequestedAt: 0 }), task('staging', { state: 'TASK_STAGING' }), task('fine')];
    const asked = new Map<number, string[]>();
    for (let now = 0; now <= 16_000; now += 1000) asked.set(now, s.due(tasks, now).map((t) => t.taskId));
    expect(asked.get(5000)).toEqual(['killed']);
    expect(asked.get(15_000)).toEqual(['killed', 'staging']);
    expect([...asked.values()].flat()).not.toContain('fine');
  });

  it('starts over when the task changes, and forgets a task once it is settled', () => {
    const s = new ChaseSchedule();
    let t = task('t', { state: 'TASK_UNREACHABLE' });
    expect(s.due([t], 0)).toEqual([]);
    expect(s.due([t], 2000)).toEqual([{ taskId: 't', agentId: 'a1' }]);
    t = { ...t, killRequestedAt: 2500 };
    expect(s.due([t], 3000)).toEqual([]);
    expect(s.due([t], 5000)).toHaveLength(1);
    expect(s.due([{ ...t, state: 'TASK_KILLED' }], 6000)).toEqual([]);
  });
});

describe('planReconcile with tasks that were unreachable', () => {
  it('decides to kill an UNREACHABLE task of a deploy no longer desired (so the kill is re-sent when it returns)', () => {
    expect(plan([want(4, 'v1')], [task('old', { deployId: 'v0', state: 'TASK_UNREACHABLE' })]).kills.map((k) => k.taskId)).toEqual(['old']);
  });

  it('kills an old-deploy task that came back RUNNING', () => {
    const v1 = [1, 2, 3, 4].map((n) => task(`v1-${n}`, { deployId: 'v1', instanceNo: n }));
    expect(plan([want(4, 'v1')], [...v1, task('old', { deployId: 'v0' })]).kills.map((k) => k.taskId)).toEqual(['old']);
  });

  it('replaces under a free number, and retires that replacement when the original comes back', () => {
    const running = [2, 3, 4].map((n) => task(`t${n}`, { instanceNo: n }));
    expect(plan([want(4)], [...running, task('t1', { state: 'TASK_UNREACHABLE' })]).launches.map((l) => l.instanceNo)).toEqual([5]);
    const back = [...running, task('t1'), task('t5', { instanceNo: 5, startedAt: 900 })];
    expect(plan([want(4)], back).kills.map((k) => k.taskId)).toEqual(['t5']);
  });

  it('kills the second holder of a number held twice, not the youngest other task', () => {
    const tasks = [task('a1', { startedAt: 1 }), task('b1', { startedAt: 5 }), task('c2', { instanceNo: 2, startedAt: 9 })];
    expect(plan([want(2)], tasks).kills.map((k) => k.taskId)).toEqual(['b1']);
  });

  it('once the unreachable task is gone for good, launches its number and then retires the task beyond the count', () => {
    const tasks = [2, 3, 4, 5].map((n) => task(`t${n}`, { instanceNo: n }));
    expect(plan([want(4)], tasks).launches.map((l) => l.instanceNo)).toEqual([1]);
    expect(plan([want(4)], [...tasks, task('t1', { state: 'TASK_STAGING', startedAt: 2000 })]).kills.map((k) => k.taskId)).toEqual(['t5']);
  });

  it('does not renumber the old deploy while a deploy rolls (its numbers are what retirements left)', () => {
    const old = [3, 4].map((n) => task(`v0-${n}`, { deployId: 'v0', instanceNo: n }));
    const v1 = [1, 2].map((n) => task(`v1-${n}`, { deployId: 'v1', instanceNo: n }));
    const p = plan([want(2, 'v1', 5), want(2, 'v0', 5)], [...old, ...v1]);
    expect(p.launches).toEqual([]);
    expect(p.kills).toEqual([]);
  });

  it('counts an UNREACHABLE task against the rollout bound, so its replacement waits while a deploy rolls', () => {
    const tasks = [task('v0-1', { deployId: 'v0', state: 'TASK_UNREACHABLE' }), ...[1, 2, 3, 4].map((n) => task(`v1-${n}`, { deployId: 'v1', instanceNo: n }))];
    const p = plan([want(4, 'v1', 5), want(1, 'v0', 5)], tasks);
    expect(p.launches).toEqual([]);
    expect(p.waiting.get('r1/v0')).toMatch(/at most 5 at once while rolling/);
  });
});
