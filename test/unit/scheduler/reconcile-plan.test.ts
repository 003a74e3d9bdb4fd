import type { TaskState } from '../../../mesos-proto';
import { planReconcile, type CrashState } from '../../../scheduler/core';
import type { DesiredDeployment, TaskRecord } from '../../../scheduler/model';

function task(id: string, over: Partial<TaskRecord> = {}): TaskRecord {
  return {
    taskId: id, requestId: 'r1', deployId: 'd1', instanceNo: 1, agentId: 'a1', hostname: 'h1', ports: [],
    startedAt: 1000, updatedAt: 1000, state: 'TASK_RUNNING' as TaskState, ...over,
  };
}

const want = (instances: number, deployId = 'd1'): DesiredDeployment => ({ requestId: 'r1', deployId, instances });

describe('planReconcile', () => {
  it.each<[string, DesiredDeployment[], TaskRecord[], number[], string[]]>([
    // name, desired, tasks, launched instanceNos, killed task ids
    ['nothing running → launch all', [want(3)], [], [1, 2, 3], []],
    ['exactly right → nothing', [want(2)], [task('t1'), task('t2', { instanceNo: 2 })], [], []],
    ['fills the free instance numbers', [want(3)], [task('t2', { instanceNo: 2 })], [1, 3], []],
    ['surplus → youngest killed first', [want(1)], [task('old', { startedAt: 1 }), task('young', { startedAt: 9, instanceNo: 2 })], [], ['young']],
    ['scale to 0 kills all', [want(0)], [task('t1'), task('t2', { instanceNo: 2 })], [], ['t1', 't2']],
    ['tasks of an undesired deploy are killed', [want(1, 'd2')], [task('t1')], [1], ['t1']],
    ['a task being killed does not count', [want(1)], [task('t1', { killRequestedAt: 5 })], [1], []],
    ['an UNREACHABLE task is replaced under a number it does not hold, not killed', [want(1)], [task('t1', { state: 'TASK_UNREACHABLE' })], [2], []],
    ['terminal tasks are ignored', [want(1)], [task('t1', { state: 'TASK_FAILED' })], [1], []],
    ['STAGING counts as an instance', [want(1)], [task('t1', { state: 'TASK_STAGING' })], [], []],
  ])('%s', (_name, desired, tasks, launched, killed) => {
    const plan = planReconcile({ desired, tasks, crash: new Map(), now: 10_000 });
    expect(plan.launches.map((l) => l.instanceNo)).toEqual(launched);
    expect(plan.kills.map((k) => k.taskId).sort()).toEqual(killed.sort());
  });

  it('holds launches during crash-loop backoff and says when they are due', () => {
    const crash = new Map<string, CrashState>([['r1/d1', { failures: 3, nextLaunchAt: 12_500 }]]);
    const plan = planReconcile({ desired: [want(2)], tasks: [], crash, now: 10_000 });
    expect(plan.launches).toEqual([]);
    expect(plan.waiting.get('r1/d1')).toBe('crash-loop backoff: next launch in 3 s');
    expect(plan.nextDueAt).toBe(12_500);
    expect(planReconcile({ desired: [want(2)], tasks: [], crash, now: 12_500 }).launches).toHaveLength(2);
  });

  it('uses the larger count when a deploy is desired twice', () => {
    const plan = planReconcile({ desired: [want(1), want(3)], tasks: [], crash: new Map(), now: 0 });
    expect(plan.launches).toHaveLength(3);
  });

  it('gives each kill a reason', () => {
    const plan = planReconcile({ desired: [want(0)], tasks: [task('t1')], crash: new Map(), now: 0 });
    expect(plan.kills).toEqual([{ taskId: 't1', reason: 'scaling r1 down to 0 instances' }]);
  });

  it('maxLiveTasks counts every non-terminal task of the request, in any deploy or state', () => {
    const tasks = [
      task('staging', { state: 'TASK_STAGING', deployId: 'd2' }),
      task('killing', { killRequestedAt: 5, instanceNo: 2 }),
      task('unreachable', { state: 'TASK_UNREACHABLE', instanceNo: 3 }),
      task('ended', { state: 'TASK_KILLED', instanceNo: 4 }),
    ];
    const desired = [{ ...want(2, 'd2'), maxLiveTasks: 4 }, { ...want(2), maxLiveTasks: 4 }];
    const plan = planReconcile({ desired, tasks, crash: new Map(), now: 0 });
    expect(plan.launches).toEqual([{ requestId: 'r1', deployId: 'd2', instanceNo: 2 }]);
    expect(plan.waiting.get('r1/d1')).toBe('2 task(s) wait for tasks of r1 to end (at most 4 at once while rolling)');
    expect(planReconcile({ desired: [want(2, 'd2'), want(2)], tasks, crash: new Map(), now: 0 }).launches).toHaveLength(3);
  });
});
