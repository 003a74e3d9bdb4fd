import type { TaskRecord } from '../../../scheduler/model';
import { taskUpdate } from '../../../scheduler/webhooks';

const launched: TaskRecord = {
  taskId: 'svc-v1-1000-1-host1-DEFAULT', requestId: 'svc', deployId: 'v1', instanceNo: 1, agentId: 'a1', hostname: 'host1',
  ports: [], startedAt: 1000, updatedAt: 1000, state: 'TASK_STAGING',
};

describe('webhook task updates', () => {
  it('calls a new task record TASK_LAUNCHED, as its history and Singularity do; later states pass as they are', () => {
    expect(taskUpdate(launched, undefined)).toMatchObject({ taskState: 'TASK_LAUNCHED', timestamp: 1000 });
    const running: TaskRecord = { ...launched, state: 'TASK_RUNNING', updatedAt: 2000 };
    expect(taskUpdate(running, launched)).toMatchObject({ taskState: 'TASK_RUNNING', timestamp: 2000 });
    expect(taskUpdate({ ...running, killRequestedAt: 3000, killReason: 'bounce' }, running)).toMatchObject({ taskState: 'TASK_CLEANING', statusMessage: 'bounce' });
    expect(taskUpdate(running, running)).toBeNull();
  });
});
