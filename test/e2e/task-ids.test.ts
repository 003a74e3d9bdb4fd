/**
 * Singularity task ids end to end: mesos-local (an agent with a `rack` attribute, process
 * containerizer) running the real griddle-executor and a griddle/demo-http container. The id a
 * Java client rebuilds from `/tasks/active`'s JSON id object works for history, sandbox and kill,
 * and the container sees Singularity's TASK_RACK_ID.
 */
import { execFileSync } from 'node:child_process';
import { formatTaskId, type SingularityTaskId } from '../../contract';
import { startE2eStack, type E2eStack } from '../support/e2e-stack';
import { until } from '../support/kit';

jest.setTimeout(300_000);

type Json = Record<string, unknown>;
const REQUEST_ID = `e2e-ids_${process.pid}_${Date.now().toString(36)}`;
let stack: E2eStack | undefined;
let api: string;

async function call(method: string, p: string, body?: unknown): Promise<{ status: number; json: Json; type: string | null }> {
  const res = await fetch(`${api}${p}`, { method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
  const text = await res.text();
  return { status: res.status, json: (text ? JSON.parse(text) : undefined) as Json, type: res.headers.get('content-type') };
}

const mine = async (): Promise<Json[]> => ((await call('GET', '/api/tasks/active')).json as unknown as Json[])
  .filter((t) => (t.taskId as Json).requestId === REQUEST_ID && t.killRequestedAt === undefined);

beforeAll(async () => {
  stack = await startE2eStack({ agents: 1, attributes: 'rack:rack-a.1' });
  api = stack.api;
});

afterAll(async () => {
  await call('DELETE', `/api/requests/request/${REQUEST_ID}`).catch(() => undefined);
  await until(async () => (await mine()).length === 0, 'the request’s tasks to end', 30_000).catch(() => undefined);
  await stack?.stop(REQUEST_ID);
});

test('a task id rebuilt from its JSON fields works with history, sandbox read and kill', async () => {
  expect((await call('POST', '/api/requests', { id: REQUEST_ID, requestType: 'SERVICE', instances: 1 })).status).toBe(200);
  const deploy = {
    requestId: REQUEST_ID, id: '1.0.0', resources: { cpus: 0.1, memoryMb: 64, numPorts: 1 },
    containerInfo: { type: 'DOCKER', docker: { image: 'griddle/demo-http:1', network: 'BRIDGE', portMappings: [{ containerPort: 8080, hostPortType: 'FROM_OFFER', hostPort: 0 }] } },
    healthcheck: { uri: '/health', portIndex: 0, startupTimeoutSeconds: 3, intervalSeconds: 1, responseTimeoutSeconds: 1, maxRetries: 2 },
  };
  expect((await call('POST', '/api/deploys', { deploy })).status).toBe(200);
  const task = await until(async () => (await mine()).find((t) => t.state === 'TASK_RUNNING' && t.healthy === true), 'a healthy task', 150_000, { intervalMs: 250 });

  const idObject = task.taskId as SingularityTaskId;
  const rebuilt = formatTaskId(idObject); // from the fields alone, as SingularityTaskId does
  expect(rebuilt).toBe(idObject.id);
  expect(idObject).toMatchObject({ requestId: REQUEST_ID, deployId: '1.0.0', sanitizedRackId: 'rack_a.1', rackId: 'rack_a.1' });
  expect(rebuilt.endsWith(`-${idObject.sanitizedHost}-rack_a.1`)).toBe(true);
  expect(task.rackId).toBe('rack-a.1');

  const container = execFileSync('docker', ['ps', '-q', '--filter', `label=griddle.request_id=${REQUEST_ID}`]).toString().trim().split('\n')[0];
  const env = JSON.parse(execFileSync('docker', ['inspect', '--format', '{{json .Config.Env}}', container]).toString()) as string[];
  expect(env).toEqual(expect.arrayContaining(['TASK_RACK_ID=rack-a.1', `TASK_ID=${rebuilt}`, 'TASK_DEPLOY_ID=1.0.0', 'INSTANCE_NO=1']));

  const history = await call('GET', `/api/history/task/${rebuilt}`);
  expect(history.status).toBe(200);
  expect(history.type).toBe('application/json');
  expect(((history.json.task as Json).taskId as Json).id).toBe(rebuilt);
  expect(history.json.directory).toEqual(expect.any(String));

  const sandbox = await until(async () => {
    const res = await call('GET', `/api/sandbox/${rebuilt}/read?path=stdout&offset=0&length=50000`);
    return res.status === 200 ? res : undefined;
  }, 'the sandbox stdout', 30_000, { intervalMs: 250 });
  expect(sandbox.json).toMatchObject({ offset: 0, data: expect.any(String) });

  const kill = await call('DELETE', `/api/tasks/task/${rebuilt}`, { message: 'e2e kill' });
  expect(kill.status).toBe(200);
  expect(kill.json).toMatchObject({ cleanupType: 'USER_REQUESTED', message: 'e2e kill', taskId: { id: rebuilt } });
  const ended = await until(async () => {
    const res = await call('GET', `/api/history/task/${rebuilt}`);
    return res.json.lastTaskState === 'TASK_KILLED' ? res.json : undefined;
  }, 'the killed task in history', 60_000, { intervalMs: 250 });
  expect((ended.taskUpdates as Json[]).map((u) => u.taskState)).toEqual(expect.arrayContaining(['TASK_RUNNING', 'TASK_CLEANING', 'TASK_KILLED']));
});
