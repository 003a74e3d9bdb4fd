/**
 * Task shell commands end to end: mesos-local (process containerizer) running griddle-executor
 * and a demo-http container, the scheduler with an allow-list file. An allowed command's
 * output is read through the sandbox API and its run is in the task's history; a command off
 * the allow-list is 400. `griddle command` runs one and prints its output.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { requestIdFor } from '../../cli';
import { startE2eStack, type E2eStack } from '../support/e2e-stack';
import { until } from '../support/kit';
import { runGriddle } from '../support/run-griddle';

jest.setTimeout(300_000);

type Json = Record<string, unknown>;
const SERVICE = `shell${process.pid}${Date.now().toString(36)}`;
const REQUEST_ID = requestIdFor('e2e', SERVICE);
const allowList = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'griddle-shell-')), 'commands.yaml');
let stack: E2eStack | undefined;
let api: string;

async function call(method: string, p: string, body?: unknown): Promise<{ status: number; json: Json }> {
  const res = await fetch(`${api}${p}`, { method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
  const text = await res.text();
  return { status: res.status, json: (text ? JSON.parse(text) : undefined) as Json };
}

beforeAll(async () => {
  fs.writeFileSync(allowList, 'greet:\n  command: [echo, hello from]\n  options: { host: [--host] }\n');
  stack = await startE2eStack({ agents: 1, scheduler: { shellCommandsFile: allowList } });
  api = stack.api;
});

afterAll(async () => {
  await call('DELETE', `/api/requests/request/${REQUEST_ID}`).catch(() => undefined);
  await stack?.stop(REQUEST_ID);
  fs.rmSync(path.dirname(allowList), { recursive: true, force: true });
});

test('an allowed command runs in the container and its output is in the sandbox; others are 400', async () => {
  expect((await call('POST', '/api/requests', { id: REQUEST_ID, requestType: 'SERVICE', instances: 1 })).status).toBe(200);
  const deploy = {
    requestId: REQUEST_ID, id: '1', resources: { cpus: 0.1, memoryMb: 64, numPorts: 1 },
    containerInfo: { type: 'DOCKER', docker: { image: 'griddle/demo-http:1', network: 'BRIDGE', portMappings: [{ containerPort: 8080, hostPortType: 'FROM_OFFER', hostPort: 0 }] } },
  };
  expect((await call('POST', '/api/deploys', { deploy })).status).toBe(200);
  const taskId = await until(async () => {
    const tasks = (await call('GET', '/api/tasks/active')).json as unknown as Json[];
    const t = tasks.find((x) => (x.taskId as Json).requestId === REQUEST_ID && x.state === 'TASK_RUNNING');
    return t ? ((t.taskId as Json).id as string) : undefined;
  }, 'a running task', 150_000, { intervalMs: 250 });

  const refused = await call('POST', `/api/tasks/task/${taskId}/command`, { name: 'rm' });
  expect(refused.status).toBe(400);
  expect(refused.json.message).toContain("shell command 'rm' is not allowed");
  const badOption = await call('POST', `/api/tasks/task/${taskId}/command`, { name: 'greet', options: ['; id'] });
  expect(badOption.status).toBe(400);
  expect(badOption.json.message).toContain("option '; id' is not allowed for shell command 'greet'");

  const run = await call('POST', `/api/tasks/task/${taskId}/command`, { name: 'greet', options: ['host'] });
  expect(run.status).toBe(200);
  const timestamp = run.json.timestamp as number;
  const updates = await until(async () => {
    const res = await call('GET', `/api/tasks/task/${taskId}/command/greet/${timestamp}`);
    const list = res.json as unknown as Json[];
    return list.some((u) => u.updateType === 'FINISHED' || u.updateType === 'FAILED') ? list : undefined;
  }, 'the run to end', 60_000, { intervalMs: 250 });
  expect(updates.map((u) => u.updateType)).toEqual(['ACKED', 'STARTED', 'FINISHED']);
  const file = updates[2].outputFilename as string;
  expect(file).toBe(`greet-${timestamp}.log`);

  const output = await call('GET', `/api/sandbox/${taskId}/read?path=${file}&offset=0&length=10000`);
  expect(output.status).toBe(200);
  expect(output.json.data).toBe('hello from --host\n');

  const history = await call('GET', `/api/history/task/${taskId}`);
  expect(history.json.shellCommandHistory).toEqual([expect.objectContaining({ shellRequest: expect.objectContaining({ timestamp }), shellUpdates: expect.any(Array) })]);
});

test('`griddle command` runs an allowed command in the newest task and prints its output', async () => {
  const run = await runGriddle(['command', SERVICE, 'greet', '-e', 'e2e', '-o', 'host', '--json'], { GRIDDLE_URL: api, GRIDDLE_CONFIG_REPOSITORY: path.dirname(allowList) });
  expect(run.stderr).not.toContain('error');
  expect(run.code).toBe(0);
  const doc = JSON.parse(run.stdout) as Json;
  expect(doc).toMatchObject({ name: 'greet', result: 'FINISHED', output: 'hello from --host\n' });
  expect((doc.updates as Json[]).map((u) => u.updateType)).toEqual(['ACKED', 'STARTED', 'FINISHED']);
  const plain = await runGriddle(['command', SERVICE, 'greet', '-e', 'e2e'], { GRIDDLE_URL: api, GRIDDLE_CONFIG_REPOSITORY: path.dirname(allowList) });
  expect(plain.code).toBe(0);
  expect(plain.stdout).toBe('hello from\n');
  expect(plain.stderr).toMatch(/✔ greet FINISHED after \d+s: exited with 0/);
});
