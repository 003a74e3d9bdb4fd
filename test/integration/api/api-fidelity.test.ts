import { SHAPE_KEYS, SINGULARITY_STATE_KEYS, containerName, formatTaskId, type SingularityTaskId } from '../../../contract';
import type { TaskRecord } from '../../../scheduler/model';
import { arr, call, deployAndWait, obj, serviceRequest, tasksOf, useHarness } from '../../support/api-harness';

/** The cross-cutting Singularity details: headers, answer shapes, task and deploy ids. */

const h = useHarness();

beforeAll(async () => {
  await call(h, 'POST', '/api/requests', serviceRequest('fid', 2));
  expect((await deployAndWait(h, 'fid', '1.0.0')).deployState).toBe('SUCCEEDED');
});

describe('headers', () => {
  it('HEAD on a request answers its hash as a bare integer ETag, stable while the request is unchanged', async () => {
    const a = await call(h, 'HEAD', '/api/requests/request/fid');
    expect(a.status).toBe(200);
    expect(a.headers.get('etag')).toMatch(/^-?\d+$/);
    const n = Number(a.headers.get('etag'));
    expect(Number.isSafeInteger(n) && n >= -(2 ** 31) && n < 2 ** 31).toBe(true);
    expect((await call(h, 'HEAD', '/singularity/api/requests/request/fid')).headers.get('etag')).toBe(a.headers.get('etag'));
    await call(h, 'PUT', '/api/requests/request/fid/scale', { instances: 3 });
    expect((await call(h, 'HEAD', '/api/requests/request/fid')).headers.get('etag')).not.toBe(a.headers.get('etag'));
    await call(h, 'PUT', '/api/requests/request/fid/scale', { instances: 2 });
    expect((await call(h, 'HEAD', '/api/requests/request/fid')).headers.get('etag')).toBe(a.headers.get('etag'));
    expect((await call(h, 'HEAD', '/api/requests/request/nope')).status).toBe(404);
  });

  it.each([
    ['GET', '/api/requests/request/fid', undefined, 200],
    ['GET', '/api/requests', undefined, 200],
    ['GET', '/api/tasks/active', undefined, 200],
    ['GET', '/api/state', undefined, 200],
    ['GET', '/api/requests/request/nope', undefined, 404],
    ['GET', '/api/no/such/endpoint', undefined, 404],
    ['POST', '/api/requests', '{bad json', 400],
    ['POST', '/api/requests', { id: 'a b' }, 400],
  ])('%s %s answers exactly application/json, no weak ETag (%#)', async (method, path, body, status) => {
    const res = await call(h, method, path, body);
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('etag')).toBeNull();
  });
});

describe('answer shapes', () => {
  it('GET /state has every SingularityState field', async () => {
    const state = obj((await call(h, 'GET', '/api/state')).json);
    for (const key of SINGULARITY_STATE_KEYS) expect(state).toHaveProperty(key);
    expect(state.activeTasks).toBe([...h.scheduler.tasks.values()].filter((t) => t.state === 'TASK_RUNNING' && t.killRequestedAt === undefined).length);
    expect(state.allRequests).toBe(1);
    expect(arr(state.hostStates)[0]).toMatchObject({ master: h.scheduler.isLeader, mesosConnected: false });
  });

  it('GET /history/task/{id} answers a SingularityTaskHistory', async () => {
    const t = tasksOf(h, 'fid')[0];
    const hist = obj((await call(h, 'GET', `/api/history/task/${t.taskId}`)).json);
    for (const key of SHAPE_KEYS.SingularityTaskHistory) expect(hist).toHaveProperty(key);
    expect(obj(obj(hist.task).taskId).id).toBe(t.taskId);
    // The simulation writes records without status updates: the updates are rebuilt from the record.
    expect(arr(hist.taskUpdates).map((u) => u.taskState)).toEqual(['TASK_LAUNCHED', 'TASK_RUNNING']);
    expect(hist.containerId).toBe(containerName(t.taskId));
  });

  it('DELETE /tasks/task/{id} answers a SingularityTaskCleanup; a second kill is 409 with the first', async () => {
    const t = tasksOf(h, 'fid')[0];
    h.sim.stop(); // the task stays in its killing state for the second call
    try {
      const first = await call(h, 'DELETE', `/api/tasks/task/${t.taskId}`, { message: 'bye', actionId: 'a1' });
      expect(first.status).toBe(200);
      expect(first.json).toMatchObject({ cleanupType: 'USER_REQUESTED', message: 'bye', actionId: 'a1', taskId: { id: t.taskId } });
      const again = await call(h, 'DELETE', `/api/tasks/task/${t.taskId}`);
      expect(again.status).toBe(409);
      expect(again.json).toMatchObject({ cleanupType: 'USER_REQUESTED', taskId: { id: t.taskId } });
    } finally {
      h.sim.start();
    }
    expect((await call(h, 'DELETE', `/api/tasks/task/${tasksOf(h, 'fid')[0].taskId}`, { waitForReplacementTask: true })).status).toBe(400);
  });
});

describe('task ids', () => {
  it('are 6 parts that rebuild from the served id object; deploy ids may hold dots', async () => {
    // The cluster holds still, so a task killed by an earlier test can't end between the list and the lookup.
    h.sim.stop();
    try {
      const active = arr((await call(h, 'GET', '/api/tasks/active')).json);
      expect(active.length).toBeGreaterThan(0);
      for (const t of active) {
        const idObject = t.taskId as SingularityTaskId;
        expect(idObject.deployId).toBe('1.0.0');
        expect(idObject.sanitizedRackId).toBe('DEFAULT');
        expect(formatTaskId(idObject)).toBe(idObject.id);
        expect((await call(h, 'GET', `/api/tasks/task/${formatTaskId(idObject)}`)).status).toBe(200);
      }
    } finally {
      h.sim.start();
    }
  });

  it('a task stored under a legacy 5-part id is found by it and by the 6-part id rebuilt from its id object', async () => {
    const base = tasksOf(h, 'fid')[0];
    const legacyId = `fid-1.0.0-${base.startedAt - 7}-9-127.0.0.1`;
    const legacy: TaskRecord = { ...base, taskId: legacyId, instanceNo: 9, startedAt: base.startedAt - 7, rackId: undefined };
    h.sim.stop();
    try {
      h.scheduler.tasks.set(legacyId, legacy);
      const served = obj((await call(h, 'GET', `/api/tasks/task/${legacyId}`)).json);
      const idObject = served.taskId as SingularityTaskId;
      expect(idObject.id).toBe(legacyId);
      const rebuilt = formatTaskId(idObject);
      expect(rebuilt).toBe(`${legacyId}-DEFAULT`);
      expect((await call(h, 'GET', `/api/tasks/task/${rebuilt}`)).status).toBe(200);
      expect(obj(obj((await call(h, 'GET', `/api/history/task/${rebuilt}`)).json).task).taskId).toMatchObject({ id: legacyId });
      const kill = await call(h, 'DELETE', `/api/tasks/task/${rebuilt}`);
      expect(kill.status).toBe(200);
      expect(obj(kill.json).taskId).toMatchObject({ id: legacyId });
      expect(h.scheduler.tasks.get(legacyId)?.killRequestedAt).toBeDefined();
    } finally {
      h.scheduler.tasks.delete(legacyId);
      h.sim.start();
    }
  });
});

describe('DELETE /requests/request/{id}', () => {
  it('answers the SingularityRequest', async () => {
    await call(h, 'POST', '/api/requests', serviceRequest('fid_del', 1));
    const res = await call(h, 'DELETE', '/api/requests/request/fid_del');
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ id: 'fid_del', requestType: 'SERVICE', instances: 1 });
    expect(obj(res.json).request).toBeUndefined();
  });
});
