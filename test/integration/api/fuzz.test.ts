import { call, type Harness, healthyOf, settle, startHarness } from '../../support/api-harness';

/**
 * 1,000 generated malformed bodies, ids and query strings against every endpoint: each answer
 * is a 4xx, the server keeps answering, and the scheduler's state is exactly what it was.
 */

let seed = 20261121;
function rand(): number {
  // mulberry32: deterministic, so a failure reproduces.
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];

const BAD_IDS = [
  '..', '../etc', 'a/b', 'a b', 'x'.repeat(401), '%00', 'ü', 'a;rm -rf', '<script>', "'", '"', 'a\\b', '{}', '$(id)', '\t', '%2e%2e%2f', 'é'.repeat(3), '*', '~', 'a,b',
];
const UNKNOWN_IDS = ['nope', 'ghost_1', 'zzz-zzz', 'no_such_request'];
const NON_OBJECTS = ['[]', '[1,2]', '"text"', '42', 'true', 'null', '{"a":', '{bad json}', '\u0000', '{"a":1}}', 'ÿ'];

const validRequest = (): Record<string, unknown> => ({ id: 'fz2', requestType: 'SERVICE', instances: 2 });
const validDeploy = (): Record<string, unknown> => ({
  requestId: 'fz', id: `fz_${Math.floor(rand() * 1e6)}`, resources: { cpus: 0.1, memoryMb: 32, numPorts: 1 },
  containerInfo: { type: 'DOCKER', docker: { image: 'griddle/demo-http:1', portMappings: [{ containerPort: 8080, hostPortType: 'FROM_OFFER', hostPort: 0 }] } },
  healthcheck: { uri: '/health', portIndex: 0 },
});

/** Replaces one field (dotted path) with one of the values that field must refuse. */
function corrupt(obj: Record<string, unknown>, spec: Record<string, readonly unknown[]>): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(obj)) as Record<string, unknown>;
  const path = pick(Object.keys(spec)).split('.');
  let at: Record<string, unknown> = copy;
  for (const k of path.slice(0, -1)) at = at[k] as Record<string, unknown>;
  at[path[path.length - 1]] = pick(spec[path.join('.')]);
  return copy;
}

const NOT_STRING = [5, true, [], {}, [1], -1.5];
const NOT_INT = [-1, 1.5, 'three', true, [], {}, 1e12];
const NOT_BOOL = ['yes', 1, 0, [], {}, 'true'];
const BAD_ID_VALUES = [...NOT_STRING, '', 'a b', '../x', 'x'.repeat(101), 'ü'];

interface Case { method: string; path: string; body?: unknown; headers?: Record<string, string> }

function generate(n: number): Case[] {
  const cases: Case[] = [];
  const idEndpoints: ((id: string) => Case)[] = [
    (id) => ({ method: 'GET', path: `/api/requests/request/${id}` }),
    (id) => ({ method: 'DELETE', path: `/api/requests/request/${id}` }),
    (id) => ({ method: 'PUT', path: `/api/requests/request/${id}/scale`, body: { instances: 1 } }),
    (id) => ({ method: 'POST', path: `/api/requests/request/${id}/pause`, body: {} }),
    (id) => ({ method: 'POST', path: `/api/requests/request/${id}/unpause`, body: {} }),
    (id) => ({ method: 'POST', path: `/api/requests/request/${id}/bounce`, body: {} }),
    (id) => ({ method: 'POST', path: `/api/requests/request/${id}/rollback`, body: {} }),
    (id) => ({ method: 'POST', path: `/api/requests/request/${id}/run`, body: {} }),
    (id) => ({ method: 'DELETE', path: `/api/deploys/deploy/${id}/request/fz` }),
    (id) => ({ method: 'DELETE', path: `/api/deploys/deploy/v1/request/${id}` }),
    (id) => ({ method: 'GET', path: `/api/history/request/${id}/deploys` }),
    (id) => ({ method: 'GET', path: `/api/history/request/fz/deploy/${id}` }),
    (id) => ({ method: 'GET', path: `/api/history/request/${id}/tasks` }),
    (id) => ({ method: 'GET', path: `/api/history/task/${id}` }),
    (id) => ({ method: 'GET', path: `/api/tasks/task/${id}` }),
    (id) => ({ method: 'DELETE', path: `/api/tasks/task/${id}` }),
    (id) => ({ method: 'GET', path: `/api/sandbox/${id}/read?path=stdout` }),
  ];
  const bodyEndpoints: (() => Case)[] = [
    () => ({ method: 'POST', path: '/api/requests', body: corrupt(validRequest(), {
      id: BAD_ID_VALUES, requestType: ['NOPE', 5, [], 'service'], instances: NOT_INT, slavePlacement: ['ANY', 3, []], owners: ['me', 5, {}],
      requiredSlaveAttributes: [[], 'rack', { rack: 5 }], schedule: ['* * * * *', 5], numRetriesOnFailure: [1, -1],
    }) }),
    () => ({ method: 'POST', path: '/api/deploys', body: { deploy: corrupt(validDeploy(), {
      id: [...BAD_ID_VALUES, 'has-dash', 'x'.repeat(51)], requestId: BAD_ID_VALUES, resources: ['big', [], { cpus: 0, memoryMb: 1 }, { cpus: 'x', memoryMb: 1 }],
      containerInfo: ['docker', [], { type: 'DOCKER' }, { docker: { image: '' } }], healthcheck: [{ uri: '/h', portIndex: 5 }, { protocol: 'GOPHER' }, 'check', { portIndex: -1 }],
      env: [{ A: 1 }, [], 'A=1'], arguments: ['--x', [1], {}], deployInstanceCountPerStep: [0, -2, 1.5, 'all'], healthcheckPortIndex: [7, -1, 'zero'],
    }) } }),
    () => ({ method: 'POST', path: '/api/deploys', body: corrupt({ deploy: validDeploy(), unpauseOnSuccessfulDeploy: true, message: 'm' }, {
      unpauseOnSuccessfulDeploy: NOT_BOOL, message: NOT_STRING, updatedRequest: [{ id: 'other', requestType: 'SERVICE' }, 'x', [], { id: 'fz', requestType: 'NOPE' }],
    }) }),
    () => ({ method: 'PUT', path: '/api/requests/request/fz/scale', body: corrupt({ instances: 2 }, { instances: NOT_INT }) }),
    () => ({ method: 'POST', path: '/api/requests/request/fz/pause', body: corrupt({ killTasks: true }, { killTasks: NOT_BOOL, message: NOT_STRING }) }),
    () => ({ method: 'POST', path: '/api/requests/request/fz/bounce', body: corrupt({ incremental: true }, { incremental: NOT_BOOL, message: NOT_STRING }) }),
    () => ({ method: 'POST', path: '/api/requests/request/fz/rollback', body: corrupt({ deployId: 'v1' }, { deployId: [...BAD_ID_VALUES, 'has-dash'] }) }),
    () => ({ method: 'POST', path: '/api/deploys/update', body: corrupt({ requestId: 'fz', deployId: 'v1', targetActiveInstances: 1 }, { requestId: BAD_ID_VALUES, deployId: BAD_ID_VALUES, targetActiveInstances: [0, ...NOT_INT] }) }),
    () => ({ method: 'DELETE', path: `/api/tasks/task/${pick(UNKNOWN_IDS)}-v1-1-1-h`, body: corrupt({ message: 'x' }, { message: NOT_STRING }) }),
  ];
  const rawBodyPaths = ['/api/requests', '/api/deploys', '/api/requests/request/fz/scale', '/api/requests/request/fz/pause', '/api/requests/request/fz/bounce', '/api/deploys/update'];
  const queryCases: (() => Case)[] = [
    () => ({ method: 'GET', path: `/api/history/request/fz/deploys?count=${encodeURIComponent(String(pick(['-1', '0', 'abc', '1e3', '99999999999', '1.5', ''])))}` }),
    () => ({ method: 'GET', path: `/api/history/request/fz/tasks?page=${pick(['0', '-3', 'x', '1&page=2'])}` }),
    () => ({ method: 'GET', path: `/api/history/request/fz/tasks?deployId=${encodeURIComponent(pick(BAD_IDS))}` }),
    () => ({ method: 'GET', path: `/api/sandbox/fz-v1-1-1-h/read?path=${encodeURIComponent(pick(['../../etc/passwd', '/etc/passwd', '', 'a b', 'x'.repeat(1001), '..']))}` }),
    () => ({ method: 'GET', path: `/api/sandbox/fz-v1-1-1-h/read?path=stdout&offset=${pick(['-1', 'x', '1.5', '9999999999999'])}` }),
    () => ({ method: 'GET', path: `/api/events?requestId=${encodeURIComponent(pick(BAD_IDS))}` }),
    () => ({ method: 'GET', path: `/api/requests?includeFullRequestData=${pick(['maybe', '1', 'yes'])}` }),
  ];
  for (let i = 0; i < n; i++) {
    const kind = i % 4;
    if (kind === 0) {
      cases.push(pick(idEndpoints)(encodeURIComponent(rand() < 0.8 ? pick(BAD_IDS) : pick(UNKNOWN_IDS))));
    } else if (kind === 1) {
      cases.push(pick(bodyEndpoints)());
    } else if (kind === 2) {
      const path = pick(rawBodyPaths);
      const raw = rand() < 0.3 ? 'x'.repeat(1024 * 1024 + 10) : pick(NON_OBJECTS);
      cases.push({ method: path.endsWith('scale') ? 'PUT' : 'POST', path, body: raw === 'x'.repeat(1024 * 1024 + 10) ? JSON.stringify({ big: raw }) : raw, headers: { 'content-type': 'application/json' } });
    } else {
      cases.push(pick(queryCases)());
    }
  }
  return cases;
}

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

function snapshot(): string {
  return JSON.stringify({
    requests: [...h.scheduler.requests.entries()],
    deploys: [...h.scheduler.deploys.entries()],
    tasks: [...h.scheduler.tasks.values()].map((t) => [t.taskId, t.state, t.killRequestedAt]),
  });
}

test('1,000 malformed requests all get a 4xx and change nothing', async () => {
  expect((await call(h, 'POST', '/api/requests', { id: 'fz', requestType: 'SERVICE', instances: 2 })).status).toBe(200);
  expect((await call(h, 'POST', '/api/deploys', { deploy: { ...validDeploy(), id: 'v1' } })).status).toBe(200);
  expect(await h.sim.until(() => h.scheduler.deploys.get('fz/v1')?.result?.deployState === 'SUCCEEDED')).toBe(true);
  // Quiet first: both tasks healthy, and rounds played that would change anything still moving.
  expect(await h.sim.until(() => healthyOf(h, 'fz', 'v1') === 2)).toBe(true);
  settle(h);
  const before = snapshot();
  const cases = generate(1000);
  const failures: string[] = [];
  const unexplained: string[] = [];
  const statuses = new Map<number, number>();
  for (const c of cases) {
    const res = await call(h, c.method, c.path, c.body, c.headers);
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    const what = `${c.method} ${c.path.slice(0, 120)} ${JSON.stringify(c.body)?.slice(0, 900)} → ${res.status} ${res.text.slice(0, 200)}`;
    if (res.status < 400 || res.status >= 500) failures.push(what);
    // Every refusal says why, as JSON: { message }.
    const message = (res.json as { message?: unknown } | undefined)?.message;
    if (typeof message !== 'string' || message === '') unexplained.push(what);
  }
  expect(failures).toEqual([]);
  expect(unexplained).toEqual([]);
  expect(statuses.get(400)).toBeGreaterThan(300);
  expect(statuses.get(404)).toBeGreaterThan(10);
  expect(snapshot()).toBe(before);
  expect((await call(h, 'GET', '/api/requests')).status).toBe(200);
  expect((await call(h, 'GET', '/api/requests/request/fz')).status).toBe(200);
});
