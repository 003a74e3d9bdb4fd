import type { TaskState } from '../../../mesos-proto';
import { RunBook, pickRollbackSource, rollbackDeployId } from '../../../scheduler/deploys';
import type { DeployState } from '../../../contract';
import type { DeployRecord, TaskRecord } from '../../../scheduler/model';

const task = (id: string, state: TaskState, extra: Partial<TaskRecord> = {}): TaskRecord => ({
  taskId: id, requestId: 'job', deployId: 'd1', instanceNo: 1, agentId: 'a', hostname: 'h', ports: [], startedAt: 1, updatedAt: 1, state, ...extra,
});

describe('RunBook', () => {
  it.each([
    // [retries, task outcomes, tasks used, outcome]
    [0, ['TASK_FINISHED'], 1, 'SUCCEEDED'],
    [0, ['TASK_FAILED'], 1, 'FAILED'],
    [2, ['TASK_FAILED', 'TASK_FAILED', 'TASK_FINISHED'], 3, 'SUCCEEDED'],
    [2, ['TASK_FAILED', 'TASK_LOST', 'TASK_FAILED'], 3, 'FAILED'],
    [1, ['TASK_FAILED', 'TASK_FAILED'], 2, 'FAILED'],
  ] as [number, TaskState[], number, string][])('retries=%i %j → %i tasks, %s', (retries, outcomes, used, outcome) => {
    const book = new RunBook();
    book.queue({ runId: 'r1', requestId: 'job', deployId: 'd1', queuedAt: 0 });
    let finished;
    let tasks = 0;
    for (const [i, state] of outcomes.entries()) {
      expect(book.desiredInstances('job', 'd1')).toBe(1);
      tasks++;
      book.onTask(task(`t${i}`, 'TASK_RUNNING'), 0, retries);
      finished = book.onTask(task(`t${i}`, state), 0, retries);
      if (finished) break;
    }
    expect(tasks).toBe(used);
    expect(finished?.outcome).toBe(outcome);
    expect(book.desiredInstances('job', 'd1')).toBe(0);
  });

  it('a run whose task Griddle killed is closed as KILLED, not retried', () => {
    const book = new RunBook();
    book.queue({ runId: 'r1', requestId: 'job', deployId: 'd1', queuedAt: 0 });
    book.onTask(task('t', 'TASK_RUNNING'), 0, 5);
    expect(book.onTask(task('t', 'TASK_KILLED', { killRequestedAt: 1 }), 0, 5)?.outcome).toBe('KILLED');
  });
});

const rec = (id: string, createdAt: number, state?: DeployState, rollbackOf?: string): DeployRecord => ({
  deploy: { requestId: 'r', id }, createdAt, rollbackOf, result: state ? { deployState: state, deployFailures: [], timestamp: createdAt } : undefined,
});

describe('rollback source', () => {
  const history = [rec('v1', 1, 'SUCCEEDED'), rec('v2', 2, 'FAILED'), rec('v3', 3, 'SUCCEEDED'), rec('v4', 4, 'SUCCEEDED')];
  it.each([
    ['v4', undefined, 'v3'],
    ['v3', undefined, 'v1'],
    ['v1', undefined, undefined],
    ['v4', 'v2', 'v2'],
  ])('active %s, asked %p → %p', (active, asked, expected) => {
    expect(pickRollbackSource(history, active, asked)?.deploy.id).toBe(expected);
  });

  it('a rollback of a rollback keeps walking back', () => {
    const h = [...history, rec('v3_rb1', 5, 'SUCCEEDED', 'v3')];
    expect(pickRollbackSource(h, 'v3_rb1')?.deploy.id).toBe('v1');
  });

  it.each([
    ['v1', [], 'v1_rb1'],
    ['v1', ['v1_rb1'], 'v1_rb2'],
    ['v1_rb1', ['v1_rb1'], 'v1_rb2'],
    ['x'.repeat(50), [], `${'x'.repeat(46)}_rb1`],
  ])('id for %s with %j taken → %s', (source, taken, id) => {
    expect(rollbackDeployId(source, new Set(taken))).toBe(id);
    expect(id.length).toBeLessThanOrEqual(50);
  });
});
