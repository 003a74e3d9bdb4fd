/**
 * Expiring actions end to end, started and canceled with the `griddle` CLI: mesos-local
 * (process containerizer) running griddle-executor and griddle/demo-http containers, the
 * scheduler on its real clock. A 60 s scale-up reverts by itself, a paused service comes back
 * when its pause is up, skipped health checks come back, a canceled expiry keeps the scale.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { requestIdFor } from '../../cli';
import { startE2eStack, type E2eStack } from '../support/e2e-stack';
import { until } from '../support/kit';
import { runGriddle, type CliRun } from '../support/run-griddle';

jest.setTimeout(600_000);

type Json = Record<string, unknown>;
const SERVICE = `exp${process.pid}${Date.now().toString(36)}`;
const ENV = 'e2e';
const REQUEST_ID = requestIdFor(ENV, SERVICE);
const specs = fs.mkdtempSync(path.join(os.tmpdir(), 'griddle-exp-specs-'));
let stack: E2eStack | undefined;
let api: string;

const call = (method: string, p: string, body?: unknown): Promise<{ status: number; json: unknown }> => {
  if (!stack) throw new Error('the stack did not start');
  return stack.call(method, p, body);
};

const griddle = (...args: string[]): Promise<CliRun> =>
  runGriddle([...args, '-e', ENV], { GRIDDLE_URL: api, GRIDDLE_CONFIG_REPOSITORY: specs }, { pollMs: 250 });
const parent = async (): Promise<Json> => (await call('GET', `/api/requests/request/${REQUEST_ID}`)).json as Json;
const mine = async (): Promise<Json[]> => ((await call('GET', '/api/tasks/active')).json as Json[]).filter((t) => (t.taskId as Json).requestId === REQUEST_ID);
const healthy = (tasks: Json[]): Json[] => tasks.filter((t) => t.state === 'TASK_RUNNING' && t.healthy === true && t.killRequestedAt === undefined);
const requestHistory = async (): Promise<Json[]> => (await call('GET', `/api/history/request/${REQUEST_ID}/requests`)).json as Json[];

beforeAll(async () => {
  stack = await startE2eStack({ agents: 1 });
  api = stack.api;
  const docker = { image: 'griddle/demo-http:1', network: 'BRIDGE', portMappings: [{ containerPort: 8080, hostPortType: 'FROM_OFFER', hostPort: 0 }] };
  const healthcheck = { uri: '/health', portIndex: 0, startupTimeoutSeconds: 5, intervalSeconds: 1, responseTimeoutSeconds: 1, maxRetries: 2 };
  expect((await call('POST', '/api/requests', { id: REQUEST_ID, requestType: 'SERVICE', instances: 1 })).status).toBe(200);
  expect((await call('POST', '/api/deploys', { deploy: { requestId: REQUEST_ID, id: 'v1', resources: { cpus: 0.1, memoryMb: 64, numPorts: 1 }, containerInfo: { type: 'DOCKER', docker }, healthcheck } })).status).toBe(200);
  await until(async () => healthy(await mine()).length === 1, '1 healthy instance', 150_000, { intervalMs: 250 });
});

afterAll(async () => {
  await stack?.stop(REQUEST_ID);
  fs.rmSync(specs, { recursive: true, force: true });
});

test('a 60 s scale-up started with `griddle scale --duration` reverts by itself, after the 60 s', async () => {
  const scaled = await griddle('scale', SERVICE, '-n', '2', '--duration', '60s', '--message', 'e2e load test');
  expect(scaled.code).toBe(0);
  expect(scaled.stderr).toContain(`scale ${REQUEST_ID}: `); // the progress line while it waits
  expect(scaled.stdout).toContain(`Scaling ${REQUEST_ID} from 1 to 2 instance(s), back to 1 after 60 s`);
  expect(scaled.stdout).toContain('2/2 healthy');
  const action = (await parent()).expiringScale as Json;
  expect(action).toMatchObject({ revertToInstances: 1, expiringAPIRequestObject: { instances: 2, durationMillis: 60_000, message: 'e2e load test' } });

  const listed = await griddle('expiring', SERVICE, '--json');
  expect(listed.code).toBe(0);
  const rows = (JSON.parse(listed.stdout) as { expiring: Json[] }).expiring;
  expect(rows).toEqual([expect.objectContaining({ kind: 'scale', endsAt: (action.startMillis as number) + 60_000, message: 'e2e load test' })]);

  await until(async () => ((await parent()).request as Json).instances === 1 && (await mine()).length === 1, 'back to 1 instance', 150_000, { intervalMs: 500 });
  const reverted = (await requestHistory()).find((h) => h.eventType === 'SCALE_REVERTED');
  expect(reverted).toBeDefined();
  // Reverted by the scheduler's clock once the 60 s were up, never before.
  expect(reverted?.createdAt as number).toBeGreaterThanOrEqual((action.startMillis as number) + 60_000);
  expect((await parent()).expiringScale).toBeUndefined();
  expect(healthy(await mine())).toHaveLength(1);
});

test('`griddle skip-healthchecks --duration` turns health checks back on when it is up', async () => {
  const run = await griddle('skip-healthchecks', SERVICE, '--duration', '3s');
  expect(run.code).toBe(0);
  expect(run.stdout).toContain('health checks skipped for 3 s, then back as they were');
  expect(((await parent()).request as Json).skipHealthchecks).toBe(true);
  await until(async () => ((await parent()).request as Json).skipHealthchecks === false, 'health checks on again', 60_000, { intervalMs: 250 });
  expect((await parent()).expiringSkipHealthchecks).toBeUndefined();
});

test('a service paused with `griddle pause --duration` comes back by itself', async () => {
  const run = await griddle('pause', SERVICE, '--duration', '10s');
  expect(run.code).toBe(0);
  await until(async () => (await parent()).state === 'PAUSED' && (await mine()).length === 0, 'paused with no task', 60_000, { intervalMs: 250 });
  await until(async () => (await parent()).state === 'ACTIVE' && healthy(await mine()).length === 1, 'unpaused with 1 healthy task', 150_000, { intervalMs: 250 });
  expect((await parent()).expiringPause).toBeUndefined();
});

test('`griddle expiring --cancel scale` keeps the scale as it is; `griddle bounce` replaces every task', async () => {
  expect((await griddle('scale', SERVICE, '-n', '2', '--duration', '1h', '--no-wait')).code).toBe(0);
  expect((await parent()).expiringScale).toBeDefined();
  const canceled = await griddle('expiring', SERVICE, '--cancel', 'scale');
  expect(canceled.code).toBe(0);
  expect(canceled.stdout).toContain(`Canceled the expiring scale of ${REQUEST_ID}; it stays as it is now`);
  expect((await parent()).expiringScale).toBeUndefined();
  expect(((await parent()).request as Json).instances).toBe(2);
  await until(async () => healthy(await mine()).length === 2, '2 healthy instances', 150_000, { intervalMs: 250 });

  const before = new Set((await mine()).map((t) => (t.taskId as Json).id as string));
  const bounced = await griddle('bounce', SERVICE, '--duration', '10m');
  expect(bounced.code).toBe(0);
  expect(bounced.stdout).toContain('2/2 healthy');
  const after = healthy(await mine()).map((t) => (t.taskId as Json).id as string);
  expect(after).toHaveLength(2);
  for (const id of after) expect(before.has(id)).toBe(false);
  expect((await griddle('expiring', SERVICE, '--cancel', 'pause')).code).toBe(2); // none to cancel: 404 → usage error
});
