import type { TaskState } from '../../../mesos-proto';
import { planReconcile, TaskMap, type CrashState, type ReconcilePlan } from '../../../scheduler/core';
import { ReconcileCache } from '../../../scheduler/core/reconcile-cache';
import type { DesiredDeployment, TaskRecord } from '../../../scheduler/model';

/**
 * The scheduling cycle's plan, kept per request: after one status update on a 10,000-task state
 * it walks that request's tasks only, and whatever changes it plans exactly what planning every
 * task afresh (`planReconcile`) plans. Counted, not timed.
 */
const REQUESTS = 100;
const PER_REQUEST = 100;

function task(requestId: string, n: number, over: Partial<TaskRecord> = {}): TaskRecord {
  return {
    taskId: `${requestId}-${n}`, requestId, deployId: 'd1', instanceNo: n, agentId: `a${n % 37}`, hostname: 'h', ports: [],
    startedAt: n, updatedAt: n, state: 'TASK_RUNNING' as TaskState, ...over,
  };
}

function cluster(requests = REQUESTS, perRequest = PER_REQUEST): { tasks: TaskMap; desired: DesiredDeployment[] } {
  const tasks = new TaskMap();
  const desired: DesiredDeployment[] = [];
  for (let r = 0; r < requests; r++) {
    desired.push({ requestId: `r${r}`, deployId: 'd1', instances: perRequest });
    for (let n = 1; n <= perRequest; n++) tasks.set(`r${r}-${n}`, task(`r${r}`, n));
  }
  return { tasks, desired };
}

/** Order across requests is not part of a plan's meaning (each kill and launch is one of its own). */
function canonical(p: ReconcilePlan): unknown {
  return {
    launches: p.launches.map((l) => `${l.requestId}/${l.deployId}/${l.instanceNo}`).sort(),
    kills: p.kills.map((k) => `${k.taskId}: ${k.reason}`).sort(),
    waiting: [...p.waiting].sort(),
    nextDueAt: p.nextDueAt,
  };
}

describe('ReconcileCache plans only what changed', () => {
  it('one status update on 10,000 tasks walks the 100 tasks of its request, not all', () => {
    const { tasks, desired } = cluster();
    const cache = new ReconcileCache();
    const base = { desired, tasks, crash: new Map<string, CrashState>(), now: 0, backoffVersion: 0 };
    cache.plan({ ...base, full: false });
    expect(cache.visited).toBe(REQUESTS * PER_REQUEST);
    cache.plan({ ...base, full: false });
    expect(cache.visited).toBe(0);

    tasks.set('r7-3', task('r7', 3, { state: 'TASK_FAILED' }));
    const plan = cache.plan({ ...base, full: false });
    expect(cache.visited).toBe(PER_REQUEST);
    expect(plan.launches).toEqual([{ requestId: 'r7', deployId: 'd1', instanceNo: 3 }]);

    // A request scaled: that request only. A backoff set somewhere, or the safety net: everything.
    cache.plan({ ...base, desired: desired.map((d) => (d.requestId === 'r9' ? { ...d, instances: 90 } : d)), full: false });
    expect(cache.visited).toBe(PER_REQUEST);
    cache.plan({ ...base, backoffVersion: 1, full: false });
    expect(cache.visited).toBe(REQUESTS * PER_REQUEST);
    cache.plan({ ...base, backoffVersion: 1, full: true });
    expect(cache.visited).toBe(REQUESTS * PER_REQUEST);
  });

  it('a plan that waits on the clock is made again every cycle', () => {
    const { tasks, desired } = cluster();
    tasks.delete('r1-1');
    const crash = new Map<string, CrashState>([['r1/d1', { failures: 2, nextLaunchAt: 5000 }]]);
    const cache = new ReconcileCache();
    const at = (now: number): ReconcilePlan => cache.plan({ desired, tasks, crash, now, backoffVersion: 0, full: false });
    expect(at(1000).waiting.get('r1/d1')).toBe('crash-loop backoff: next launch in 4 s');
    expect(at(2000).waiting.get('r1/d1')).toBe('crash-loop backoff: next launch in 3 s');
    expect(cache.visited).toBe(PER_REQUEST - 1);
    expect(at(5000).launches).toEqual([{ requestId: 'r1', deployId: 'd1', instanceNo: 1 }]);
  });

  it('plans what planning every task plans, through a run of changes', () => {
    const { tasks, desired: initial } = cluster(20, 20);
    let desired = initial;
    const cache = new ReconcileCache();
    const states: TaskState[] = ['TASK_RUNNING', 'TASK_STAGING', 'TASK_FAILED', 'TASK_UNREACHABLE', 'TASK_KILLED'];
    let seed = 42;
    const rand = (n: number): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    for (let step = 0; step < 1000; step++) {
      const r = `r${rand(20)}`;
      const n = 1 + rand(25);
      const roll = rand(10);
      if (roll < 5) tasks.set(`${r}-${n}`, task(r, n, { state: states[rand(states.length)] }));
      else if (roll < 7) tasks.delete(`${r}-${n}`);
      else if (roll < 8) tasks.set(`${r}-${n}`, task(r, n, { killRequestedAt: step }));
      else if (roll < 9) desired = desired.map((d) => (d.requestId === r ? { ...d, instances: rand(25), maxLiveTasks: rand(2) ? undefined : 22 } : d));
      else desired = desired.filter((d) => d.requestId !== r);
      const input = { desired, crash: new Map<string, CrashState>(), now: step, keepUnreachable: step % 50 < 25 };
      expect(canonical(cache.plan({ ...input, tasks, backoffVersion: 0, full: false }))).toEqual(canonical(planReconcile({ ...input, tasks: tasks.values() })));
    }
  });
});
