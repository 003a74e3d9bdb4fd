import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseShellCommands } from '../../../scheduler/api/shell-command-config';
import { arr, call, deployAndWait, obj, serviceRequest, startHarness, type Harness } from '../../support/api-harness';
import { until } from '../../support/kit';
import { runGriddle } from '../../support/run-griddle';

/**
 * The operations commands of `griddle` against the real REST router on the simulated cluster:
 * expiring actions, priorities, the priority freeze, webhooks, agent and rack maintenance, and
 * the errors each gives when asked something wrong. (Shell commands run for real in
 * test/e2e/shell-commands.test.ts; here the simulated cluster has no executor to deliver to.)
 */

const REQUEST = 'ops_svc'; // `griddle … svc -e ops`
let h: Harness;
let env: NodeJS.ProcessEnv;
let specs: string;
const griddle = (...args: string[]) => runGriddle(args, env);
const svc = (...args: string[]) => griddle(args[0], 'svc', '-e', 'ops', ...args.slice(1));
const requestOf = () => h.scheduler.requests.get(REQUEST);

beforeAll(async () => {
  specs = fs.mkdtempSync(path.join(os.tmpdir(), 'griddle-ops-specs-'));
  h = await startHarness({ shellCommands: parseShellCommands('greet: { command: [echo, hello], options: { loud: [-e] } }', 'test') });
  env = { GRIDDLE_URL: h.url, GRIDDLE_CONFIG_REPOSITORY: specs };
  await call(h, 'POST', '/api/requests', serviceRequest(REQUEST, 2));
  expect((await deployAndWait(h, REQUEST, 'v1')).deployState).toBe('SUCCEEDED');
});
afterAll(async () => {
  await h.close();
  fs.rmSync(specs, { recursive: true, force: true });
});

test('pause, unpause, skip-healthchecks and bounce; expiring lists and cancels', async () => {
  expect((await svc('pause', '--duration', '1h', '-m', 'window')).code).toBe(0);
  expect(requestOf()?.state).toBe('PAUSED');
  const listed = await svc('expiring');
  expect(listed.stdout).toMatch(/^pause +ends \d{4}-\d\d-\d\dT/m);
  expect(listed.stdout).toContain('window');
  const unpaused = await svc('unpause');
  expect(unpaused.code).toBe(0);
  expect(unpaused.stdout).toContain('Unpaused ops_svc: ACTIVE');
  expect(obj((await call(h, 'GET', `/api/requests/request/${REQUEST}`)).json).expiringPause).toBeUndefined();
  const again = await svc('unpause');
  expect(again.code).toBe(1); // 409: not paused
  expect(again.stderr).toContain('is ACTIVE, not PAUSED');

  expect((await svc('skip-healthchecks', '--duration', '30m')).code).toBe(0);
  expect(requestOf()?.request.skipHealthchecks).toBe(true);
  expect(obj((await call(h, 'GET', `/api/requests/request/${REQUEST}`)).json).expiringSkipHealthchecks).toMatchObject({ revertToSkipHealthchecks: false });
  expect((await svc('expiring', '--cancel', 'skip-healthchecks')).code).toBe(0);
  expect((await svc('skip-healthchecks', '--off')).code).toBe(0);
  expect(requestOf()?.request.skipHealthchecks).toBe(false);

  await until(() => (requestOf()?.state === 'ACTIVE' && h.router.engine.pending().length === 0), 'no deploy or bounce pending', 10_000);
  const bounced = await svc('bounce', '--no-wait', '--duration', '10m');
  expect(bounced.code).toBe(0);
  expect(bounced.stdout).toContain('Bouncing ops_svc: 2 task(s) to replace, abandoned if not done in 600 s');
  expect(obj((await call(h, 'GET', `/api/requests/request/${REQUEST}`)).json).expiringBounce).toBeDefined();
  expect((await svc('expiring', '--cancel', 'bounce')).code).toBe(0);
});

test('priority sets taskPriorityLevel; out of range is a usage error naming the argument', async () => {
  expect((await svc('priority', '0.8')).code).toBe(0);
  expect(requestOf()?.request.taskPriorityLevel).toBe(0.8);
  const expiring = await svc('priority', '0.95', '--duration', '2h');
  expect(expiring.stdout).toContain('taskPriorityLevel 0.95 for 7200 s, then back as it was');
  expect((await svc('expiring')).stdout).toMatch(/^priority +ends /m);
  expect(obj((await call(h, 'GET', `/api/requests/request/${REQUEST}`)).json).expiringPriority).toMatchObject({ revertToPriority: 0.8 });
  expect((await svc('expiring', '--cancel', 'priority')).code).toBe(0);
  expect(requestOf()?.request.taskPriorityLevel).toBe(0.95);
  const bad = await svc('priority', '2');
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain("<level> must be a number from 0 up to 1 (0.3 is the default priority), got '2'");
});

test('priority-freeze shows, sets and lifts the freeze', async () => {
  expect((await griddle('priority-freeze')).stdout).toContain('No priority freeze');
  const set = await griddle('priority-freeze', '0.5', '--kill-tasks', '-m', 'capacity');
  expect(set.code).toBe(0);
  expect(set.stdout).toContain('Priority freeze at 0.5: requests with a lower taskPriorityLevel get no new tasks and their tasks are killed');
  expect((await griddle('priority-freeze')).stdout).toMatch(/Priority freeze at 0\.5, killing tasks since .*: capacity/);
  expect((await griddle('priority-freeze', '--clear')).code).toBe(0);
  expect(h.scheduler.priorityFreeze).toBeNull();
  expect((await griddle('priority-freeze', '0')).code).toBe(2);
});

test('webhook add, webhooks, webhook delete (by URL; an ambiguous URL must be named by id)', async () => {
  const uri = 'http://127.0.0.1:9/hooks';
  expect((await griddle('webhook', 'add', uri, '--type', 'DEPLOY')).stdout).toContain(`CREATED: webhook DEPLOY-${encodeURIComponent(uri)}`);
  expect((await griddle('webhook', 'add', uri, '--type', 'DEPLOY')).stdout).toContain('EXISTED');
  expect((await griddle('webhook', 'add', uri, '--type', 'TASK')).code).toBe(0);
  const list = await griddle('webhooks');
  expect(list.stdout).toMatch(/^ID +TYPE +QUEUED +FAILURES +DELIVERED +LAST ERROR$/m);
  expect(list.stdout).toContain(`DEPLOY-${encodeURIComponent(uri)}`);
  const ambiguous = await griddle('webhook', 'delete', uri);
  expect(ambiguous.code).toBe(2);
  expect(ambiguous.stderr).toContain(`${uri} is registered for`);
  const byId = await griddle('webhook', 'delete', `TASK-${encodeURIComponent(uri)}`);
  expect(byId.stdout).toContain('DELETED');
  expect((await griddle('webhook', 'delete', uri)).code).toBe(0);
  expect(arr((await call(h, 'GET', '/api/webhooks')).json)).toHaveLength(0);
  expect((await griddle('webhook', 'add', uri, '--type', 'BUILD')).code).toBe(2);
});

test('agents, racks, and freeze/activate of an agent by host and of a rack', async () => {
  await until(async () => arr((await call(h, 'GET', '/api/agents')).json).length > 0, 'an agent recorded', 10_000);
  const agents = await griddle('agents');
  expect(agents.stdout).toMatch(/^AGENT +HOST +RACK +STATE/m);
  expect(agents.stdout).toMatch(/agent-1 +127\.0\.0\.1 +DEFAULT +ACTIVE/);
  expect((await griddle('agent', 'freeze', '127.0.0.1', '-m', 'kernel update')).stdout).toContain('freeze: agent agent-1 (127.0.0.1)');
  expect(obj(obj((await call(h, 'GET', '/api/agents/agent/agent-1/details')).json).currentState)).toMatchObject({ state: 'FROZEN', message: 'kernel update' });
  expect((await griddle('agent', 'freeze', 'agent-1')).code).toBe(1); // 409: already FROZEN
  expect((await griddle('agent', 'activate', 'agent-1')).code).toBe(0);
  expect((await griddle('agent', 'freeze', 'nowhere')).stderr).toContain('no agent with id or host nowhere');
  expect((await griddle('racks')).stdout).toMatch(/^DEFAULT +1 +ACTIVE/m);
  expect((await griddle('rack', 'freeze', 'DEFAULT')).code).toBe(0);
  expect(obj(arr((await call(h, 'GET', '/api/racks')).json).find((r) => r.id === 'DEFAULT')?.currentState).state).toBe('FROZEN');
  expect((await griddle('rack', 'activate', 'DEFAULT')).code).toBe(0);
});

test('command and priority stop with 409 while RUN_SHELL_COMMAND or PRIORITY_REQUEST is disabled', async () => {
  for (const action of ['RUN_SHELL_COMMAND', 'PRIORITY_REQUEST']) {
    expect((await call(h, 'POST', `/api/disasters/disabled-actions/${action}`, { message: `${action} off for the incident` })).status).toBe(204);
  }
  try {
    const command = await svc('command', 'greet');
    expect(command.code).toBe(1);
    expect(command.stderr).toContain('RUN_SHELL_COMMAND off for the incident');
    const prio = await svc('priority', '0.5');
    expect(prio.code).toBe(1);
    expect(prio.stderr).toContain('PRIORITY_REQUEST off for the incident');
  } finally {
    for (const action of ['RUN_SHELL_COMMAND', 'PRIORITY_REQUEST']) await call(h, 'DELETE', `/api/disasters/disabled-actions/${action}`);
  }
});

test('command: a name off the allow-list is a usage error; an undeliverable run is reported FAILED with exit 1', async () => {
  const off = await svc('command', 'rm');
  expect(off.code).toBe(2);
  expect(off.stderr).toContain("shell command 'rm' is not allowed");
  const run = await svc('command', 'greet', '-o', 'loud');
  expect(run.code).toBe(1);
  expect(run.stderr).toMatch(/✘ greet FAILED after \d+s: /);
});
