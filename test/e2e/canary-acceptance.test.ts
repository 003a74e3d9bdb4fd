/**
 * Canary deploys and acceptance checks end to end: mesos-local (process containerizer) running
 * griddle-executor and griddle/demo-http containers, the scheduler pointed at a real Prometheus
 * (Debian's, installed by scripts/ensure-services.sh) that scrapes the tasks themselves.
 *
 * - 6 instances in groups of 2 whose tasks crash: the deploy stops after the first group, the
 *   old deploy keeps 6 healthy instances at every sample;
 * - an HTTP hook answering 500 fails the step, and the deploy is rolled back;
 * - a deploy whose tasks serve an error counter over the threshold is rolled back on the
 *   PromQL query; one whose tasks serve a clean counter passes.
 */
import { type AcceptanceHook, startAcceptanceHook } from '../support/acceptance-hook';
import { startE2eStack, type E2eStack } from '../support/e2e-stack';
import { until } from '../support/kit';
import { type TestPrometheus, startPrometheus } from '../support/prometheus-server';

jest.setTimeout(900_000);

type Json = Record<string, unknown>;
const tag = `${process.pid}_${Date.now().toString(36)}`;
const SIX = `e2e-canary_${tag}`;
const METERED = `e2e-metered_${tag}`;
// Each deploy of METERED publishes its counter on a host port of its own, so Prometheus can be
// configured with every target before the tasks exist.
const METRICS_PORT_OFFSET: Record<string, number> = { v1: 90, bad: 91, good: 92, hooked: 93 };
let stack: E2eStack | undefined;
let prom: TestPrometheus | undefined;
let hook: AcceptanceHook | undefined;

const call = (method: string, p: string, body?: unknown): Promise<{ status: number; json: unknown }> => {
  if (!stack) throw new Error('the stack did not start');
  return stack.call(method, p, body);
};

const healthcheck = { uri: '/health', portIndex: 0, startupTimeoutSeconds: 5, intervalSeconds: 1, responseTimeoutSeconds: 1, maxRetries: 2 };
function deploy(requestId: string, id: string, extra: Json = {}, mappings: Json[] = []): Json {
  return {
    requestId, id, resources: { cpus: 0.05, memoryMb: 32, numPorts: 1 }, healthcheck, deployHealthTimeoutSeconds: 120,
    containerInfo: { type: 'DOCKER', docker: { image: 'griddle/demo-http:1', network: 'BRIDGE', portMappings: [{ containerPort: 8080, hostPortType: 'FROM_OFFER', hostPort: 0 }, ...mappings] } },
    ...extra,
  };
}

/** A METERED deploy whose tasks serve `demo_errors_total{deploy=<id>} <errors>` on their admin port. */
function metered(id: string, errors: number, extra: Json = {}): Json {
  const metrics = `printf '# TYPE demo_errors_total counter\\ndemo_errors_total{deploy="${id}"} ${errors}\\n' > /www/metrics.txt && exec /bin/demo-http`;
  const port = (stack?.portBase ?? 0) + METRICS_PORT_OFFSET[id];
  return deploy(METERED, id, { command: metrics, shell: true, ...extra }, [{ containerPort: 8081, hostPortType: 'LITERAL', hostPort: port }]);
}

async function result(requestId: string, deployId: string): Promise<Json> {
  return until(async () => {
    const res = await call('GET', `/api/history/request/${requestId}/deploy/${deployId}`);
    return res.status === 200 ? ((res.json as Json).deployResult as Json | undefined) : undefined;
  }, `deploy ${deployId} of ${requestId} to end`, 300_000, { intervalMs: 250 });
}

async function tasksOf(requestId: string): Promise<Json[]> {
  return ((await call('GET', '/api/tasks/active')).json as Json[]).filter((t) => (t.taskId as Json).requestId === requestId);
}
const healthyOf = (tasks: Json[], deployId: string): number =>
  tasks.filter((t) => (t.taskId as Json).deployId === deployId && t.state === 'TASK_RUNNING' && t.healthy === true && t.killRequestedAt === undefined).length;
const activeDeployOf = async (requestId: string): Promise<string> => (((await call('GET', `/api/requests/request/${requestId}`)).json as Json).activeDeploy as Json).id as string;

beforeAll(async () => {
  const portBase = 21_000 + Math.floor(Math.random() * 90) * 100;
  prom = await startPrometheus(Object.values(METRICS_PORT_OFFSET).map((o) => `127.0.0.1:${portBase + o}`), { metricsPath: '/metrics.txt' });
  hook = await startAcceptanceHook();
  stack = await startE2eStack({ agents: 1, portBase, scheduler: { prometheusUrl: prom.url } });
});

afterAll(async () => {
  await stack?.stop(SIX, METERED);
  await hook?.close();
  await prom?.stop();
});

test('a canary of 6 instances in groups of 2 stops after the first group when its tasks fail', async () => {
  expect((await call('POST', '/api/requests', { id: SIX, requestType: 'SERVICE', instances: 6 })).status).toBe(200);
  expect((await call('POST', '/api/deploys', { deploy: deploy(SIX, 'v1') })).status).toBe(200);
  expect((await result(SIX, 'v1')).deployState).toBe('SUCCEEDED');

  const canary = { enableCanaryDeploy: true, instanceGroupSize: 2, canaryCycleCount: 3, allowedTasksFailuresPerGroup: 1 };
  const crashing = deploy(SIX, 'v2', { command: 'echo v2 crashing; exit 3', shell: true, canaryDeploySettings: canary });
  expect((await call('POST', '/api/deploys', { deploy: crashing })).status).toBe(200);
  let lowest = 6;
  const v2Tasks = new Set<string>();
  const end = await until(async () => {
    const tasks = await tasksOf(SIX);
    lowest = Math.min(lowest, healthyOf(tasks, 'v1'));
    for (const t of tasks) if ((t.taskId as Json).deployId === 'v2') v2Tasks.add((t.taskId as Json).id as string);
    const res = await call('GET', `/api/history/request/${SIX}/deploy/v2`);
    return res.status === 200 ? ((res.json as Json).deployResult as Json | undefined) : undefined;
  }, 'the canary to end', 300_000, { intervalMs: 250 });
  expect(end.deployState).toBe('FAILED');
  expect(String(end.message)).toMatch(/^step 1: [23] task\(s\) failed, more than allowedTasksFailuresPerGroup \(1\)/);
  expect(String(end.message)).toContain('v2 crashing');
  expect(lowest).toBe(6);
  // Only the first group was ever launched (active or finished): its 2 tasks and the 1 replacement it may have.
  const history = (await call('GET', `/api/history/request/${SIX}/tasks?deployId=v2`)).json as Json[];
  for (const t of history) v2Tasks.add((t.taskId as Json).id as string);
  expect(v2Tasks.size).toBeGreaterThan(0);
  expect(v2Tasks.size).toBeLessThanOrEqual(3);
  await until(async () => healthyOf(await tasksOf(SIX), 'v1') === 6 && (await tasksOf(SIX)).every((t) => (t.taskId as Json).deployId === 'v1'), 'only v1, 6 healthy', 120_000, { intervalMs: 250 });
  expect(await activeDeployOf(SIX)).toBe('v1');
});

test('an HTTP hook answering 500 fails the step; the deploy is rolled back', async () => {
  expect((await call('POST', '/api/requests', { id: METERED, requestType: 'SERVICE', instances: 1 })).status).toBe(200);
  expect((await call('POST', '/api/deploys', { deploy: metered('v1', 0) })).status).toBe(200);
  expect((await result(METERED, 'v1')).deployState).toBe('SUCCEEDED');

  const url = `${hook?.url}/status/500?deploy={{deployId}}`;
  expect((await call('POST', '/api/deploys', { deploy: metered('hooked', 0, { acceptanceChecks: [{ type: 'HTTP', url }] }) })).status).toBe(200);
  const end = await result(METERED, 'hooked');
  expect(end.deployState).toBe('FAILED');
  // The reason names the check as configured; the hook was asked with the deploy's id filled in.
  expect(String(end.message)).toContain(`step 1: acceptance check failed: HTTP ${hook?.url}/status/500?deploy={{deployId}}: answered 500: error budget spent`);
  expect(String(end.message)).toContain('rolled back: deploy v1 restored to 1 instances');
  expect(hook?.calls).toContain('/status/500?deploy=hooked');
  expect(await activeDeployOf(METERED)).toBe('v1');
});

const errorsCheck = { type: 'PROMETHEUS', query: 'demo_errors_total{deploy="{{deployId}}"}', comparison: '<', threshold: 1 };

test('Prometheus scraping the tasks: a deploy serving errors is rolled back on the query; a clean one passes', async () => {
  expect((await call('POST', '/api/deploys', { deploy: metered('bad', 42, { acceptanceChecks: [errorsCheck] }) })).status).toBe(200);
  const bad = await result(METERED, 'bad');
  expect(bad.deployState).toBe('FAILED');
  expect(String(bad.message)).toContain('acceptance check failed: PROMETHEUS demo_errors_total{deploy="{{deployId}}"} < 1:');
  expect(String(bad.message)).toContain('= 42, wanted < 1');
  await until(async () => (await tasksOf(METERED)).every((t) => (t.taskId as Json).deployId === 'v1') && healthyOf(await tasksOf(METERED), 'v1') === 1, 'v1 alone again', 120_000, { intervalMs: 250 });
  expect(await activeDeployOf(METERED)).toBe('v1');

  expect((await call('POST', '/api/deploys', { deploy: metered('good', 0, { acceptanceChecks: [errorsCheck] }) })).status).toBe(200);
  expect((await result(METERED, 'good')).deployState).toBe('SUCCEEDED');
  expect(await activeDeployOf(METERED)).toBe('good');
  // The verdict came from the tasks' own counter, scraped by Prometheus.
  // (over a window: the bad deploy's series went stale when its task was killed)
  const scraped = (await (await fetch(`${prom?.url}/api/v1/query?query=${encodeURIComponent('max_over_time(demo_errors_total[15m])')}`)).json()) as { data: { result: { metric: Json; value: [number, string] }[] } };
  expect(Object.fromEntries(scraped.data.result.map((r) => [r.metric.deploy, r.value[1]]))).toMatchObject({ bad: '42', good: '0' });
});
