import { MemoryStateStore } from '../../../scheduler/state';
import { arr, call, deployAndWait, obj, serviceRequest, settle, startHarness, tasksOf, type Harness } from '../../support/api-harness';
import { until } from '../../support/kit';

/**
 * `/disasters` and `/usage/cluster/utilization` as the Java client calls them, against the
 * simulated cluster: the detector sees agents lost, a disaster holds replacements, disabled
 * actions refuse calls, and all of it survives a new harness on the same store.
 */

async function service(h: Harness, id: string, instances: number): Promise<void> {
  expect((await call(h, 'POST', '/api/requests', serviceRequest(id, instances))).status).toBe(200);
  await deployAndWait(h, id, 'v1');
  await until(() => tasksOf(h, id).filter((t) => t.state === 'TASK_RUNNING').length === instances, `${id} running`, 5_000);
}

/** Spreads the request's tasks over agents agent-<n> and makes the first `lost` of them unreachable. */
function loseAgents(h: Harness, id: string, lost: number): string[] {
  const tasks = tasksOf(h, id).sort((a, b) => a.instanceNo - b.instanceNo);
  tasks.forEach((t, i) => h.scheduler.tasks.set(t.taskId, { ...t, agentId: `agent-${i + 10}`, state: i < lost ? 'TASK_UNREACHABLE' : t.state }));
  return tasks.slice(0, lost).map((t) => t.taskId);
}

describe('disasters', () => {
  it('detects lost agents, holds their tasks, and a cleared disaster lets replacements start', async () => {
    const store = new MemoryStateStore();
    const h = await startHarness({ store, autoSim: false, disasters: { runEveryMs: 60_000 } });
    try {
      h.sim.start();
      await service(h, 'dis-web', 4);
      h.sim.stop();
      const unreachable = loseAgents(h, 'dis-web', 2);
      h.router.disasters.poll();
      expect((await call(h, 'GET', '/api/disasters/active')).json).toEqual(['LOST_AGENTS']);
      const stats = obj((await call(h, 'GET', '/api/disasters/stats')).json);
      expect(arr(stats.stats).at(-1)).toMatchObject({ numLostAgents: 2, numActiveAgents: 2, numLostSlaves: 2 });
      expect(stats.disasters).toEqual([{ type: 'LOST_AGENTS', active: true }]);
      // While agents are lost, their UNREACHABLE tasks keep their instances: nothing new starts.
      settle(h);
      expect(tasksOf(h, 'dis-web')).toHaveLength(4);
      // With automated actions off the detected disaster no longer holds; replacements start.
      expect((await call(h, 'POST', '/api/disasters/disable')).status).toBe(204);
      expect((await call(h, 'GET', '/api/disasters/stats')).json).toMatchObject({ automatedActionsDisabled: true });
      settle(h);
      const live = tasksOf(h, 'dis-web').filter((t) => !unreachable.includes(t.taskId));
      expect(live).toHaveLength(4);
      expect((await call(h, 'POST', '/api/disasters/enable')).status).toBe(204);
    } finally {
      await h.close();
    }
  });

  it('declared disasters and disabled actions are kept, enforced and survive a new harness', async () => {
    const store = new MemoryStateStore();
    const h = await startHarness({ store, disasters: { runEveryMs: 60_000 } });
    try {
      await service(h, 'dis-api', 1);
      expect((await call(h, 'POST', '/api/disasters/active/USER_INITIATED')).status).toBe(204);
      expect((await call(h, 'POST', '/api/disasters/active/NOT_A_TYPE')).status).toBe(400);
      expect((await call(h, 'POST', '/api/disasters/disabled-actions/SCALE_REQUEST', { message: 'maintenance' })).status).toBe(204);
      expect((await call(h, 'POST', '/api/disasters/disabled-actions/VIEW_REQUEST')).status).toBe(400);
      const scale = await call(h, 'PUT', '/api/requests/request/dis-api/scale', { instances: 2 });
      expect(scale.status).toBe(409);
      expect(obj(scale.json).message).toBe('maintenance');
      // Agent actions answer to either name: disabling FREEZE_SLAVE stops an agent freeze.
      expect((await call(h, 'POST', '/api/disasters/disabled-actions/FREEZE_SLAVE')).status).toBe(204);
      expect((await call(h, 'POST', '/api/agents/agent/agent-1/freeze', {})).status).toBe(409);
      // REMOVE_WEBHOOK stops both spellings of the delete, the deprecated path one too.
      expect((await call(h, 'POST', '/api/disasters/disabled-actions/REMOVE_WEBHOOK')).status).toBe(204);
      expect((await call(h, 'DELETE', '/api/webhooks?webhookId=TASK-x')).status).toBe(409);
      expect((await call(h, 'DELETE', '/api/webhooks/TASK-x')).status).toBe(409);
      expect((await call(h, 'DELETE', '/api/disasters/disabled-actions/REMOVE_WEBHOOK')).status).toBe(204);
      await h.scheduler.store.flush();
    } finally {
      await h.close();
    }
    const again = await startHarness({ store, disasters: { runEveryMs: 60_000 } });
    try {
      await until(async () => arr((await call(again, 'GET', '/api/disasters/disabled-actions')).json).length === 2, 'disabled actions loaded', 5_000);
      expect(arr((await call(again, 'GET', '/api/disasters/disabled-actions')).json)).toEqual(expect.arrayContaining([
        { type: 'SCALE_REQUEST', message: 'maintenance', user: null, automaticallyClearable: false, expiresAt: null },
      ]));
      expect((await call(again, 'GET', '/api/disasters/active')).json).toEqual(['USER_INITIATED']);
      expect((await call(again, 'PUT', '/api/requests/request/dis-api/scale', { instances: 2 })).status).toBe(409);
      expect((await call(again, 'DELETE', '/api/disasters/disabled-actions/SCALE_REQUEST')).status).toBe(204);
      expect((await call(again, 'PUT', '/api/requests/request/dis-api/scale', { instances: 2 })).status).toBe(200);
      expect((await call(again, 'DELETE', '/api/disasters/active/USER_INITIATED')).status).toBe(204);
      expect((await call(again, 'GET', '/api/disasters/active')).json).toEqual([]);
    } finally {
      await again.close();
    }
  });

  it('detected disasters disable the configured actions until they clear', async () => {
    const h = await startHarness({ autoSim: false, disasters: { runEveryMs: 60_000, disableActionsOnDisaster: ['DEPLOY'] } });
    try {
      h.sim.start();
      await service(h, 'dis-auto', 4);
      h.sim.stop();
      loseAgents(h, 'dis-auto', 3);
      h.router.disasters.poll();
      expect(arr((await call(h, 'GET', '/api/disasters/disabled-actions')).json)).toEqual([expect.objectContaining({ type: 'DEPLOY', automaticallyClearable: true })]);
      for (const t of tasksOf(h, 'dis-auto')) h.scheduler.tasks.set(t.taskId, { ...t, state: 'TASK_RUNNING' });
      h.router.disasters.poll();
      expect((await call(h, 'GET', '/api/disasters/disabled-actions')).json).toEqual([]);
    } finally {
      await h.close();
    }
  });
});

describe('usage', () => {
  it('serves SingularityClusterUtilization from task reservations and offers', async () => {
    const h = await startHarness();
    try {
      await service(h, 'use-web', 2);
      h.scheduler.events.emit('offers', [{
        id: { value: 'o1' }, framework_id: { value: 'f' }, agent_id: { value: 'agent-1' }, hostname: 'h',
        resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 3.8 } }, { name: 'mem', type: 'SCALAR', scalar: { value: 1000 } }],
      }]);
      const u = obj((await call(h, 'GET', '/api/usage/cluster/utilization')).json);
      expect(u).toMatchObject({ totalCpuUsed: 0.2, totalCpuAvailable: 4, totalMemBytesUsed: 64 * 1024 * 1024, numRequestsWithUnderUtilizedCpu: 0 });
      expect(u.requestUtilizations).toEqual([expect.objectContaining({ requestId: 'use-web', numTasks: 2, cpuReserved: 0.2, cpuUsed: null })]);
    } finally {
      await h.close();
    }
  });
});
