import { isTerminalState, type TaskState } from '../../../mesos-proto';
import { countsAsInstance, TaskMap } from '../../../scheduler/core';
import { firstChaseDelayMs } from '../../../scheduler/core/unsettled-tasks';
import type { TaskRecord } from '../../../scheduler/model';

function task(taskId: string, requestId: string): TaskRecord {
  return { taskId, requestId, deployId: 'd1', instanceNo: 1, agentId: 'a', hostname: 'h', ports: [], startedAt: 0, updatedAt: 0, state: 'TASK_RUNNING' };
}

describe('TaskMap keeps the tasks grouped by request through every change', () => {
  it('groups on set, regroups a moved task, ungroups on delete and clear', () => {
    const tasks = new TaskMap();
    tasks.set('t1', task('t1', 'web')).set('t2', task('t2', 'web')).set('t3', task('t3', 'db'));
    expect([...tasks.ofRequest('web').keys()]).toEqual(['t1', 't2']);
    const replaced = task('t1', 'web');
    tasks.set('t1', replaced);
    expect(tasks.ofRequest('web').get('t1')).toBe(replaced);
    tasks.set('t2', task('t2', 'db'));
    expect([...tasks.ofRequest('web').keys()]).toEqual(['t1']);
    expect([...tasks.ofRequest('db').keys()]).toEqual(['t3', 't2']);
    expect(tasks.delete('t1')).toBe(true);
    expect(tasks.ofRequest('web').size).toBe(0);
    expect(tasks.delete('t1')).toBe(false);
    tasks.clear();
    expect(tasks.ofRequest('db').size).toBe(0);
    expect(tasks.size).toBe(0);
  });

  it('counts tasks per agent and live tasks per deploy, and moves a request\'s version on each change', () => {
    const tasks = new TaskMap();
    const on = (taskId: string, agentId: string, over: Partial<TaskRecord> = {}): TaskRecord => ({ ...task(taskId, 'web'), agentId, hostname: `${agentId}.h`, rackId: 'r1', ...over });
    tasks.set('t1', on('t1', 'a1')).set('t2', on('t2', 'a1', { deployId: 'd2', killRequestedAt: 5 })).set('t3', on('t3', 'a2', { state: 'TASK_FAILED' }));
    expect(tasks.agents().get('a1')).toEqual({ tasks: 2, hostname: 'a1.h', rackId: 'r1', live: 2 });
    expect(tasks.agents().get('a2')).toEqual({ tasks: 1, hostname: 'a2.h', rackId: 'r1', live: 0 });
    // A task being killed holds its agent but counts for placement no more.
    expect([...tasks.loads()]).toEqual([['a1', { byRequest: new Map([['web', 1]]), byDeploy: new Map([['web/d1', 1]]) }]]);
    expect([...tasks.liveDeploysOf('web')]).toEqual([['d1', 1], ['d2', 1]]);
    const before = tasks.versionOf('web');
    tasks.set('t2', on('t2', 'a2', { deployId: 'd2', state: 'TASK_KILLED' }));
    expect(tasks.versionOf('web')).toBeGreaterThan(before);
    expect(tasks.versionOf('db')).toBe(0);
    expect(tasks.agents().get('a1')).toMatchObject({ tasks: 1, live: 1 });
    expect([...tasks.liveDeploysOf('web')]).toEqual([['d1', 1]]);
    tasks.delete('t1');
    expect(tasks.agents().has('a1')).toBe(false);
    expect(tasks.loads().size).toBe(0);
    expect(tasks.liveDeploysOf('web').size).toBe(0);
    const cleared = tasks.versionOf('web');
    tasks.clear();
    expect(tasks.versionOf('web')).toBe(cleared + 1);
    expect(tasks.agents().size).toBe(0);
  });

  it('keeps the unsettled tasks apart, so the chase looks at those and not at every task', () => {
    const tasks = new TaskMap();
    for (let i = 0; i < 1000; i++) tasks.set(`run${i}`, task(`run${i}`, 'web'));
    tasks.set('staging', { ...task('staging', 'web'), state: 'TASK_STAGING' });
    tasks.set('killing', { ...task('killing', 'web'), killRequestedAt: 5 });
    expect([...tasks.unsettled().keys()]).toEqual(['staging', 'killing']);
    tasks.set('staging', task('staging', 'web'));
    tasks.delete('killing');
    expect(tasks.unsettled().size).toBe(0);
  });

  it('keeps every index equal to one worked out from all tasks, through a run of changes', () => {
    const tasks = new TaskMap();
    const states: TaskState[] = ['TASK_STAGING', 'TASK_STARTING', 'TASK_RUNNING', 'TASK_UNREACHABLE', 'TASK_FAILED', 'TASK_KILLED'];
    let seed = 7;
    const rand = (n: number): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    const fromScratch = () => {
      const live = new Map<string, number>();
      const deploys = new Map<string, number>();
      const loads = new Map<string, number>();
      for (const t of tasks.values()) {
        if (!isTerminalState(t.state)) {
          live.set(t.agentId, (live.get(t.agentId) ?? 0) + 1);
          deploys.set(`${t.requestId}/${t.deployId}`, (deploys.get(`${t.requestId}/${t.deployId}`) ?? 0) + 1);
        }
        if (!countsAsInstance(t)) continue;
        for (const key of [`${t.agentId}/${t.requestId}/${t.deployId}`, `${t.agentId}/${t.requestId}`]) loads.set(key, (loads.get(key) ?? 0) + 1);
      }
      const unsettled = [...tasks.values()].filter((t) => firstChaseDelayMs(t) !== null).map((t) => t.taskId).sort();
      const owed = [...tasks.values()].reduce((n, t) => n + (t.state === 'TASK_STAGING' ? 2 : t.state === 'TASK_STARTING' ? 1 : 0), 0);
      return { live, deploys, loads, unsettled, owed };
    };
    const indexed = () => {
      const live = new Map([...tasks.agents()].filter(([, a]) => a.live > 0).map(([id, a]) => [id, a.live]));
      const deploys = new Map<string, number>();
      for (const r of ['r0', 'r1', 'r2']) for (const [d, n] of tasks.liveDeploysOf(r)) deploys.set(`${r}/${d}`, n);
      const loads = new Map<string, number>();
      for (const [agentId, load] of tasks.loads()) {
        for (const [key, n] of [...load.byDeploy, ...load.byRequest]) loads.set(`${agentId}/${key}`, n);
      }
      return { live, deploys, loads, unsettled: [...tasks.unsettled().keys()].sort(), owed: tasks.launchUpdatesOwed };
    };
    for (let step = 0; step < 2000; step++) {
      const id = `t${rand(60)}`;
      if (rand(5) === 0) tasks.delete(id);
      else {
        tasks.set(id, {
          ...task(id, `r${rand(3)}`), deployId: `d${rand(2)}`, agentId: `a${rand(8)}`, state: states[rand(states.length)],
          ...(rand(4) === 0 ? { killRequestedAt: step } : {}),
        });
      }
      const want = fromScratch();
      const got = indexed();
      expect(new Map([...got.live].sort())).toEqual(new Map([...want.live].sort()));
      expect(new Map([...got.deploys].sort())).toEqual(new Map([...want.deploys].sort()));
      expect(new Map([...got.loads].sort())).toEqual(new Map([...want.loads].sort()));
      expect(got.unsettled).toEqual(want.unsettled);
      expect(got.owed).toBe(want.owed);
    }
  });
});

describe('TaskMap tells its watchers of every change', () => {
  it('reports sets and deletes task by task, and a clear once, until unwatched', () => {
    const tasks = new TaskMap();
    const seen: string[] = [];
    const unwatch = tasks.watch({
      changed: (id, previous, next) => seen.push(`${id}:${previous?.requestId ?? '-'}>${next?.requestId ?? '-'}`),
      cleared: () => seen.push(`cleared with ${tasks.size} left`),
    });
    tasks.set('t1', task('t1', 'web')).set('t2', task('t2', 'db'));
    tasks.set('t1', task('t1', 'api'));
    tasks.delete('t1');
    tasks.delete('t1');
    tasks.set('t3', task('t3', 'web'));
    tasks.clear();
    expect(seen).toEqual(['t1:->web', 't2:->db', 't1:web>api', 't1:api>-', 't3:->web', 'cleared with 0 left']);
    expect(tasks.size).toBe(0);
    unwatch();
    tasks.set('t4', task('t4', 'web'));
    expect(seen).toHaveLength(6);
  });
});
