import { arr, call, demoDeploy, deployAndWait, obj, serviceRequest, tasksOf, useHarness } from '../../support/api-harness';

/** More of TaskResource, TaskTrackerResource and StateResource, as Singularity's Java client calls them. */

const h = useHarness();

describe('scheduled (pending) tasks', () => {
  beforeAll(async () => {
    h.sim.behaviour.set('p1', 'unschedulable');
    await call(h, 'POST', '/api/requests', serviceRequest('pend', 2));
    expect((await call(h, 'POST', '/api/deploys', { deploy: demoDeploy('pend', 'p1') })).status).toBe(200);
    expect(await h.sim.until(() => h.scheduler.pendingReasons.has('pend/p1'))).toBe(true);
  });

  it('lists the pending instances with request, deploy and the pending reason', async () => {
    const list = arr((await call(h, 'GET', '/api/tasks/scheduled')).json).filter((t) => obj(t.request).id === 'pend');
    expect(list).toHaveLength(2);
    const ids = list.map((t) => obj(obj(t.pendingTask).pendingTaskId));
    expect(ids.map((i) => i.instanceNo)).toEqual([1, 2]);
    expect(ids[0]).toMatchObject({ requestId: 'pend', deployId: 'p1', pendingType: 'NEW_DEPLOY', nextRunAt: expect.any(Number), createdAt: expect.any(Number) });
    expect(String(ids[0].id)).toMatch(/^pend-p1-\d+-1-NEW_DEPLOY-\d+$/);
    expect(obj(list[0].deploy).id).toBe('p1');
    expect(String(list[0].pendingReason)).toContain('cpus 64');
    expect(arr((await call(h, 'GET', '/api/tasks/scheduled/ids')).json).filter((i) => i.requestId === 'pend')).toHaveLength(2);
    expect(arr((await call(h, 'GET', '/api/tasks/scheduled/request/pend')).json)).toHaveLength(2);
    const one = await call(h, 'GET', `/api/tasks/scheduled/task/${String(ids[1].id)}`);
    expect(obj(obj(obj(one.json).pendingTask).pendingTaskId).instanceNo).toBe(2);
    expect((await call(h, 'GET', '/api/tasks/scheduled/task/pend-p1-1-9-NEW_DEPLOY-1')).status).toBe(404);
    expect((await call(h, 'GET', '/api/tasks/scheduled/task/garbage')).status).toBe(400);
  });

  it('ids by status and counts include the pending ones; state lists the request as under-provisioned', async () => {
    const byStatus = obj((await call(h, 'GET', '/api/tasks/ids/request/pend')).json);
    expect(Object.keys(byStatus).sort()).toEqual(['cleaning', 'healthy', 'killed', 'loadBalanced', 'notYetHealthy', 'pending']);
    expect(arr(byStatus.pending)).toHaveLength(2);
    expect((await call(h, 'GET', '/api/tasks/counts/request/pend')).json).toEqual({ requestId: 'pend', active: 0, pending: 2, cleaning: 0 });
    expect((await call(h, 'GET', '/api/tasks/counts/request/ghost')).status).toBe(404);
    expect((await call(h, 'GET', '/api/tasks/ids/request/ghost')).status).toBe(404);
    expect(arr((await call(h, 'GET', '/api/state/requests/under-provisioned')).json)).toContain('pend');
    expect(arr((await call(h, 'GET', '/api/state/requests/over-provisioned')).json)).not.toContain('pend');
    const info = obj((await call(h, 'GET', '/api/state/scheduled-tasks-info')).json);
    expect(info).toMatchObject({ lateTasks: [], onDemandLateTasks: [], numFutureTasks: expect.any(Number), maxTaskLag: expect.any(Number), timestamp: expect.any(Number) });
    await call(h, 'DELETE', '/api/deploys/deploy/p1/request/pend');
  });
});

describe('active tasks', () => {
  beforeAll(async () => {
    await call(h, 'POST', '/api/requests', serviceRequest('act', 2, { loadBalanced: true }));
    expect((await deployAndWait(h, 'act', 'a1')).deployState).toBe('SUCCEEDED');
  });

  it('per agent, ids, and states', async () => {
    const onAgent = arr((await call(h, 'GET', '/api/tasks/active/slave/agent-1')).json).filter((t) => obj(t.taskId).requestId === 'act');
    expect(onAgent).toHaveLength(2);
    expect(arr((await call(h, 'GET', '/api/tasks/active/slave/agent-1/ids')).json).filter((t) => t.requestId === 'act')).toHaveLength(2);
    expect(arr((await call(h, 'GET', '/api/tasks/active/agent/agent-9')).json)).toHaveLength(0);
    const ids = arr((await call(h, 'GET', '/api/tasks/active/ids')).json).filter((t) => t.requestId === 'act');
    expect(ids).toHaveLength(2);
    const states = obj((await call(h, 'GET', '/api/tasks/active/states')).json);
    const updates = arr(states[String(ids[0].id)]);
    expect(updates.map((u) => u.taskState)).toEqual(['TASK_LAUNCHED', 'TASK_RUNNING']);
    const byStatus = obj((await call(h, 'GET', '/api/tasks/ids/request/act')).json);
    expect(arr(byStatus.healthy)).toHaveLength(2);
    expect(arr(byStatus.loadBalanced)).toHaveLength(2);
  });

  it('a task being killed is cleaning (USER_REQUESTED), then tracked as ended', async () => {
    const victim = tasksOf(h, 'act', 'a1')[0];
    h.sim.stop();
    try {
      await call(h, 'DELETE', `/api/tasks/task/${victim.taskId}`, { message: 'stuck' });
      const cleaning = arr((await call(h, 'GET', '/api/tasks/cleaning')).json);
      expect(cleaning).toContainEqual(expect.objectContaining({ cleanupType: 'USER_REQUESTED', taskId: expect.objectContaining({ id: victim.taskId }), timestamp: expect.any(Number) }));
      expect(obj((await call(h, 'GET', '/api/tasks/counts/request/act')).json).cleaning).toBe(1);
      expect(arr((await call(h, 'GET', '/api/tasks/killed')).json)).toEqual([]);
      const live = obj((await call(h, 'GET', `/api/track/task/${victim.taskId}`)).json);
      expect(live).toMatchObject({ pending: false, currentState: 'TASK_CLEANING' });
    } finally {
      h.sim.start();
    }
    expect(await h.sim.until(() => !h.scheduler.tasks.has(victim.taskId))).toBe(true);
    const ended = obj((await call(h, 'GET', `/singularity/api/track/task/${victim.taskId}`)).json);
    expect(ended).toMatchObject({ taskId: expect.objectContaining({ id: victim.taskId }), currentState: 'TASK_KILLED', pending: false });
    expect(arr(ended.taskHistory).map((u) => u.taskState)).toEqual(['TASK_LAUNCHED', 'TASK_RUNNING', 'TASK_CLEANING', 'TASK_KILLED']);
    expect((await call(h, 'GET', '/api/track/task/act-a1-1-1-nowhere')).status).toBe(404);
    expect((await call(h, 'GET', '/api/track/task/bad%20id')).status).toBe(400);
  });

  it('tracks a run while it is queued and once it runs', async () => {
    h.sim.behaviour.set('r1', 'unschedulable');
    await call(h, 'POST', '/api/requests', { id: 'runner', requestType: 'ON_DEMAND' });
    await deployAndWait(h, 'runner', 'r1', { healthcheck: undefined });
    await call(h, 'POST', '/api/requests/request/runner/run', { runId: 'first' });
    const queued = obj((await call(h, 'GET', '/api/track/run/runner/first')).json);
    expect(queued).toMatchObject({ runId: 'first', pending: true, taskHistory: [], pendingTaskId: expect.objectContaining({ pendingType: 'ONEOFF' }) });
    const scheduled = arr((await call(h, 'GET', '/api/tasks/scheduled/request/runner')).json);
    expect(obj(scheduled[0].pendingTask).runId).toBe('first');
    h.sim.behaviour.set('r1', 'healthy');
    expect(await h.sim.until(() => tasksOf(h, 'runner').some((t) => t.state === 'TASK_RUNNING'))).toBe(true);
    expect(obj((await call(h, 'GET', '/api/track/run/runner/first')).json)).toMatchObject({ runId: 'first', pending: false, currentState: 'TASK_RUNNING' });
    expect((await call(h, 'GET', '/api/track/run/runner/other')).status).toBe(404);
  });
});

describe('state and deploy update', () => {
  it('task-reconciliation is 404 before the scheduler ever reconciled', async () => {
    expect((await call(h, 'GET', '/api/state/task-reconciliation')).status).toBe(404);
  });

  it('deploys/update refuses a target above the request instances', async () => {
    await call(h, 'POST', '/api/requests', serviceRequest('manual', 2));
    await deployAndWait(h, 'manual', 'm1');
    await call(h, 'POST', '/api/deploys', { deploy: demoDeploy('manual', 'm2', { deployInstanceCountPerStep: 1, autoAdvanceDeploySteps: false }) });
    const res = await call(h, 'POST', '/api/deploys/update', { requestId: 'manual', deployId: 'm2', targetActiveInstances: 3 });
    expect(res.status).toBe(400);
    expect(obj(res.json).message).toContain('targetActiveInstances');
    expect((await call(h, 'POST', '/api/deploys/update', { requestId: 'manual', deployId: 'm2', targetActiveInstances: 2 })).status).toBe(200);
  });
});
