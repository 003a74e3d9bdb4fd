/**
 * Task shell commands end to end: mesos-local (process containerizer) running griddle-executor
 * and a demo-http container, the scheduler with an allow-list file. An allowed command's
 * output is read through the sandbox API and its run is in the task's history; a command off
 * the allow-list is 400.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startE2eStack, type E2eStack } from '../support/e2e-stack';
import { until } from '../support/kit';

jest.setTimeout(300_000);

type Json = Record<string, unknown>;
const REQUEST_ID = `e2e-shell_${process.pid}_${Date.now().toString(36)}`;
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
