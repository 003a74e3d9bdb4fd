import { renderTask } from '../../../scheduler/api/singularity-shapes';
import { call, deployAndWait, serviceRequest, tasksOf, useHarness } from '../../support/api-harness';

/** `/api/tasks/active` after a status update re-serializes the changed task only (issue 16). */

const h = useHarness();

describe('GET /api/tasks/active renders incrementally', () => {
  it('serializes every task once, nothing on a repeat, and exactly the changed task after a status update', async () => {
    expect((await call(h, 'POST', '/api/requests', serviceRequest('many', 30))).status).toBe(200);
    expect((await deployAndWait(h, 'many', 'm1', { healthcheck: undefined })).deployState).toBe('SUCCEEDED');
    h.sim.stop();
    const first = await call(h, 'GET', '/api/tasks/active');
    expect(first.json).toHaveLength(30);
    const afterFirst = h.router.taskJson.serialized;
    await call(h, 'GET', '/api/tasks/active');
    expect(h.router.taskJson.serialized).toBe(afterFirst);

    // A status update replaces one task's record, as the core does.
    const [task] = tasksOf(h, 'many', 'm1');
    const updated = { ...task!, healthy: false, updatedAt: task!.updatedAt + 1, message: 'health check failed' };
    h.scheduler.tasks.set(updated.taskId, updated);
    h.scheduler.events.emit('task', updated, task);
    const second = await call(h, 'GET', '/api/tasks/active');
    expect(h.router.taskJson.serialized).toBe(afterFirst + 1);

    // The bytes are those of serializing every task afresh.
    const active = [...h.scheduler.tasks.values()].filter((t) => t.requestId === 'many');
    const fresh = active.map((t) => renderTask(t, h.scheduler.requests.get(t.requestId), h.scheduler.deploys.get(`${t.requestId}/${t.deployId}`)));
    expect(second.json).toEqual(JSON.parse(JSON.stringify(fresh)));
    expect(second.text).not.toBe(first.text);
  });
});
