import { jsonArray, TaskJsonCache } from '../../../scheduler/api/task-json';
import type { TaskRecord } from '../../../scheduler/model';
import { taskRecord } from '../../support/task-fixtures';

describe('jsonArray', () => {
  it('joins fragments into one JSON array', () => {
    expect(jsonArray([]).toString()).toBe('[]');
    expect(jsonArray([Buffer.from('{"a":1}')]).toString()).toBe('[{"a":1}]');
    expect(JSON.parse(jsonArray([Buffer.from('1'), Buffer.from('"é"'), Buffer.from('{}')]).toString())).toEqual([1, 'é', {}]);
  });
});

describe('TaskJsonCache', () => {
  it('serializes a record once, again when it or its request or deploy is replaced', () => {
    const context = { request: undefined as object | undefined };
    const cache = new TaskJsonCache(() => ({ request: context.request as never }), (t: TaskRecord) => ({ id: t.taskId, state: t.state }));
    const tasks = Array.from({ length: 100 }, (_, i) => taskRecord(`t${i}`));
    for (const t of tasks) cache.get(t);
    for (const t of tasks) cache.get(t);
    expect(cache.serialized).toBe(100);
    tasks[5] = { ...tasks[5]!, state: 'TASK_RUNNING' };
    expect(JSON.parse(jsonArray(tasks.map((t) => cache.get(t))).toString())[5]).toEqual({ id: 't5', state: 'TASK_RUNNING' });
    expect(cache.serialized).toBe(101);
    context.request = {};
    cache.get(tasks[0]!);
    expect(cache.serialized).toBe(102);
  });
});
