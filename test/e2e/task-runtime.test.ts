/**
 * What a running task reports about itself, end to end: mesos-local (process containerizer)
 * running the real griddle-executor and a griddle/demo-http container with a health check.
 * `statistics` is the container's real usage, measured by the executor from Docker and carried
 * back as a framework message; the task's history holds the status updates and health results
 * the executor sent and the container's name.
 */
import { execFileSync } from 'node:child_process';
import { containerName } from '../../contract';
import { startE2eStack, type E2eStack } from '../support/e2e-stack';
import { until } from '../support/kit';

jest.setTimeout(300_000);

type Json = Record<string, unknown>;
const REQUEST_ID = `e2e-runtime_${process.pid}_${Date.now().toString(36)}`;
let stack: E2eStack | undefined;
let api: string;

async function call(method: string, p: string, body?: unknown): Promise<{ status: number; json: Json; text: string }> {
  const res = await fetch(`${api}${p}`, { method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
  const text = await res.text();
  return { status: res.status, json: (text && /^[[{]/.test(text) ? JSON.parse(text) : undefined) as Json, text };
}

const mine = async (): Promise<Json[]> => ((await call('GET', '/api/tasks/active')).json as unknown as Json[])
  .filter((t) => (t.taskId as Json).requestId === REQUEST_ID && t.killRequestedAt === undefined);

beforeAll(async () => {
  stack = await startE2eStack({ agents: 1 });
  api = stack.api;
});

afterAll(async () => {
  await call('DELETE', `/api/requests/request/${REQUEST_ID}`).catch(() => undefined);
  await until(async () => (await mine()).length === 0, 'the request’s tasks to end', 30_000).catch(() => undefined);
  await stack?.stop(REQUEST_ID);
});

test('a running task reports its container’s real usage, its status updates, health results and container', async () => {
  expect((await call('POST', '/api/requests', { id: REQUEST_ID, requestType: 'SERVICE', instances: 1 })).status).toBe(200);
  const deploy = {
    requestId: REQUEST_ID, id: '1', resources: { cpus: 0.25, memoryMb: 64, numPorts: 1 },
    containerInfo: { type: 'DOCKER', docker: { image: 'griddle/demo-http:1', network: 'BRIDGE', portMappings: [{ containerPort: 8080, hostPortType: 'FROM_OFFER', hostPort: 0 }] } },
    healthcheck: { uri: '/health', portIndex: 0, startupTimeoutSeconds: 3, intervalSeconds: 1, responseTimeoutSeconds: 1, maxRetries: 2 },
  };
  expect((await call('POST', '/api/deploys', { deploy })).status).toBe(200);
  const task = await until(async () => (await mine()).find((t) => t.state === 'TASK_RUNNING' && t.healthy === true), 'a healthy task', 150_000, { intervalMs: 250 });
  const taskId = (task.taskId as Json).id as string;

  const stats = await call('GET', `/api/tasks/task/${taskId}/statistics`);
  expect({ status: stats.status, text: stats.status === 200 ? '' : stats.text }).toEqual({ status: 200, text: '' });
  expect(stats.json.memRssBytes).toBeGreaterThan(0);
  expect(stats.json.memTotalBytes).toBeGreaterThan(0);
  // The executor enforces the deploy's resources on the container: Docker reports those limits.
  expect(stats.json.memLimitBytes).toBe(64 * 1024 * 1024);
  expect(stats.json.cpusLimit).toBe(0.25);
  expect(stats.json.timestamp).toBeGreaterThan(Date.now() / 1000 - 600);
  // The same container, as Docker sees it.
  const dockerMemLimit = Number(execFileSync('docker', ['inspect', '--format', '{{.HostConfig.Memory}}', containerName(taskId)]).toString().trim());
  expect(dockerMemLimit).toBe(stats.json.memLimitBytes);

  const history = await call('GET', `/api/history/task/${taskId}`);
  expect(history.status).toBe(200);
  expect(history.json.containerId).toBe(containerName(taskId));
  const updates = history.json.taskUpdates as Json[];
  expect(updates[0].taskState).toBe('TASK_LAUNCHED');
  expect(updates.map((u) => u.taskState)).toContain('TASK_RUNNING');
  expect(updates.some((u) => u.statusMessage === 'health check passed')).toBe(true);
  const health = history.json.healthcheckResults as Json[];
  expect(health.length).toBeGreaterThan(0);
  expect(health.at(-1)).toMatchObject({ taskId: { id: taskId }, startup: false });
  expect(health.at(-1)).not.toHaveProperty('errorMessage');

  // Singularity's S3 log listing, served from the sandbox: the container's output, downloadable.
  const logs = await call('GET', `/api/logs/task/${taskId}`);
  expect(logs.status).toBe(200);
  const files = logs.json as unknown as Json[];
  expect(files.map((f) => f.key)).toEqual(expect.arrayContaining([`${REQUEST_ID}/${taskId}/stdout`, `${REQUEST_ID}/${taskId}/stderr`]));
  const stdout = files.find((f) => String(f.key).endsWith('/stdout')) as Json;
  const viewed = await fetch(stdout.getUrl as string);
  expect(viewed.status).toBe(200);
  expect(viewed.headers.get('content-type')).toBe('text/plain; charset=utf-8');
  const text = await viewed.text();
  expect(text.length).toBeGreaterThanOrEqual(stdout.size as number);
  const downloaded = await fetch(stdout.downloadUrl as string);
  expect(downloaded.headers.get('content-disposition')).toBe('attachment; filename="stdout"');
  expect((await downloaded.text()).startsWith(text.slice(0, stdout.size as number))).toBe(true);

  expect((await call('GET', '/api/tasks/task/no-such-task-1-1-h-DEFAULT/statistics')).status).toBe(404);
});
