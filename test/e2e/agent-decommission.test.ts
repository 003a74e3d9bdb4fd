/**
 * Agent maintenance end to end: mesos-local with two agents (process containerizer, the real
 * griddle-executor, griddle/demo-http containers). Three healthy instances on one agent; that
 * agent is decommissioned: replacements start on the other, the old ones are retired only as
 * replacements turn healthy, so three healthy instances are up at every sample, and the agent
 * ends DECOMMISSIONED and empty.
 */
import { startE2eStack, type E2eStack } from '../support/e2e-stack';
import { until } from '../support/kit';

jest.setTimeout(300_000);

type Json = Record<string, unknown>;
const REQUEST_ID = `e2e-decom_${process.pid}_${Date.now().toString(36)}`;
let stack: E2eStack | undefined;

const call = (method: string, p: string, body?: unknown): Promise<{ status: number; json: unknown }> => {
  if (!stack) throw new Error('the stack did not start');
  return stack.call(method, p, body);
};

const healthy = (tasks: Json[]): Json[] => tasks.filter((t) => t.state === 'TASK_RUNNING' && t.healthy === true && t.killRequestedAt === undefined);
const agentOf = (t: Json): string => (((t.mesosTask as Json).agentId ?? (t.mesosTask as Json).slaveId) as Json).value as string;
async function mine(): Promise<Json[]> {
  const all = (await call('GET', '/api/tasks/active')).json as Json[];
  return all.filter((t) => (t.taskId as Json).requestId === REQUEST_ID);
}

beforeAll(async () => {
  stack = await startE2eStack({ agents: 2 });
});

// stop() removes whatever containers of the request are left, so no scale-down is awaited here.
afterAll(() => stack?.stop(REQUEST_ID));

test('decommissioning an agent with 3 tasks keeps 3 healthy instances throughout and leaves it empty', async () => {
  const agents = await until(async () => {
    const list = (await call('GET', '/api/agents')).json as Json[];
    return list.length === 2 ? list : undefined;
  }, 'both agents in /api/agents', 30_000, { intervalMs: 200 });
  const [target, other] = agents.map((a) => a.id as string);
  // The other agent is frozen first so that all three instances land on the target.
  expect((await call('POST', `/api/agents/agent/${other}/freeze`, { message: 'e2e: pack the target' })).status).toBe(200);
  expect((await call('POST', `/api/agents/agent/${other}/freeze`, {})).status).toBe(409);

  // Short health-check intervals make replacements healthy quickly; the rule waits for them either way.
  const docker = { image: 'griddle/demo-http:1', network: 'BRIDGE', portMappings: [{ containerPort: 8080, hostPortType: 'FROM_OFFER', hostPort: 0 }] };
  const healthcheck = { uri: '/health', portIndex: 0, startupTimeoutSeconds: 5, intervalSeconds: 1, responseTimeoutSeconds: 1, maxRetries: 2 };
  for (const [path, body] of [
    ['/api/requests', { id: REQUEST_ID, requestType: 'SERVICE', instances: 3 }],
    ['/api/deploys', { deploy: { requestId: REQUEST_ID, id: '1', resources: { cpus: 0.1, memoryMb: 64, numPorts: 1 }, containerInfo: { type: 'DOCKER', docker }, healthcheck } }],
  ] as const) expect((await call('POST', path, body)).status).toBe(200);
  const before = await until(async () => {
    const h = healthy(await mine());
    return h.length === 3 ? h : undefined;
  }, '3 healthy instances', 150_000, { intervalMs: 250 });
  expect(new Set(before.map(agentOf))).toEqual(new Set([target]));

  expect((await call('POST', `/api/agents/agent/${other}/activate`, {})).status).toBe(200);
  expect((await call('POST', `/api/agents/agent/${target}/decommission`, { message: 'e2e: hardware swap' })).status).toBe(200);
  let lowest = 3;
  // Samples taken while tasks were still on the agent: the move itself was watched, not only its end.
  let samplesDuringMove = 0;
  await until(async () => {
    const tasks = await mine();
    lowest = Math.min(lowest, healthy(tasks).length);
    if (tasks.some((t) => agentOf(t) === target)) samplesDuringMove++;
    const state = ((await call('GET', `/api/agents/agent/${target}/details`)).json as Json).currentState as Json;
    return state.state === 'DECOMMISSIONED' && tasks.every((t) => agentOf(t) !== target) ? true : undefined;
  }, 'the agent DECOMMISSIONED and empty', 180_000, { intervalMs: 250 });
  expect(samplesDuringMove).toBeGreaterThan(0);
  expect(lowest).toBe(3);
  const after = healthy(await mine());
  expect(after).toHaveLength(3);
  expect(new Set(after.map(agentOf))).toEqual(new Set([other]));
  const history = (await call('GET', `/api/agents/agent/${target}`)).json as Json[];
  expect(history.map((h) => h.state)).toEqual(['DECOMMISSIONED', 'DECOMMISSIONING', 'STARTING_DECOMMISSION', 'ACTIVE']);
  expect(((await call('GET', '/api/agents?state=DECOMMISSIONED')).json as Json[]).map((a) => a.id)).toEqual([target]);
});
