/**
 * The web console in a real browser (Debian's chromium through playwright-core) against the
 * real stack: mesos-local with the process containerizer, the real executor, Docker, and
 * griddle-scheduler with API tokens on. One stack and one browser for the whole file.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, screenshot, seriousViolations } from '../support/browser';
import { startE2eStack, type E2eStack } from '../support/e2e-stack';
import { ensureConsoleBuilt, REPO_ROOT, until } from '../support/kit';
import { runGriddle } from '../support/run-griddle';
import { TcpProxy } from '../support/tcp-proxy';

jest.setTimeout(600_000);

const DEPLOY_TOKEN = 'console-deploy-token-0123456789';
const READ_TOKEN = 'console-read-token-0123456789ab';
const DEMO = 'dev_demo_http';
const FAILING = `console_fail_${process.pid}`;
const TICKER = `console_tick_${process.pid}`;
const HUGE = `console_huge_${process.pid}`;
const STEP_MS = 180_000;

type Json = Record<string, unknown>;
let stack: E2eStack;
let browser: Browser;
let page: Page;
let work: string;
/** The browser reaches the scheduler through this proxy, so a test can cut its connections. */
let proxy: TcpProxy;
let ui: string;

async function call(method: string, p: string, body?: unknown): Promise<{ status: number; json: Json }> {
  const headers: Record<string, string> = { authorization: `Bearer ${DEPLOY_TOKEN}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${stack.api}/api${p}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, json: (text ? JSON.parse(text) : {}) as Json };
}

const griddle = (args: string[]) => runGriddle(args, { GRIDDLE_URL: stack.api, GRIDDLE_TOKEN: DEPLOY_TOKEN, GRIDDLE_CONFIG_REPOSITORY: path.join(REPO_ROOT, 'deploy-specs') });

/** Text of the page's main region, polled until `test` accepts it. */
async function mainText(test: (text: string) => boolean, what: string, timeoutMs = STEP_MS): Promise<string> {
  return until(async () => {
    const text = await page.locator('main').innerText();
    return test(text) ? text : undefined;
  }, what, timeoutMs, { intervalMs: 250 });
}

async function login(token: string): Promise<void> {
  await page.goto(`${ui}/ui/login`);
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('heading', { name: 'Overview' }).waitFor();
}

/** Every serious or critical axe-core violation on this page, and its screenshot as an artifact. */
async function audit(name: string): Promise<void> {
  await screenshot(page, name);
  expect({ page: name, violations: await seriousViolations(page) }).toEqual({ page: name, violations: [] });
}

beforeAll(async () => {
  ensureConsoleBuilt();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'griddle-console-e2e-'));
  const tokens = path.join(work, 'tokens');
  fs.writeFileSync(tokens, `${DEPLOY_TOKEN} deploy console-ops\n${READ_TOKEN} read console-viewer\n`);
  const commands = path.join(work, 'commands.yaml');
  fs.writeFileSync(commands, 'greet:\n  command: [echo, hello from]\n  options: { console: [the console] }\n');
  stack = await startE2eStack({ agents: 3, scheduler: { apiTokensFile: tokens, shellCommandsFile: commands } });
  proxy = await TcpProxy.start(Number(new URL(stack.api).port));
  ui = `http://127.0.0.1:${proxy.port}`;
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await proxy?.close();
  for (const id of [FAILING, TICKER]) {
    const left = execFileSync('docker', ['ps', '-aq', '--filter', `label=griddle.request_id=${id}`]).toString().trim();
    if (left) execFileSync('docker', ['rm', '-f', ...left.split('\n')]);
  }
  await stack?.stop(DEMO);
  fs.rmSync(work, { recursive: true, force: true });
}, 180_000);

test('/ redirects to the console, and a CLI release appears healthy in an open overview without a reload', async () => {
  const root = await fetch(`${stack.api}/`, { redirect: 'manual' });
  expect(root.status).toBe(302);
  expect(root.headers.get('location')).toBe('/ui/');
  await page.goto(`${ui}/`);
  await page.getByRole('heading', { name: 'Overview' }).waitFor();
  await page.locator('[data-stream="live"]').waitFor();
  // A marker that a reload would wipe.
  await page.evaluate('window.__sameDocument = true');
  const release = await griddle(['release', 'demo-http', '-e', 'dev', '-t', '1']);
  expect(release.stdout + release.stderr).toMatch(/succeeded/);
  expect(release.code).toBe(0);
  await mainText((t) => t.includes(DEMO) && /3 \/ 3 \/ 3/.test(t), `${DEMO} with 3 of 3 healthy on the overview`);
  expect(await page.evaluate('window.__sameDocument === true')).toBe(true);
  expect(await page.locator('main').innerText()).toMatch(/✓ succeeded/);
  await audit('overview');
});

test('token login: a read token sees no write buttons, a deploy token does', async () => {
  await login(READ_TOKEN);
  expect(await page.locator('header').innerText()).toContain('console-viewer (read)');
  await page.getByRole('link', { name: DEMO }).click();
  await mainText((t) => t.includes('Active tasks (3)'), 'the request page with 3 active tasks');
  expect(await page.getByRole('button', { name: /^(Scale|Pause|Bounce|Roll back|Delete request|Kill|Set priority)$/ }).count()).toBe(0);
  expect(await page.locator('main').innerText()).toMatch(/Priority\s+0\.3 \(default\)/);
  await page.goto(`${ui}/ui/agents`);
  await page.locator('main tbody tr[data-agent]').first().waitFor();
  expect(await page.getByRole('button', { name: /^(Freeze|Decommission|Activate)$/ }).count()).toBe(0);
  await login(DEPLOY_TOKEN);
  await page.goto(`${ui}/ui/requests/${DEMO}`);
  await page.getByRole('button', { name: 'Scale' }).waitFor();
  expect(await page.getByRole('button', { name: 'Kill' }).count()).toBe(3);
  await audit('request');
  await page.goto(`${ui}/ui/login`);
  await audit('login');
});

test('scale down and roll back from the console; the API agrees', async () => {
  await page.goto(`${ui}/ui/requests/${DEMO}`);
  await page.getByLabel('Instances').fill('2');
  await page.getByRole('button', { name: 'Scale' }).click();
  const dialog = page.getByRole('dialog');
  expect(await dialog.innerText()).toMatch(/from 3 to 2 instances/);
  await dialog.getByRole('button', { name: 'Scale' }).click();
  await until(async () => (await call('GET', `/requests/request/${DEMO}`)).json.request, 'the request', 10_000);
  await until(async () => ((await call('GET', `/requests/request/${DEMO}`)).json.request as Json).instances === 2, 'instances 2 through the API', 30_000, { intervalMs: 250 });
  await mainText((t) => t.includes('Active tasks (2)'), 'two active tasks on the page');

  const v2 = await griddle(['release', 'demo-http', '-e', 'dev', '-t', '2']);
  expect(v2.code).toBe(0);
  await mainText((t) => t.includes('griddle/demo-http:2') && !t.includes('Pending deploy'), 'deploy 2 active on the page');
  const before = (await call('GET', `/requests/request/${DEMO}`)).json;
  const firstDeploy = ((await call('GET', `/history/request/${DEMO}/deploys`)).json as unknown as { deploy: { id: string; containerInfo: { docker: { image: string } } } }[])
    .find((d) => d.deploy.containerInfo.docker.image === 'griddle/demo-http:1')?.deploy.id;
  expect(firstDeploy).toBeDefined();
  await page.getByLabel('Roll back to').selectOption(firstDeploy ?? '');
  await page.getByRole('button', { name: 'Roll back' }).click();
  expect(await page.getByRole('dialog').innerText()).toContain(`from deploy ${firstDeploy}`);
  await page.getByRole('dialog').getByRole('button', { name: 'Roll back' }).click();
  const after = await until(async () => {
    const parent = (await call('GET', `/requests/request/${DEMO}`)).json;
    const active = parent.activeDeploy as { id: string; containerInfo: { docker: { image: string } } } | undefined;
    return active && active.id !== (before.activeDeploy as { id: string }).id && !parent.pendingDeploy ? active : undefined;
  }, 'the rollback deploy active through the API', STEP_MS, { intervalMs: 500 });
  expect(after.containerInfo.docker.image).toBe('griddle/demo-http:1');
  const history = (await call('GET', `/history/request/${DEMO}/deploy/${after.id}`)).json;
  expect(history.rollbackOf).toBe(firstDeploy);
  const instances = ((await call('GET', `/requests/request/${DEMO}`)).json.request as Json).instances;
  await mainText((t) => t.includes(`Active tasks (${String(instances)})`) && t.includes(after.id), 'the rollback on the page');
});

test('keyboard: the skip link leads to the content, and Escape cancels a destructive action', async () => {
  await page.goto(`${ui}/ui/requests/${DEMO}`);
  await page.getByRole('button', { name: 'Pause' }).waitFor();
  await page.keyboard.press('Tab');
  expect(await page.evaluate('document.activeElement.textContent')).toBe('Skip to content');
  await page.keyboard.press('Enter');
  expect(await page.evaluate('document.activeElement.id')).toBe('main');
  await page.getByRole('button', { name: 'Pause' }).focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog');
  expect(await dialog.innerText()).toMatch(/every task of it is killed/);
  expect(await page.evaluate('document.activeElement.textContent')).toBe('Cancel');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
  // The refusal is ordered before this read: nothing was sent, so the request is still active.
  expect((await call('GET', `/requests/request/${DEMO}`)).json.state).toBe('ACTIVE');
});

test('the stream indicator shows an outage, and the page catches up once the stream is back', async () => {
  await page.goto(`${ui}/ui/`);
  await page.locator('[data-stream="live"]').waitFor();
  await page.evaluate('window.__sameDocument = true');
  proxy.cutOff();
  await page.locator('[data-stream="down"]').waitFor({ timeout: 60_000 });
  expect(await page.locator('header').innerText()).toMatch(/Stream down, reconnecting/);
  expect((await call('PUT', `/requests/request/${DEMO}/scale`, { instances: 2 })).status).toBe(200);
  proxy.restore();
  await page.locator('[data-stream="live"]').waitFor({ timeout: 60_000 });
  await mainText((t) => new RegExp(`${DEMO}\\s+service\\s+active\\s+\\d+ / \\d+ / 2`).test(t), 'desired 2 on the overview after the outage');
  expect(await page.evaluate('window.__sameDocument === true')).toBe(true);
});

test('a failing deploy shows its reason, and its failed task shows the log tail', async () => {
  expect((await call('POST', '/requests', { id: FAILING, requestType: 'SERVICE', instances: 1 })).status).toBe(200);
  const deploy = {
    requestId: FAILING, id: 'broken', command: 'echo starting the broken build; echo "fatal: no database configured" >&2; exit 3',
    resources: { cpus: 0.1, memoryMb: 32, numPorts: 1 },
    containerInfo: { type: 'DOCKER', docker: { image: 'griddle/demo-http:1', network: 'BRIDGE', portMappings: [{ containerPort: 8080, hostPortType: 'FROM_OFFER', hostPort: 0 }] } },
    healthcheck: { uri: '/health', portIndex: 0, startupTimeoutSeconds: 5, intervalSeconds: 1, maxRetries: 1 },
    deployHealthTimeoutSeconds: 60,
  };
  await page.goto(`${ui}/ui/requests/${FAILING}`);
  await page.getByRole('heading', { name: FAILING }).waitFor();
  expect((await call('POST', '/deploys', { deploy })).status).toBe(200);
  const text = await mainText((t) => /✗ failed/.test(t), 'the deploy FAILED on the request page');
  // The reason, with the container's last output that the executor put into TASK_FAILED.
  expect(text).toMatch(/task failed on startup: .*exited with code 3; last output: .*fatal: no database configured/);
  await screenshot(page, 'request-failed-deploy');
  await page.locator('.failures a').first().click();
  await page.getByRole('heading', { name: 'Status timeline' }).waitFor();
  await until(async () => /fatal: no database configured/.test(await page.locator('[data-log="stderr"]').innerText()), 'the stderr tail on the task page', 60_000, { intervalMs: 500 });
  expect(await page.locator('main').innerText()).toMatch(/failed/);
  await audit('task-failed');
});

test('a task page follows its stdout live', async () => {
  expect((await call('POST', '/requests', { id: TICKER, requestType: 'WORKER', instances: 1 })).status).toBe(200);
  expect((await call('POST', '/deploys', {
    deploy: {
      requestId: TICKER, id: 'tick', command: 'i=0; while true; do echo "tick $i"; i=$((i+1)); sleep 1; done',
      resources: { cpus: 0.1, memoryMb: 32 }, containerInfo: { type: 'DOCKER', docker: { image: 'griddle/busybox:latest' } },
    },
  })).status).toBe(200);
  const taskId = await until(async () => {
    const res = await call('GET', `/slim/tasks?requestId=${TICKER}`);
    const items = res.json.items as { taskId: string; state: string }[];
    return items.find((t) => t.state === 'TASK_RUNNING')?.taskId;
  }, 'a running ticker task', STEP_MS, { intervalMs: 500 });
  await page.goto(`${ui}/ui/tasks/${taskId}`);
  const ticks = async (): Promise<number[]> => [...(await page.locator('[data-log="stdout"]').innerText()).matchAll(/tick (\d+)/g)].map((m) => Number(m[1]));
  const first = await until(async () => Math.max(-1, ...(await ticks())), 'a tick on the page', 60_000, { intervalMs: 250 });
  await page.evaluate('window.__sameDocument = true');
  await until(async () => Math.max(-1, ...(await ticks())) >= first + 2, 'two more ticks without a reload', 60_000, { intervalMs: 250 });
  expect(await page.evaluate('window.__sameDocument === true')).toBe(true);
  await audit('task');
  // An allow-listed command run from the page: its progress and its output.
  await page.getByRole('textbox', { name: 'Command', exact: true }).fill('greet');
  await page.getByLabel('Options').fill('console');
  await page.getByRole('button', { name: 'Run command' }).click();
  const output = page.locator('[data-log="command"]');
  await output.waitFor({ timeout: 60_000 });
  expect(await output.innerText()).toMatch(/^hello from the console\s*$/);
  expect(await page.locator('[data-command-run]').innerText()).toMatch(/greet: acked → started → finished/);
  await audit('task-command');
});

test('agents, discovery and events pages list what the cluster has, and pass axe', async () => {
  await page.getByRole('link', { name: 'Agents' }).click();
  await mainText((t) => (t.match(/cpus|CPUs/g) ?? []).length > 0 && /\d+ \/ \d+/.test(t), 'the agents table');
  expect((await page.locator('main tbody tr[data-agent]').count())).toBe(3);
  await audit('agents');
  await page.getByRole('link', { name: 'Discovery' }).click();
  await mainText((t) => t.includes('alive') && t.includes(TICKER), 'an alive ticker instance in discovery');
  await audit('discovery');
  const ticker = page.getByRole('region', { name: `${TICKER} instances (scrollable)` });
  await ticker.getByRole('button', { name: 'Drain' }).click();
  expect(await page.getByRole('dialog').innerText()).toMatch(/load balancers stop sending it new connections/);
  await page.getByRole('dialog').getByRole('button', { name: 'Drain' }).click();
  await until(async () => /draining/.test(await ticker.innerText()), 'the ticker instance draining', 30_000, { intervalMs: 250 });
  await page.getByRole('link', { name: 'Events' }).click();
  await page.getByRole('heading', { name: 'Events' }).waitFor();
  await call('PUT', `/requests/request/${DEMO}/scale`, { instances: 3 });
  await mainText((t) => t.includes(DEMO) && /updated/.test(t), 'the scale event on the events page');
  await audit('events');
  await page.goBack();
  await page.getByRole('heading', { name: 'Discovery' }).waitFor();
});

test('the overview puts an under-provisioned request first with the reason its task waits, and passes axe in the dark theme too', async () => {
  await page.goto(`${ui}/ui/`);
  await mainText((t) => t.includes(DEMO) && t.includes(FAILING) && t.includes(TICKER), 'the requests so far on the overview');
  // No agent has 64 CPUs: the task stays pending, and the scheduler says why. The deploy's
  // health deadline is an hour so it cannot end OVERDUE (and stop being wanted) mid-test.
  expect((await call('POST', '/requests', { id: HUGE, requestType: 'WORKER', instances: 1 })).status).toBe(200);
  expect((await call('POST', '/deploys', {
    deploy: { requestId: HUGE, id: 'huge', command: 'sleep 1000', deployHealthTimeoutSeconds: 3600, resources: { cpus: 64, memoryMb: 32 }, containerInfo: { type: 'DOCKER', docker: { image: 'griddle/busybox:latest' } } },
  })).status).toBe(200);
  const row = async (): Promise<Json | undefined> => ((await call('GET', `/slim/requests?q=${HUGE}`)).json.items as Json[])[0];
  const hugeRow = page.locator('main tbody tr', { has: page.getByRole('link', { name: HUGE, exact: true }) });
  let seen = '';
  let reasons: string[] = [];
  // The page shows the request as under-provisioned with a reason the scheduler reports for it.
  await until(async () => {
    reasons = ((await row())?.pendingReasons as string[] | undefined) ?? [];
    seen = (await hugeRow.count()) ? await hugeRow.innerText() : '(no row)';
    return /0 \/ 0 \/ 1 ⚠ under-provisioned/.test(seen) && reasons.some((r) => seen.includes(r));
  }, () => `the huge request under-provisioned with a pending reason on the page (row: ${seen}; API reasons: ${JSON.stringify(reasons)})`, 60_000, { intervalMs: 250 });
  const text = await page.locator('main').innerText();
  const rows = await page.locator('main tbody tr').allInnerTexts();
  expect(rows[0]).toContain(HUGE);
  expect(rows[0]).toMatch(/0 \/ 0 \/ 1 ⚠ under-provisioned/);
  expect(text).toContain(FAILING);
  await audit('overview-requests');
  await page.emulateMedia({ colorScheme: 'dark' });
  await audit('overview-dark');
  await page.emulateMedia({ colorScheme: 'light' });
  // Request groups (issue 13) filter the table.
  expect((await call('POST', '/groups', { id: 'console-group', requestIds: [TICKER, FAILING] })).status).toBe(200);
  await page.goto(`${ui}/ui/`);
  await page.getByLabel('Group').selectOption('console-group');
  await until(async () => (await page.locator('main tbody tr').count()) === 2, 'two rows in the group', 30_000, { intervalMs: 250 });
  expect((await page.locator('main tbody tr').allInnerTexts()).map((t) => t.split(/\s/)[0]).sort()).toEqual([FAILING, TICKER].sort());
});

test('a scale for an hour from the request page shows what reverts when; cancelling the expiry keeps the scale, and the API agrees', async () => {
  const before = ((await call('GET', `/requests/request/${DEMO}`)).json.request as Json).instances as number;
  expect(before).toBeGreaterThan(1);
  await page.goto(`${ui}/ui/requests/${DEMO}`);
  await page.getByLabel('Instances').fill('1');
  await page.getByLabel('Scale or pause for (optional)').fill('1h');
  await page.getByRole('button', { name: 'Scale', exact: true }).click();
  const dialog = page.getByRole('dialog');
  expect(await dialog.innerText()).toMatch(new RegExp(`from ${before} to 1 instances for 1h \\(then it reverts by itself\\)`));
  await dialog.getByRole('button', { name: 'Scale', exact: true }).click();
  const expiring = await until(async () => (await call('GET', `/requests/request/${DEMO}`)).json.expiringScale as Json | undefined, 'an expiring scale through the API', 30_000, { intervalMs: 250 });
  expect(expiring).toMatchObject({ revertToInstances: before, expiringAPIRequestObject: { instances: 1, durationMillis: 3_600_000 } });
  const row = page.locator('[data-expiring] tr[data-kind="scale"]');
  await until(async () => ((await row.count()) ? await row.innerText() : '').includes(`back to ${before} instances`), 'the expiring scale on the page', 30_000, { intervalMs: 250 });
  expect(await row.innerText()).toContain('scaled to 1');
  await audit('request-expiring');
  await row.getByRole('button', { name: 'Cancel scale expiry' }).click();
  expect(await page.getByRole('dialog').innerText()).toMatch(/nothing reverts/);
  await page.getByRole('dialog').getByRole('button', { name: 'Cancel scale expiry' }).click();
  await until(async () => (await call('GET', `/requests/request/${DEMO}`)).json.expiringScale === undefined, 'the expiry gone through the API', 30_000, { intervalMs: 250 });
  expect(((await call('GET', `/requests/request/${DEMO}`)).json.request as Json).instances).toBe(1);
  await row.waitFor({ state: 'detached' });
});

test('add a webhook on the Webhooks page, see its failing delivery, and delete it; the API agrees', async () => {
  // Nothing listens on port 9: each POST fails, so the page has a queue and an error to show.
  const uri = `http://127.0.0.1:9/console-${process.pid}`;
  await page.getByRole('link', { name: 'Webhooks' }).click();
  await page.getByRole('heading', { name: 'Webhooks' }).waitFor();
  await page.getByLabel('URL').fill(uri);
  await page.getByLabel('Type').selectOption('REQUEST');
  await page.getByRole('button', { name: 'Add webhook' }).click();
  const listed = async (): Promise<{ id: string; uri: string; type: string } | undefined> => ((await call('GET', '/webhooks')).json as unknown as { id: string; uri: string; type: string }[]).find((w) => w.uri === uri);
  const hook = await until(listed, 'the webhook through the API', 30_000, { intervalMs: 250 });
  expect(hook.type).toBe('REQUEST');
  expect((await call('PUT', `/requests/request/${DEMO}/scale`, { instances: 2 })).status).toBe(200);
  const row = page.locator(`tr[data-webhook="${hook.id}"]`);
  await until(async () => /✗ failing/.test((await row.count()) ? await row.innerText() : ''), 'the failing delivery on the page', 60_000, { intervalMs: 250 });
  await audit('webhooks');
  await row.getByRole('button', { name: 'Delete' }).click();
  expect(await page.getByRole('dialog').innerText()).toContain(uri);
  await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
  await until(async () => (await listed()) === undefined, 'the webhook gone through the API', 30_000, { intervalMs: 250 });
  await row.waitFor({ state: 'detached' });
});

// Last: its replacements move tasks around, so nothing after it depends on placement.
test('decommission an agent for a while from the Agents page, then activate it; the API agrees at each step', async () => {
  await page.goto(`${ui}/ui/agents`);
  const first = page.locator('main tbody tr[data-agent]').first();
  await first.waitFor();
  const agentId = await first.getAttribute('data-agent') ?? '';
  const row = page.locator(`main tbody tr[data-agent="${agentId}"]`);
  const stateOf = async (): Promise<string | undefined> => ((await call('GET', '/agents')).json as unknown as { id: string; currentState: { state: string } }[])
    .find((a) => a.id === agentId)?.currentState.state;
  expect(await stateOf()).toBe('ACTIVE');
  await page.getByLabel('Freeze, decommission or activate for (optional)').fill('2h');
  await row.getByRole('button', { name: 'Decommission' }).click();
  expect(await page.getByRole('dialog').innerText()).toMatch(/for 2h \(then it reverts by itself\): its tasks are replaced elsewhere/);
  await page.getByRole('dialog').getByRole('button', { name: 'Decommission' }).click();
  await until(async () => /DECOMMISSION/.test(await stateOf() ?? ''), 'the agent decommissioning through the API', 30_000, { intervalMs: 250 });
  const expiries = (await call('GET', '/agents/expiring')).json as unknown as { machineId: string; revertToState: string }[];
  expect(expiries.find((e) => e.machineId === agentId)?.revertToState).toBe('ACTIVE');
  await until(async () => /decommission.*until .*, then active/.test(await row.innerText()), 'the decommission and its expiry on the page', 30_000, { intervalMs: 250 });
  await audit('agents-decommission');
  await page.getByLabel('Freeze, decommission or activate for (optional)').fill('');
  await row.getByRole('button', { name: 'Activate' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Activate' }).click();
  await until(async () => (await stateOf()) === 'ACTIVE', 'the agent ACTIVE again through the API', 30_000, { intervalMs: 250 });
  // A change without a duration ends the expiry.
  expect(((await call('GET', '/agents/expiring')).json as unknown as { machineId: string }[]).some((e) => e.machineId === agentId)).toBe(false);
  await until(async () => /✓ active/.test(await row.innerText()), 'the agent active on the page', 30_000, { intervalMs: 250 });
});
