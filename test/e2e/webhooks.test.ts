/**
 * Webhooks end to end: mesos-local (process containerizer) running griddle-executor and
 * griddle/demo-http containers, the scheduler, and an HTTP receiver in the test registered for
 * request, deploy and task updates. It sees every update of two real deploys, including those
 * sent while it was down and while it answered errors: delivery retries until it gets a 2xx.
 */
import { startE2eStack, type E2eStack } from '../support/e2e-stack';
import { until } from '../support/kit';
import { WebhookReceiver } from '../support/webhook-receiver';

jest.setTimeout(600_000);

type Json = Record<string, unknown>;
const REQUEST_ID = `e2e-hooks_${process.pid}_${Date.now().toString(36)}`;
const TYPES = ['REQUEST', 'DEPLOY', 'TASK'] as const;
const rx = new WebhookReceiver();
let stack: E2eStack | undefined;

const call = (method: string, p: string, body?: unknown): Promise<{ status: number; json: unknown }> => {
  if (!stack) throw new Error('the stack did not start');
  return stack.call(method, p, body);
};

const summaries = async (): Promise<Json[]> => (await call('GET', '/api/webhooks/summary')).json as Json[];
const summaryOf = async (type: string): Promise<Json | undefined> => (await summaries()).find((s) => (s.webhook as Json).type === type);

function deploy(id: string, tag: string): Json {
  return {
    requestId: REQUEST_ID, id, resources: { cpus: 0.1, memoryMb: 64, numPorts: 1 },
    containerInfo: { type: 'DOCKER', docker: { image: `griddle/demo-http:${tag}`, network: 'BRIDGE', portMappings: [{ containerPort: 8080, hostPortType: 'FROM_OFFER', hostPort: 0 }] } },
    healthcheck: { uri: '/health', portIndex: 0, startupTimeoutSeconds: 5, intervalSeconds: 1, responseTimeoutSeconds: 1, maxRetries: 2 },
  };
}

async function deployAndWait(id: string, tag: string): Promise<void> {
  expect((await call('POST', '/api/deploys', { deploy: deploy(id, tag) })).status).toBe(200);
  const state = await until(async () => {
    const res = await call('GET', `/api/history/request/${REQUEST_ID}/deploy/${id}`);
    const result = res.status === 200 ? ((res.json as Json).deployResult as Json | undefined) : undefined;
    return result?.deployState as string | undefined;
  }, `deploy ${id} to end`, 240_000, { intervalMs: 250 });
  expect(state).toBe('SUCCEEDED');
}

/** Task id → the states the receiver got for it, in arrival order. */
function deliveredStates(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const u of rx.of('/TASK') as Json[]) {
    const id = (u.taskId as Json).id as string;
    out.set(id, [...(out.get(id) ?? []), u.taskState as string]);
  }
  return out;
}

beforeAll(async () => {
  await rx.start();
  stack = await startE2eStack({ agents: 1 });
});

afterAll(async () => {
  await stack?.stop(REQUEST_ID);
  await rx.stop();
});

test('a receiver gets every update of a real deploy, also those sent while it was down or failing', async () => {
  for (const type of TYPES) expect((await call('POST', '/api/webhooks', { uri: rx.url(`/${type}`), type })).json).toBe('CREATED');
  expect((await call('POST', '/api/requests', { id: REQUEST_ID, requestType: 'SERVICE', instances: 2 })).status).toBe(200);
  await deployAndWait('v1', '1');
  await until(() => rx.of('/DEPLOY').length === 2, 'v1 STARTING and FINISHED delivered', 30_000);
  expect((rx.of('/REQUEST')[0] as Json)).toMatchObject({ eventType: 'CREATED', request: { id: REQUEST_ID } });

  // Down: connections refused while v2 rolls out; the updates queue in the state store.
  await rx.stop();
  await deployAndWait('v2', '2');
  const down = await until(async () => {
    const s = await summaryOf('DEPLOY');
    return Number(s?.queueSize) === 2 && s?.lastError !== undefined ? s : undefined;
  }, 'both v2 deploy updates queued with the error', 60_000, { intervalMs: 250 });
  expect(String(down.lastError)).toMatch(/ECONNREFUSED|fetch failed/);
  expect(Number(down.failures)).toBeGreaterThan(0);
  expect(Number((await summaryOf('TASK'))?.queueSize)).toBeGreaterThan(0);

  // Up again on the same port, but the first answers are errors: retried with backoff as well.
  rx.failNext = 3;
  await rx.start();
  await until(async () => (await summaries()).every((s) => s.queueSize === 0), 'every queue drained', 180_000, { intervalMs: 500 });
  expect(rx.refused).toBe(3);
  const after = await summaryOf('DEPLOY');
  expect(after).toMatchObject({ queueSize: 0, failures: 0 });

  const deploys = (rx.of('/DEPLOY') as Json[]).map((u) => `${String((u.deployMarker as Json).deployId)} ${String(u.eventType)}`);
  expect(deploys).toEqual(['v1 STARTING', 'v1 FINISHED', 'v2 STARTING', 'v2 FINISHED']);
  expect((rx.of('/DEPLOY')[3] as Json).deployResult).toMatchObject({ deployState: 'SUCCEEDED' });

  // Every task of both deploys: the receiver got each state the scheduler recorded for it.
  const got = deliveredStates();
  const tasks = [
    ...((await call('GET', `/api/history/request/${REQUEST_ID}/tasks/active`)).json as Json[]),
    ...((await call('GET', `/api/history/request/${REQUEST_ID}/tasks`)).json as Json[]),
  ].map((t) => t.taskId as Json);
  const ids = [...new Set(tasks.map((t) => t.id as string))];
  expect(ids.length).toBeGreaterThanOrEqual(4);
  for (const id of ids) {
    const history = (await call('GET', `/api/history/task/${encodeURIComponent(id)}`)).json as Json;
    const recorded = (history.taskUpdates as Json[]).map((u) => u.taskState as string);
    expect({ id, states: [...new Set(got.get(id) ?? [])] }).toEqual({ id, states: expect.arrayContaining([...new Set(recorded)]) });
  }
  // The v1 tasks were killed after v2 was healthy, while the receiver was down: those updates came too.
  const v1 = [...new Set(tasks.filter((t) => t.deployId === 'v1').map((t) => t.id as string))];
  expect(v1).toHaveLength(2);
  for (const id of v1) expect(got.get(id)).toEqual(expect.arrayContaining(['TASK_RUNNING', 'TASK_KILLED']));
});
