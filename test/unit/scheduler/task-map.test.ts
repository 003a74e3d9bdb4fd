import { TaskMap } from '../../../scheduler/core';
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
    expect(tasks.agents().get('a1')).toEqual({ tasks: 2, hostname: 'a1.h', rackId: 'r1', live: 2, counted: 1 });
    expect(tasks.agents().get('a2')).toEqual({ tasks: 1, hostname: 'a2.h', rackId: 'r1', live: 0, counted: 0 });
    expect([...tasks.liveDeploysOf('web')]).toEqual([['d1', 1], ['d2', 1]]);
    const before = tasks.versionOf('web');
    tasks.set('t2', on('t2', 'a2', { deployId: 'd2', state: 'TASK_KILLED' }));
    expect(tasks.versionOf('web')).toBeGreaterThan(before);
    expect(tasks.versionOf('db')).toBe(0);
    expect(tasks.agents().get('a1')).toMatchObject({ tasks: 1, live: 1, counted: 1 });
    expect([...tasks.liveDeploysOf('web')]).toEqual([['d1', 1]]);
    tasks.delete('t1');
    expect(tasks.agents().has('a1')).toBe(false);
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
});
