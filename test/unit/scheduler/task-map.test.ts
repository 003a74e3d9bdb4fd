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
