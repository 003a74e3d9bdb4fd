import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { followEvents, type ApiEvent, type EventFollower } from '../../support/sse-client';
import { arr, call, type Harness, type Json, obj, startHarness } from '../../support/api-harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

const service = (id: string, instances = 3, extra: Json = {}) => ({ id, requestType: 'SERVICE', instances, ...extra });
const deploy = (requestId: string, id: string, extra: Json = {}) => ({
  requestId, id, resources: { cpus: 0.1, memoryMb: 32, numPorts: 1 },
  containerInfo: { type: 'DOCKER', docker: { image: `griddle/demo-http:${id}`, network: 'BRIDGE', portMappings: [{ containerPort: 8080, hostPortType: 'FROM_OFFER', hostPort: 0 }] } },
  healthcheck: { uri: '/health', portIndex: 0 },
  ...extra,
});
const tasksOf = (requestId: string, deployId?: string) =>
  [...h.scheduler.tasks.values()].filter((t) => t.requestId === requestId && (!deployId || t.deployId === deployId) && t.killRequestedAt === undefined);
const healthyOf = (requestId: string, deployId: string) =>
  tasksOf(requestId, deployId).filter((t) => t.state === 'TASK_RUNNING' && t.healthy === true).length;

async function deployAndWait(requestId: string, deployId: string, extra: Json = {}, body: Json = {}): Promise<Json> {
  const res = await call(h, 'POST', '/api/deploys', { deploy: deploy(requestId, deployId, extra), ...body });
  expect(res.status).toBe(200);
  await h.sim.until(() => h.scheduler.deploys.get(`${requestId}/${deployId}`)?.result !== undefined, 2000);
  const hist = await call(h, 'GET', `/api/history/request/${requestId}/deploy/${deployId}`);
  return obj(obj(hist.json).deployResult);
}

describe('400 names the field and what is wrong', () => {
  it.each([
    ['POST', '/api/requests', { id: 'bad id!', requestType: 'SERVICE' }, 'id: must be 1-100 characters'],
    ['POST', '/api/requests', { id: 'r1', requestType: 'DAEMON' }, 'requestType: Invalid option'],
    ['POST', '/api/requests', { id: 'r1', requestType: 'SERVICE', instances: -1 }, 'instances: Too small'],
    ['POST', '/api/requests', { id: 'r1', requestType: 'SERVICE', slavePlacement: 'ANYWHERE' }, 'slavePlacement: Invalid option'],
    ['POST', '/api/requests', { id: 'r1', requestType: 'SCHEDULED' }, 'schedule: is required for a SCHEDULED request'],
    ['POST', '/api/requests', { id: 'r1', requestType: 'SCHEDULED', schedule: '61 * * * *' }, 'schedule: is not a valid cron expression'],
    ['POST', '/api/requests', { id: 'r1', requestType: 'SERVICE', schedule: '* * * * *' }, 'schedule: is only valid for requestType SCHEDULED'],
    ['POST', '/api/requests', [1, 2], '(body): a JSON object is required'],
    ['POST', '/api/deploys', {}, 'deploy: Invalid input'],
    ['POST', '/api/deploys', { deploy: { requestId: 'r1', id: 'has-dash' } }, 'deploy.id: must be 1-50 characters'],
    ['POST', '/api/deploys', { deploy: { requestId: 'r1', id: 'v1', resources: { cpus: 'lots', memoryMb: 10 } } }, 'deploy.resources.cpus: Invalid input: expected number, received string'],
    ['POST', '/api/deploys', { deploy: { requestId: 'r1', id: 'v1', containerInfo: { docker: { image: 'x', portMappings: [{ containerPort: 80, hostPortType: 'FROM_OFFER', hostPort: 2 }] } } } }, 'deploy.containerInfo.docker.portMappings[0].hostPort: is a FROM_OFFER port index (2) but resources.numPorts is 0'],
    ['POST', '/api/deploys', { deploy: { requestId: 'r1', id: 'v1', containerInfo: { docker: { image: 'x' } }, healthcheckUri: '/health' } }, 'deploy.healthcheck.portIndex: or healthcheck.portNumber is required'],
    ['POST', '/api/deploys', { deploy: { requestId: 'r1', id: 'v1' } }, 'deploy.command: is required unless containerInfo.docker.image is given'],
    ['POST', '/api/deploys', { deploy: { requestId: 'r1', id: 'v1', command: 'x' }, updatedRequest: { id: 'r2', requestType: 'SERVICE' } }, 'updatedRequest.id: is "r2" but deploy.requestId is "r1"'],
    ['PUT', '/api/requests/request/r1/scale', { instances: 'three' }, 'instances: Invalid input: expected number'],
    ['GET', '/api/history/request/r1/deploys?count=abc', undefined, 'count: must be a whole number'],
    ['GET', '/api/sandbox/t1/read?path=../../etc/passwd', undefined, 'path: must be relative to the sandbox'],
    ['GET', '/api/requests/request/bad%20id', undefined, 'requestId: not a valid request id'],
    ['POST', '/api/requests', '{"id": "r1",', '(body): not valid JSON'],
  ])('%s %s → 400 "%s…"', async (method, path, body, message) => {
    const res = await call(h, method, path, body);
    expect(res.status).toBe(400);
    expect(obj(res.json).message).toContain(message);
  });

  it('413 for a body over the limit, naming the limit', async () => {
    const res = await call(h, 'POST', '/api/requests', { id: 'big', requestType: 'SERVICE', owners: ['x'.repeat(2_000_000)] });
    expect(res.status).toBe(413);
    expect(obj(res.json).message).toContain('1mb');
  });
});

describe('404 for unknown ids', () => {
  it.each([
    ['GET', '/api/requests/request/nope', undefined],
    ['DELETE', '/api/requests/request/nope', undefined],
    ['PUT', '/api/requests/request/nope/scale', { instances: 1 }],
    ['POST', '/api/requests/request/nope/pause', undefined],
    ['POST', '/api/requests/request/nope/unpause', undefined],
    ['POST', '/api/requests/request/nope/bounce', undefined],
    ['POST', '/api/requests/request/nope/rollback', undefined],
    ['POST', '/api/requests/request/nope/run', undefined],
    ['POST', '/api/deploys', { deploy: deploy('nope', 'v1') }],
    ['DELETE', '/api/deploys/deploy/v1/request/nope', undefined],
    ['GET', '/api/history/request/nope/deploys', undefined],
    ['GET', '/api/history/request/nope/deploy/v1', undefined],
    ['GET', '/api/history/request/nope/tasks', undefined],
    ['GET', '/api/history/task/nope-v1-1-1-host', undefined],
    ['GET', '/api/tasks/task/nope-v1-1-1-host', undefined],
    ['DELETE', '/api/tasks/task/nope-v1-1-1-host', undefined],
    ['GET', '/api/sandbox/nope-v1-1-1-host/read?path=stdout', undefined],
    ['GET', '/api/no/such/endpoint', undefined],
  ])('%s %s', async (method: string, path: string, body: unknown) => {
    const res = await call(h, method, path, body);
    expect(res.status).toBe(404);
    expect(typeof obj(res.json).message).toBe('string');
  });
});

describe('deploys', () => {
  it('v1 ×3 SUCCEEDS; a v2 failing its health checks ends FAILED with TASK_FAILED_HEALTH_CHECKS and v1 keeps 3 healthy', async () => {
    await call(h, 'POST', '/api/requests', service('web'));
    expect((await deployAndWait('web', 'v1')).deployState).toBe('SUCCEEDED');
    expect(healthyOf('web', 'v1')).toBe(3);
    h.sim.behaviour.set('v2bad', 'fail-health');
    const result = await deployAndWait('web', 'v2bad');
    expect(result.deployState).toBe('FAILED');
    expect(arr(result.deployFailures)[0].reason).toBe('TASK_FAILED_HEALTH_CHECKS');
    expect(obj(arr(result.deployFailures)[0].taskId).deployId).toBe('v2bad');
    expect(String(result.message)).toContain('rolled back: deploy v1 restored to 3 instances');
    expect(await h.sim.until(() => tasksOf('web', 'v2bad').length === 0 && healthyOf('web', 'v1') === 3)).toBe(true);
    const parent = obj((await call(h, 'GET', '/api/requests/request/web')).json);
    expect(obj(parent.activeDeploy).id).toBe('v1');
    expect(parent.pendingDeploy).toBeUndefined();
  });

  it('a container that exits ends FAILED with TASK_FAILED_ON_STARTUP', async () => {
    h.sim.behaviour.set('v2exit', 'exit');
    const result = await deployAndWait('web', 'v2exit');
    expect(result.deployState).toBe('FAILED');
    expect(arr(result.deployFailures)[0].reason).toBe('TASK_FAILED_ON_STARTUP');
  });

  it('a deploy that cannot be scheduled ends OVERDUE with TASK_COULD_NOT_BE_SCHEDULED and the pending reason', async () => {
    h.sim.behaviour.set('v2big', 'unschedulable');
    const res = await call(h, 'POST', '/api/deploys', { deploy: deploy('web', 'v2big', { deployHealthTimeoutSeconds: 1, healthcheck: undefined }) });
    expect(res.status).toBe(200);
    await h.sim.until(() => h.scheduler.pendingReasons.has('web/v2big'));
    const state = obj((await call(h, 'GET', '/api/state')).json);
    expect(arr(state.pendingTasks).some((p) => p.deployId === 'v2big' && String(p.reason).includes('no agent has cpus'))).toBe(true);
    expect(state.underProvisionedRequestIds).toContain('web');
    await h.sim.until(() => h.scheduler.deploys.get('web/v2big')?.result !== undefined, 1000);
    const result = h.scheduler.deploys.get('web/v2big')?.result;
    expect(result?.deployState).toBe('OVERDUE');
    expect(result?.deployFailures.map((f) => f.reason)).toEqual(['TASK_COULD_NOT_BE_SCHEDULED', 'TASK_COULD_NOT_BE_SCHEDULED', 'TASK_COULD_NOT_BE_SCHEDULED']);
    expect(result?.deployFailures[0].message).toContain('no agent has cpus');
  });

  it('409 for a deploy while another is pending; DELETE cancels it (CANCELED)', async () => {
    h.sim.behaviour.set('v3slow', 'stuck-staging');
    expect((await call(h, 'POST', '/api/deploys', { deploy: deploy('web', 'v3slow') })).status).toBe(200);
    const again = await call(h, 'POST', '/api/deploys', { deploy: deploy('web', 'v3other') });
    expect(again.status).toBe(409);
    expect(obj(again.json).message).toContain('already has a pending deploy (v3slow)');
    const pending = arr((await call(h, 'GET', '/api/deploys/pending')).json);
    expect(pending.map((p) => obj(p.deployMarker).deployId)).toEqual(['v3slow']);
    const cancel = await call(h, 'DELETE', '/api/deploys/deploy/v3slow/request/web');
    expect(cancel.status).toBe(200);
    expect(h.scheduler.deploys.get('web/v3slow')?.result?.deployState).toBe('CANCELED');
    expect(await h.sim.until(() => tasksOf('web', 'v3slow').length === 0 && healthyOf('web', 'v1') === 3)).toBe(true);
  });

  it('a good v2 in steps of 1 SUCCEEDS and never drops below 3 healthy', async () => {
    let min = Number.POSITIVE_INFINITY;
    const sample = setInterval(() => {
      min = Math.min(min, healthyOf('web', 'v1') + healthyOf('web', 'v2'));
    }, 2);
    const result = await deployAndWait('web', 'v2', { deployInstanceCountPerStep: 1 });
    clearInterval(sample);
    expect(result.deployState).toBe('SUCCEEDED');
    expect(min).toBeGreaterThanOrEqual(3);
    expect(await h.sim.until(() => tasksOf('web', 'v1').length === 0 && healthyOf('web', 'v2') === 3)).toBe(true);
  });

  it('steps that do not auto-advance wait for POST /api/deploys/update', async () => {
    await call(h, 'POST', '/api/requests', service('manual', 2));
    expect((await deployAndWait('manual', 'm1')).deployState).toBe('SUCCEEDED');
    expect((await call(h, 'POST', '/api/deploys', { deploy: deploy('manual', 'm2', { deployInstanceCountPerStep: 1, autoAdvanceDeploySteps: false }) })).status).toBe(200);
    expect(await h.sim.until(() => h.router.engine.progressOf('manual')?.stepCompletedAt !== undefined)).toBe(true);
    await new Promise((r) => setTimeout(r, 100));
    const pending = arr((await call(h, 'GET', '/api/deploys/pending')).json).find((p) => obj(p.deployMarker).deployId === 'm2');
    expect(obj(pending?.deployProgress)).toMatchObject({ targetActiveInstances: 1, stepComplete: true, autoAdvanceDeploySteps: false });
    expect(healthyOf('manual', 'm1')).toBe(1);
    const update = await call(h, 'POST', '/api/deploys/update', { requestId: 'manual', deployId: 'm2', targetActiveInstances: 2 });
    expect(update.status).toBe(200);
    await h.sim.until(() => h.scheduler.deploys.get('manual/m2')?.result !== undefined, 1000);
    expect(h.scheduler.deploys.get('manual/m2')?.result?.deployState).toBe('SUCCEEDED');
    expect((await call(h, 'POST', '/api/deploys/update', { requestId: 'manual', deployId: 'm2', targetActiveInstances: 2 })).status).toBe(404);
  });

  it('rollback redeploys the last SUCCEEDED deploy before the active one, linked in history', async () => {
    const res = await call(h, 'POST', '/api/requests/request/web/rollback', {});
    expect(res.status).toBe(200);
    await h.sim.until(() => h.scheduler.deploys.get('web/v1_rb1')?.result !== undefined, 2000);
    const hist = obj((await call(h, 'GET', '/api/history/request/web/deploy/v1_rb1')).json);
    expect(hist.rollbackOf).toBe('v1');
    expect(obj(hist.deploy).containerInfo).toEqual(obj((await call(h, 'GET', '/api/history/request/web/deploy/v1')).json).deploy && obj(obj((await call(h, 'GET', '/api/history/request/web/deploy/v1')).json).deploy).containerInfo);
    expect(obj(hist.deployResult).deployState).toBe('SUCCEEDED');
    expect(obj(obj((await call(h, 'GET', '/api/requests/request/web')).json).activeDeploy).id).toBe('v1_rb1');
    const list = arr((await call(h, 'GET', '/api/history/request/web/deploys?count=2&page=1')).json);
    expect(list.map((d) => obj(d.deployMarker).deployId)).toEqual(['v1_rb1', 'v2']);
    const page2 = arr((await call(h, 'GET', '/api/history/request/web/deploys?count=2&page=2')).json);
    expect(page2).toHaveLength(2);
  });

  it('rollback to an unknown deploy is 404; with no earlier success it is 409', async () => {
    expect((await call(h, 'POST', '/api/requests/request/web/rollback', { deployId: 'nope' })).status).toBe(404);
    await call(h, 'POST', '/api/requests', service('fresh', 1));
    expect((await deployAndWait('fresh', 'only')).deployState).toBe('SUCCEEDED');
    expect((await call(h, 'POST', '/api/requests/request/fresh/rollback')).status).toBe(409);
  });
});

describe('request actions', () => {
  beforeAll(async () => {
    await call(h, 'POST', '/api/requests', service('act', 2));
    expect((await deployAndWait('act', 'a1')).deployState).toBe('SUCCEEDED');
  });

  it('kill one task: it is replaced', async () => {
    const victim = tasksOf('act', 'a1')[0];
    const res = await call(h, 'DELETE', `/api/tasks/task/${victim.taskId}`);
    expect(res.status).toBe(200);
    expect(await h.sim.until(() => !h.scheduler.tasks.has(victim.taskId) && healthyOf('act', 'a1') === 2)).toBe(true);
  });

  it('bounce replaces every task under the deploy rules', async () => {
    const before = new Set(tasksOf('act', 'a1').map((t) => t.taskId));
    expect((await call(h, 'POST', '/api/requests/request/act/bounce', {})).status).toBe(200);
    expect(await h.sim.until(() => h.router.engine.progressOf('act') === undefined && healthyOf('act', 'a1') === 2 && tasksOf('act', 'a1').every((t) => !before.has(t.taskId)))).toBe(true);
  });

  it('pause kills the tasks and unpause brings them back; pausing twice is 409', async () => {
    const paused = await call(h, 'POST', '/api/requests/request/act/pause', {});
    expect(obj(paused.json).state).toBe('PAUSED');
    expect(await h.sim.until(() => tasksOf('act').length === 0)).toBe(true);
    expect((await call(h, 'POST', '/api/requests/request/act/pause')).status).toBe(409);
    const killed = await call(h, 'GET', '/api/requests/request/act');
    expect(arr(obj(obj(killed.json).taskIds).healthy)).toHaveLength(0);
    expect(obj((await call(h, 'POST', '/api/requests/request/act/unpause')).json).state).toBe('ACTIVE');
    expect(await h.sim.until(() => healthyOf('act', 'a1') === 2)).toBe(true);
  });

  it('a deploy to a paused request with unpauseOnSuccessfulDeploy unpauses it on success', async () => {
    await call(h, 'POST', '/api/requests/request/act/pause');
    const result = await deployAndWait('act', 'a2', {}, { unpauseOnSuccessfulDeploy: true });
    expect(result.deployState).toBe('SUCCEEDED');
    expect(h.scheduler.requests.get('act')?.state).toBe('ACTIVE');
    expect(await h.sim.until(() => healthyOf('act', 'a2') === 2)).toBe(true);
  });

  it('delete kills the tasks and keeps the history', async () => {
    expect((await call(h, 'DELETE', '/api/requests/request/act')).status).toBe(200);
    expect(await h.sim.until(() => tasksOf('act').length === 0 && [...h.scheduler.tasks.values()].every((t) => t.requestId !== 'act'))).toBe(true);
    expect((await call(h, 'GET', '/api/requests/request/act')).status).toBe(404);
    const hist = arr((await call(h, 'GET', '/api/history/request/act/deploys')).json);
    expect(hist.map((d) => obj(d.deployMarker).deployId)).toEqual(['a2', 'a1']);
    expect(arr((await call(h, 'GET', '/api/history/request/act/tasks')).json).length).toBeGreaterThan(0);
  });
});

describe('one-shot requests', () => {
  it('ON_DEMAND: POST .../run starts one task that finishes and is not replaced', async () => {
    h.sim.behaviour.set('od1', 'finish');
    await call(h, 'POST', '/api/requests', { id: 'job', requestType: 'ON_DEMAND' });
    expect((await deployAndWait('job', 'od1', { healthcheck: undefined })).deployState).toBe('SUCCEEDED');
    expect(tasksOf('job')).toHaveLength(0);
    const run = await call(h, 'POST', '/api/requests/request/job/run', { runId: 'nightly_1' });
    expect(obj(run.json).runId).toBe('nightly_1');
    expect(await h.sim.until(() => h.router.history.of('job').some((t) => t.state === 'TASK_FINISHED'))).toBe(true);
    await new Promise((r) => setTimeout(r, 100));
    expect(h.router.history.of('job')).toHaveLength(1);
    expect(tasksOf('job')).toHaveLength(0);
  });

  it('ON_DEMAND with numRetriesOnFailure: a failing run is tried 1 + retries times', async () => {
    h.sim.behaviour.set('od2', 'exit');
    await call(h, 'POST', '/api/requests', { id: 'flaky', requestType: 'ON_DEMAND', numRetriesOnFailure: 2 });
    await deployAndWait('flaky', 'od2', { healthcheck: undefined });
    await call(h, 'POST', '/api/requests/request/flaky/run');
    expect(await h.sim.until(() => h.router.history.of('flaky').length === 3 && h.router.engine.openRuns('flaky') === 0)).toBe(true);
    await new Promise((r) => setTimeout(r, 100));
    expect(h.router.history.of('flaky')).toHaveLength(3);
  });

  it('RUN_ONCE: the deploy runs the task once, then the request is FINISHED', async () => {
    h.sim.behaviour.set('once1', 'finish');
    await call(h, 'POST', '/api/requests', { id: 'migrate', requestType: 'RUN_ONCE' });
    expect((await deployAndWait('migrate', 'once1', { healthcheck: undefined })).deployState).toBe('SUCCEEDED');
    expect(await h.sim.until(() => h.scheduler.requests.get('migrate')?.state === 'FINISHED')).toBe(true);
    expect(h.router.history.of('migrate').map((t) => t.state)).toEqual(['TASK_FINISHED']);
  });

  it('a SERVICE cannot be run (400)', async () => {
    expect((await call(h, 'POST', '/api/requests/request/web/run')).status).toBe(400);
  });

  it('SCHEDULED: the cron schedule starts runs', async () => {
    h.sim.behaviour.set('s1', 'finish');
    const created = await call(h, 'POST', '/api/requests', { id: 'cron', requestType: 'SCHEDULED', schedule: '* * * * * *' });
    expect(created.status).toBe(200);
    await deployAndWait('cron', 's1', { healthcheck: undefined });
    expect(await h.sim.until(() => h.router.history.of('cron').filter((t) => t.state === 'TASK_FINISHED').length >= 2, 1000)).toBe(true);
  });
});

describe('events (SSE)', () => {
  /** Opens the stream (resolved once subscribed); `events` settles when `until` holds or the server hangs up. */
  async function readEvents(path: string, headers: Record<string, string>, until: (events: ApiEvent[]) => boolean): Promise<{ events: Promise<ApiEvent[]> }> {
    let stream: EventFollower | undefined;
    const events = new Promise<ApiEvent[]>((resolve, reject) => {
      stream = followEvents(`${h.url}${path}`, {
        headers,
        onEvents: (received) => {
          if (!until(received)) return;
          stream?.stop();
          resolve(received);
        },
        onError: (err) => (err.message.includes('socket hang up') ? resolve(stream?.events ?? []) : reject(err)),
      });
    });
    await Promise.race([stream?.opened, events]);
    return { events };
  }

  it('shows a deploy story in order, filtered by ?requestId=, and resumes after Last-Event-ID', async () => {
    const story = await readEvents('/api/events?requestId=sse', {}, (ev) => ev.some((e) => e.event === 'deploy.finished'));
    await call(h, 'POST', '/api/requests', service('sse', 1));
    await call(h, 'POST', '/api/deploys', { deploy: deploy('sse', 'story1') });
    const events = await story.events;
    const types = events.map((e) => e.event);
    expect(events.every((e) => e.data.requestId === 'sse')).toBe(true);
    const order = ['request.created', 'deploy.started', 'deploy.step', 'task.status', 'deploy.step-complete', 'deploy.finished'];
    const positions = order.map((t) => types.indexOf(t));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(events.map((e) => e.id)).toEqual([...events.map((e) => e.id)].sort((a, b) => a - b));
    const firstId = events[0].id;
    const resumed = await (await readEvents('/api/events?requestId=sse', { 'Last-Event-ID': String(firstId) }, (ev) => ev.some((e) => e.event === 'deploy.finished'))).events;
    expect(resumed[0].id).toBeGreaterThan(firstId);
    expect(resumed.map((e) => e.id).slice(0, events.length - 1)).toEqual(events.slice(1).map((e) => e.id));
  });

  it('drops a consumer that does not read, and the scheduler carries on', async () => {
    await h.sim.until(() => h.router.hub.subscriberCount === 0);
    const before = h.router.hub.subscriberCount;
    const url = new URL(`${h.url}/api/events`);
    const req = http.get({ host: url.hostname, port: url.port, path: url.pathname });
    const res = await new Promise<http.IncomingMessage>((resolve) => req.on('response', resolve));
    res.pause();
    req.on('error', () => undefined);
    expect(h.router.hub.subscriberCount).toBe(before + 1);
    const big = 'x'.repeat(64 * 1024);
    for (let i = 0; i < 400 && h.router.hub.subscriberCount > before; i++) {
      h.router.hub.publish('test.noise', { big });
      await new Promise((r) => setImmediate(r));
    }
    expect(h.router.hub.subscriberCount).toBe(before);
    req.destroy();
    expect((await call(h, 'GET', '/api/requests')).status).toBe(200);
  });
});

describe('reads', () => {
  it('GET /api/state counts requests and tasks and names the leader', async () => {
    const state = obj((await call(h, 'GET', '/api/state')).json);
    expect(state.activeRequests).toBeGreaterThan(0);
    expect(typeof state.activeTasks).toBe('number');
    expect(obj(state.leader).isLeader).toBe(false);
    expect(Array.isArray(state.overProvisionedRequestIds)).toBe(true);
  });

  it('large lists are gzipped for clients that accept it, and identical once decompressed', async () => {
    await call(h, 'POST', '/api/requests', service('many', 40));
    expect((await deployAndWait('many', 'm1', { healthcheck: undefined })).deployState).toBe('SUCCEEDED');
    const plain = await new Promise<{ encoding?: string; body: Buffer }>((resolve) => {
      http.get(`${h.url}/api/tasks/active`, { headers: { 'accept-encoding': 'identity' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ encoding: res.headers['content-encoding'], body: Buffer.concat(chunks) }));
      });
    });
    const zipped = await new Promise<{ encoding?: string; body: Buffer }>((resolve) => {
      http.get(`${h.url}/api/tasks/active`, { headers: { 'accept-encoding': 'gzip' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ encoding: res.headers['content-encoding'], body: Buffer.concat(chunks) }));
      });
    });
    expect(plain.encoding).toBeUndefined();
    expect(zipped.encoding).toBe('gzip');
    expect(zipped.body.length).toBeLessThan(plain.body.length / 5);
    expect(gunzipSync(zipped.body).equals(plain.body)).toBe(true);
    expect((JSON.parse(plain.body.toString()) as unknown[]).length).toBeGreaterThanOrEqual(40);
  });

  it('GET /api/openapi.json is generated from the validating schemas', async () => {
    const doc = obj((await call(h, 'GET', '/api/openapi.json')).json);
    expect(doc.openapi).toBe('3.1.0');
    const schemas = obj(obj(doc.components).schemas);
    const deployProps = obj(obj(schemas.SingularityDeploy).properties);
    expect(Object.keys(deployProps)).toEqual(expect.arrayContaining(['healthcheckUri', 'deployInstanceCountPerStep', 'containerInfo']));
    expect(Object.keys(obj(obj(schemas.SingularityRequest).properties))).toEqual(expect.arrayContaining(['slavePlacement', 'agentPlacement', 'requiredSlaveAttributes']));
    expect(Object.keys(obj(doc.paths))).toEqual(expect.arrayContaining(['/deploys', '/requests/request/{requestId}/rollback', '/events']));
  });

  it('GET /metrics has tasks by state, deploys by result, API latency and the leader gauge', async () => {
    // A status update stamped 1.5 s before it reached the scheduler, as the Mesos path reports it.
    const now = Date.now();
    h.scheduler.events.emit('status', { task_id: { value: 't' }, state: 'TASK_RUNNING', source: 'SOURCE_EXECUTOR', timestamp: now / 1000 - 1.5 }, now);
    const res = await fetch(`${h.url}/metrics`);
    const text = await res.text();
    expect(text).toMatch(/griddle_tasks\{state="TASK_RUNNING"\} \d+/);
    expect(text).toMatch(/griddle_deploys_total\{kind="deploy",result="FAILED"\} [1-9]/);
    expect(text).toMatch(/griddle_deploys_total\{kind="deploy",result="SUCCEEDED"\} [1-9]/);
    expect(text).toMatch(/griddle_api_request_duration_seconds_count\{method="POST",route="\/api\/deploys",status="200"\} [1-9]/);
    expect(text).toContain('griddle_leader 0');
    expect(text).toMatch(/griddle_task_launches_total [1-9]/);
    expect(text).toContain('griddle_status_update_lag_seconds_bucket{le="1",source="SOURCE_EXECUTOR"} 0');
    expect(text).toContain('griddle_status_update_lag_seconds_bucket{le="2",source="SOURCE_EXECUTOR"} 1');
  });

  it('GET /api/sandbox/{taskId}/read reads through the agent /state and /files/read', async () => {
    const task = [...h.scheduler.tasks.values()][0];
    const seen: string[] = [];
    const agent = http.createServer((req, res) => {
      seen.push(req.url ?? '');
      res.setHeader('content-type', 'application/json');
      if (req.url === '/state') {
        res.end(JSON.stringify({ frameworks: [{ executors: [{ id: task.taskId, directory: '/work/agents/a1/runs/latest', tasks: [{ id: task.taskId }] }] }] }));
      } else {
        res.end(JSON.stringify({ data: 'hello from stdout\n', offset: 0 }));
      }
    });
    await new Promise<void>((r) => agent.listen(0, '127.0.0.1', r));
    h.router.sandbox.setAgentUrl(task.agentId, `http://127.0.0.1:${(agent.address() as AddressInfo).port}`);
    const res = await call(h, 'GET', `/api/sandbox/${task.taskId}/read?path=stdout&length=50000&offset=0`);
    agent.close();
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ data: 'hello from stdout\n', offset: 0, nextOffset: 18 });
    expect(seen[1]).toBe(`/files/read?path=${encodeURIComponent('/work/agents/a1/runs/latest/stdout')}&offset=0&length=50000`);
  });
});
