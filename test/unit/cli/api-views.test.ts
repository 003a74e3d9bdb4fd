import { readDeployHistory, readPendingDeploys, readRequestParent, readTask, readTasks } from '../../../cli/api/views';

const TASK_ID = 'dev_demo_http-1_abc1234-1700000000000-2-127.0.0.1-DEFAULT';

describe('reading API answers', () => {
  it.each<[string, unknown]>([
    ['Griddle (Singularity task plus state, healthy, ports)', {
      taskId: { id: TASK_ID, requestId: 'dev_demo_http', deployId: '1_abc1234', startedAt: 1700000000000, instanceNo: 2, host: '127.0.0.1', rackId: 'DEFAULT' },
      offer: { hostname: '127.0.0.1' }, mesosTask: { taskId: { value: TASK_ID } }, state: 'TASK_RUNNING', healthy: true, ports: [31005],
    }],
    ['Singularity (ports from mesosTask resources, no state)', {
      taskId: { id: TASK_ID, requestId: 'dev_demo_http', deployId: '1_abc1234', startedAt: 1700000000000, instanceNo: 2, host: '127.0.0.1' },
      mesosTask: { resources: [{ name: 'cpus', scalar: { value: 0.1 } }, { name: 'ports', ranges: { range: [{ begin: 31005, end: 31005 }] } }] },
      healthy: true,
    }],
    ['a plain string id', { taskId: TASK_ID, requestId: 'dev_demo_http', deployId: '1_abc1234', hostname: '127.0.0.1', ports: [31005], state: 'TASK_RUNNING', healthy: true }],
  ])('reads a task from %s', (_name, body) => {
    expect(readTask(body)).toEqual({
      taskId: TASK_ID, requestId: 'dev_demo_http', deployId: '1_abc1234', host: '127.0.0.1', ports: [31005],
      state: 'TASK_RUNNING', healthy: true, startedAt: 1700000000000, instanceNo: 2,
    });
  });

  it('reads task history items (lastTaskState)', () => {
    expect(readTasks([{ taskId: { id: TASK_ID, requestId: 'r', deployId: 'd' }, lastTaskState: 'TASK_FAILED', updatedAt: 1 }])[0])
      .toMatchObject({ taskId: TASK_ID, state: 'TASK_FAILED', deployId: 'd' });
  });

  it('reads a request parent with full deploys or ids only', () => {
    expect(readRequestParent({ request: { id: 'r', requestType: 'SERVICE' }, state: 'ACTIVE', activeDeploy: { id: 'a', requestId: 'r' }, pendingDeploy: { id: 'p', requestId: 'r' } }))
      .toMatchObject({ state: 'ACTIVE', activeDeployId: 'a', pendingDeployId: 'p', activeDeploy: { id: 'a' } });
    expect(readRequestParent({ request: { id: 'r' }, activeDeployId: 'a' })).toMatchObject({ state: 'ACTIVE', activeDeployId: 'a', pendingDeployId: undefined });
  });

  it('reads a deploy history entry with failures whose task ids are objects', () => {
    expect(readDeployHistory({
      deploy: { id: '2_x', requestId: 'r' },
      deployMarker: { requestId: 'r', deployId: '2_x', timestamp: 5 },
      deployResult: { deployState: 'FAILED', message: 'm', timestamp: 6, deployFailures: [{ reason: 'TASK_FAILED_HEALTH_CHECKS', taskId: { id: TASK_ID }, message: 'health check failed: 500' }] },
    })).toMatchObject({ deployId: '2_x', timestamp: 5, result: { deployState: 'FAILED', failures: [{ reason: 'TASK_FAILED_HEALTH_CHECKS', taskId: TASK_ID }] } });
    expect(readDeployHistory({ deployMarker: { requestId: 'r', deployId: '3_x' }, deployProgress: { step: 1 } }).result).toBeUndefined();
  });

  it('reads pending deploys with Griddle\'s step and pending reason', () => {
    expect(readPendingDeploys([{
      deployMarker: { requestId: 'r', deployId: 'd' },
      deployProgress: { targetActiveInstances: 2, currentActiveInstances: 1, deployInstanceCountPerStep: 1, step: 2, pendingReason: 'no offer has 4 cpus' },
    }])).toEqual([{ requestId: 'r', deployId: 'd', targetActiveInstances: 2, currentActiveInstances: 1, perStep: 1, step: 2, pendingReason: 'no offer has 4 cpus' }]);
  });

  it('rejects an answer without the fields it needs', () => {
    expect(() => readRequestParent({ state: 'ACTIVE' })).toThrow();
  });
});
