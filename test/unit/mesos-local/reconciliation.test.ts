import { reconcileTask, type AgentStanding } from '../../../mesos-local/reconciliation';

const standing = (map: Record<string, AgentStanding>) => (id: string): AgentStanding => map[id] ?? 'unknown';

describe('reconcileTask', () => {
  const agents = standing({ up: 'registered', cut: 'unreachable', removed: 'gone' });

  it('answers a known task with its latest state', () => {
    expect(reconcileTask({ taskId: 't' }, { state: 'TASK_RUNNING', agentId: 'up', executorId: 'e', healthy: true }, true, agents))
      .toEqual({ state: 'TASK_RUNNING', message: 'Reconciliation: Latest task state', agentId: 'up', executorId: 'e', healthy: true });
  });

  it.each([
    ['up', 'TASK_GONE', 'Reconciliation: Task is unknown to the agent'],
    ['cut', 'TASK_UNREACHABLE', 'Reconciliation: Task is unreachable'],
    ['removed', 'TASK_GONE_BY_OPERATOR', 'Reconciliation: Task is gone'],
    ['never', 'TASK_UNKNOWN', 'Reconciliation: Task is unknown'],
    [undefined, 'TASK_UNKNOWN', 'Reconciliation: Task is unknown'],
  ])('an unknown task on agent %s is %s for a PARTITION_AWARE framework, TASK_LOST otherwise', (agentId, state, message) => {
    expect(reconcileTask({ taskId: 't', agentId }, undefined, true, agents)).toMatchObject({ state, message });
    expect(reconcileTask({ taskId: 't', agentId }, undefined, false, agents)).toMatchObject({ state: 'TASK_LOST', message });
  });
});
