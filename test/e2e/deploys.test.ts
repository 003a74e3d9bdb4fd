/**
 * The deploy story end to end: mesos-local (process containerizer) running the real
 * griddle-executor, which runs griddle/demo-http containers in Docker, driven by the real
 * griddle-scheduler and its REST API.
 */
import { execFileSync } from 'node:child_process';
import { startE2eStack, type E2eStack } from '../support/e2e-stack';
import { until } from '../support/kit';
import { followEvents, type ApiEvent, type EventFollower } from '../support/sse-client';

jest.setTimeout(600_000);

type Json = Record<string, unknown>;
const REQUEST_ID = `e2e_${process.pid}_${Date.now().toString(36)}`;
let stack: E2eStack | undefined;
let api: string;
let sse: EventFollower | undefined;
let events: ApiEvent[] = [];

async function call(method: string, p: string, body?: unknown): Promise<{ status: number; json: Json & Json[] }> {
  const res = await fetch(`${api}${p}`, { method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
  const text = await res.text();
  return { status: res.status, json: (text ? JSON.parse(text) : undefined) as Json & Json[] };
}

function deploy(id: string, tag: string, healthUri = '/health', extra: Json = {}): Json {
  return {
    requestId: REQUEST_ID, id,
    resources: { cpus: 0.1, memoryMb: 64, numPorts: 1 },
    containerInfo: { type: 'DOCKER', docker: { image: `griddle/demo-http:${tag}`, network: 'BRIDGE', portMappings: [{ containerPort: 8080, containerPortType: 'LITERAL', hostPortType: 'FROM_OFFER', hostPort: 0, protocol: 'tcp' }] } },
    healthcheck: { uri: healthUri, portIndex: 0, startupTimeoutSeconds: 3, intervalSeconds: 1, responseTimeoutSeconds: 1, maxRetries: 2 },
    deployHealthTimeoutSeconds: 90,
    ...extra,
  };
}

async function healthyTasks(): Promise<Json[]> {
  const res = await call('GET', '/api/tasks/active');
  return res.json.filter((t) => (t.taskId as Json).requestId === REQUEST_ID && t.state === 'TASK_RUNNING' && t.healthy === true && t.killRequestedAt === undefined);
}

async function waitResult(deployId: string): Promise<Json> {
  return until(async () => {
    const res = await call('GET', `/api/history/request/${REQUEST_ID}/deploy/${deployId}`);
    return res.status === 200 && res.json.deployResult ? res.json.deployResult as Json : undefined;
  }, `a result of deploy ${deployId}`, 150_000, { intervalMs: 250 });
}

function containersOf(deployId: string): string[] {
  const out = execFileSync('docker', ['ps', '-a', '-q', '--filter', `label=griddle.request_id=${REQUEST_ID}`, '--filter', `label=griddle.deploy_id=${deployId}`]).toString().trim();
  return out ? out.split('\n') : [];
}

beforeAll(async () => {
  stack = await startE2eStack({ agents: 2 });
  api = stack.api;
  sse = followEvents(`${api}/api/events?requestId=${REQUEST_ID}`);
  events = sse.events;
  await sse.opened;
});

afterAll(async () => {
  sse?.stop();
  await call('DELETE', `/api/requests/request/${REQUEST_ID}`).catch(() => undefined);
  for (let i = 0; i < 60 && (await call('GET', '/api/tasks/active')).json.some((t) => (t.taskId as Json).requestId === REQUEST_ID); i++) {
    await new Promise((r) => setTimeout(r, 500));
  }
  await stack?.stop(REQUEST_ID);
});

test('deploy v1 ×3 SUCCEEDS', async () => {
  expect((await call('POST', '/api/requests', { id: REQUEST_ID, requestType: 'SERVICE', instances: 3, slavePlacement: 'OPTIMISTIC' })).status).toBe(200);
  expect((await call('POST', '/api/deploys', { deploy: deploy('v1', '1'), message: 'v1' })).status).toBe(200);
  const result = await waitResult('v1');
  expect(result.deployState).toBe('SUCCEEDED');
  expect(await healthyTasks()).toHaveLength(3);
});

test('sandbox logs of a task are read through its agent (/state, /files/read)', async () => {
  const [task] = await healthyTasks();
  const taskId = String((task.taskId as Json).id);
  const out = await call('GET', `/api/sandbox/${taskId}/read?path=stdout&length=50000&offset=0`);
  const err = await call('GET', `/api/sandbox/${taskId}/read?path=stderr&length=50000&offset=0`);
  expect(out.status).toBe(200);
  expect(err.status).toBe(200);
  expect(out.json.offset).toBe(0);
  expect(String(out.json.data).length + String(err.json.data).length).toBeGreaterThan(0);
  expect(out.json.nextOffset).toBe(Buffer.byteLength(String(out.json.data)));
  expect((await call('GET', `/api/sandbox/${taskId}/read?path=no-such-file`)).status).toBe(404);
});

test('a v2 whose health check fails ends FAILED with TASK_FAILED_HEALTH_CHECKS; v1 keeps 3 healthy; no v2 container is left', async () => {
  expect((await call('POST', '/api/deploys', { deploy: deploy('v2bad', '2', '/no-such-page'), message: 'bad v2' })).status).toBe(200);
  const result = await waitResult('v2bad');
  expect(result.deployState).toBe('FAILED');
  expect((result.deployFailures as Json[]).map((f) => f.reason)).toContain('TASK_FAILED_HEALTH_CHECKS');
  const healthy = await healthyTasks();
  expect(healthy.filter((t) => (t.taskId as Json).deployId === 'v1')).toHaveLength(3);
  let left = containersOf('v2bad');
  for (let i = 0; i < 60 && left.length > 0; i++) {
    await new Promise((r) => setTimeout(r, 500));
    left = containersOf('v2bad');
  }
  expect(left).toEqual([]);
});

test('a good v2 in steps of 1 never goes below 3 healthy instances and SUCCEEDS', async () => {
  const samples: number[] = [];
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      samples.push((await healthyTasks()).length);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  expect((await call('POST', '/api/deploys', { deploy: deploy('v2', '2', '/health', { deployInstanceCountPerStep: 1 }), message: 'good v2' })).status).toBe(200);
  const result = await waitResult('v2');
  sampling = false;
  await sampler;
  expect(result.deployState).toBe('SUCCEEDED');
  expect(samples.length).toBeGreaterThan(10);
  expect(Math.min(...samples)).toBeGreaterThanOrEqual(3);
  const steps = events.filter((e) => e.event === 'deploy.step' && e.data.deployId === 'v2').map((e) => e.data.targetActiveInstances);
  expect(steps).toEqual([1, 2, 3]);
});

test('rollback makes v1\'s definition active again', async () => {
  expect((await call('POST', `/api/requests/request/${REQUEST_ID}/rollback`, {})).status).toBe(200);
  const parent = (await call('GET', `/api/requests/request/${REQUEST_ID}`)).json;
  const rollbackId = (parent.pendingDeploy as Json | undefined)?.id ?? (parent.activeDeploy as Json).id;
  const result = await waitResult(String(rollbackId));
  expect(result.deployState).toBe('SUCCEEDED');
  const hist = (await call('GET', `/api/history/request/${REQUEST_ID}/deploy/${String(rollbackId)}`)).json;
  expect(hist.rollbackOf).toBe('v1');
  const active = (await call('GET', `/api/requests/request/${REQUEST_ID}`)).json.activeDeploy as Json;
  expect(((active.containerInfo as Json).docker as Json).image).toBe('griddle/demo-http:1');
  const healthy = await healthyTasks();
  expect(healthy.map((t) => (t.taskId as Json).deployId)).toEqual([rollbackId, rollbackId, rollbackId]);
});

test('SSE showed the whole story in order', () => {
  const story = events.filter((e) => e.event.startsWith('deploy.') && e.event !== 'deploy.step-complete')
    .map((e) => `${e.event}:${String(e.data.deployId ?? e.data.failedDeployId)}${e.event === 'deploy.finished' ? `:${String((e.data.deployResult as Json).deployState)}` : ''}`);
  const compact = story.filter((s) => !s.startsWith('deploy.step:'));
  expect(compact).toEqual([
    'deploy.started:v1', 'deploy.finished:v1:SUCCEEDED',
    'deploy.started:v2bad', 'deploy.finished:v2bad:FAILED', 'deploy.rollback:v2bad',
    'deploy.started:v2', 'deploy.finished:v2:SUCCEEDED',
    'deploy.started:v1_rb1', 'deploy.finished:v1_rb1:SUCCEEDED',
  ]);
  expect(events.map((e) => e.id)).toEqual([...events.map((e) => e.id)].sort((a, b) => a - b));
  const v1Running = events.findIndex((e) => e.event === 'task.status' && e.data.deployId === 'v1' && e.data.state === 'TASK_RUNNING');
  const v1Done = events.findIndex((e) => e.event === 'deploy.finished' && e.data.deployId === 'v1');
  expect(v1Running).toBeGreaterThanOrEqual(0);
  expect(v1Running).toBeLessThan(v1Done);
  expect(events.some((e) => e.event === 'task.health' && e.data.deployId === 'v2bad' && e.data.healthy === false)
    || events.some((e) => e.event === 'task.status' && e.data.deployId === 'v2bad' && e.data.state === 'TASK_FAILED')).toBe(true);
});
