/**
 * Sidecar's HTTP surface as its consumers use it, over real HTTP: the root routes beside /api,
 * CORS and preflight, the drain's JSON answer and bearer token, and the POST of
 * StateChangedEvents to listener URLs (retried through failures, never holding back the
 * catalog or another listener).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { parseTokens } from '../../../scheduler/api';
import { parseArgs } from '../../../scheduler/main';
import {
  Catalog, createDiscovery, startSidecarListener, type Discovery, type SidecarListener, type SidecarStateChangedEvent,
} from '../../../scheduler/discovery';
import { SchedulerDouble } from '../../unit/discovery/scheduler-double';
import { taskRecord } from '../../support/task-fixtures';
import { until } from '../../support/kit';

const log = pino({ level: 'silent' });
const DEPLOY_TOKEN = 'deploy-token-0123456789';
const READ_TOKEN = 'read-token-0123456789ab';

describe('Sidecar HTTP routes', () => {
  let catalog: Catalog;
  let sidecar: SidecarListener;
  let base: string;

  beforeEach(async () => {
    catalog = new Catalog();
    const tokens = parseTokens(`${DEPLOY_TOKEN} deploy ci\n${READ_TOKEN} read dash\n`);
    sidecar = await startSidecarListener({ catalog, port: 0, host: '127.0.0.1', clusterName: 'c', hostname: 'g1', tokens });
    base = `http://127.0.0.1:${sidecar.port}`;
    catalog.applyTask(taskRecord('t1', { state: 'TASK_RUNNING', healthy: true }));
  });

  afterEach(() => sidecar.close());

  it('serves /services.json, /state.json and /watch at the root as under /api', async () => {
    for (const file of ['services.json', 'state.json']) {
      const [root, api] = await Promise.all([fetch(`${base}/${file}`), fetch(`${base}/api/${file}`)]);
      expect(root.status).toBe(200);
      expect(await root.json()).toEqual(await api.json());
    }
    const watch = await fetch(`${base}/watch`);
    const reader = watch.body!.getReader();
    const first = JSON.parse(new TextDecoder().decode((await reader.read()).value)) as Record<string, unknown>;
    expect(Object.keys(first)).toEqual(['demo']);
    await reader.cancel();
    expect((await fetch(`${base}/services/demo.json`)).status).toBe(404); // only the three Sidecar serves at the root
  });

  it('answers CORS preflights and sets Access-Control-Allow-Origin on answers and errors', async () => {
    const preflight = await fetch(`${base}/api/services/t1/drain`, {
      method: 'OPTIONS', headers: { origin: 'http://dash', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' },
    });
    expect(preflight.status).toBe(200);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/authorization/i);
    expect((await fetch(`${base}/watch`, { method: 'OPTIONS' })).status).toBe(200);
    for (const url of [`${base}/api/state.json`, `${base}/services.json`, `${base}/api/services/nope.json`]) {
      expect((await fetch(url)).headers.get('access-control-allow-origin')).toBe('*');
    }
  });

  it('drains only with a deploy token, and answers in JSON', async () => {
    const drain = (token?: string): Promise<Response> => fetch(`${base}/api/services/t1/drain`, {
      method: 'POST', headers: token ? { authorization: `Bearer ${token}` } : {},
    });
    expect((await drain()).status).toBe(401);
    expect((await drain(READ_TOKEN)).status).toBe(403);
    expect(catalog.get('t1')?.status).toBe('ALIVE');
    const ok = await drain(DEPLOY_TOKEN);
    expect(ok.status).toBe(202);
    expect(ok.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await ok.json()).toEqual({ Message: 'Service "demo" instance "t1" set to DRAINING' });
    expect(catalog.get('t1')?.status).toBe('DRAINING');
    const missing = await fetch(`${base}/api/services/zzz/drain`, { method: 'POST', headers: { authorization: `Bearer ${DEPLOY_TOKEN}` } });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ status: 'error', message: 'Not Found - Service ID "zzz" not found' });
  });
});

/** A listener URL that fails its first `failFirst` POSTs with 503, or never answers when `hang`. */
async function listener(options: { failFirst?: number; hang?: boolean } = {}) {
  const events: SidecarStateChangedEvent[] = [];
  let posts = 0;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => { body += c.toString(); });
    req.on('end', () => {
      posts++;
      if (options.hang) return;
      if (posts <= (options.failFirst ?? 0)) return void res.writeHead(503).end();
      events.push(JSON.parse(body) as SidecarStateChangedEvent);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/update`,
    events,
    posts: () => posts,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

describe('pushing StateChangedEvents to listener URLs', () => {
  let discovery: Discovery | undefined;
  afterEach(() => discovery?.close());

  it('POSTs every change with the whole state, retrying a failing listener while a hung one waits', async () => {
    const flaky = await listener({ failFirst: 2 });
    const hung = await listener({ hang: true });
    const scheduler = new SchedulerDouble();
    discovery = await createDiscovery(scheduler, {
      sidecarPort: false, grpcPort: false, listeners: [hung.url, flaky.url], log, clusterName: 'c', hostname: 'g1',
      pushPolicy: { maxPending: 5, initialBackoffMs: 20, maxBackoffMs: 100, timeoutMs: 60_000 },
    });
    scheduler.update(taskRecord('t1', { state: 'TASK_RUNNING', healthy: true }));
    await until(() => flaky.events.length === 1, 'the first event after two 503s');
    expect(flaky.posts()).toBe(3);
    expect(flaky.events[0]).toMatchObject({
      ChangeEvent: { PreviousStatus: 3, Service: { ID: 't1', Name: 'demo', Status: 0 } },
      State: { ClusterName: 'c', Hostname: 'g1', Servers: { '127.0.0.1': { Services: { t1: { Status: 0 } } } } },
    });
    for (let i = 2; i <= 9; i++) scheduler.update(taskRecord(`t${i}`, { state: 'TASK_RUNNING', healthy: true }));
    await until(() => flaky.events.at(-1) && Object.keys(flaky.events.at(-1)!.State.Servers['127.0.0.1']!.Services).length === 9, 'the state with all 9');
    const stamps = flaky.events.map((e) => Date.parse(e.State.LastChanged));
    expect(stamps).toEqual([...stamps].sort((x, y) => x - y));
    expect(new Set(stamps).size).toBe(stamps.length);
    // The 8 changes arrived in one tick behind a POST in flight on both: each queue kept the
    // newest 5. The flaky listener still ended with the whole state; the hung one is still waiting.
    const [hungStats, flakyStats] = discovery.listenerStats();
    expect(flakyStats).toMatchObject({ failures: 2, dropped: 3, pending: 0 });
    expect(hungStats).toMatchObject({ delivered: 0, pending: 5, dropped: 3 });
    await discovery.close();
    discovery = undefined;
    await Promise.all([flaky.close(), hung.close()]);
  });

  it('takes listener URLs from repeated --discovery-listener flags or GRIDDLE_DISCOVERY_LISTENERS', () => {
    const argv = ['node', 'griddle-scheduler'];
    expect(parseArgs([...argv, '--discovery-listener', 'http://a:7778/update', '--discovery-listener', 'http://b/update']).discoveryListener)
      .toEqual(['http://a:7778/update', 'http://b/update']);
    process.env.GRIDDLE_DISCOVERY_LISTENERS = 'http://a/update,http://b/update';
    process.env.GRIDDLE_DISCOVERY_ADVERTISE_IP = 'agent-1=10.0.0.1,agent-2=10.0.0.2';
    try {
      const parsed = parseArgs(argv);
      expect(parsed.discoveryListener).toEqual(['http://a/update', 'http://b/update']);
      expect(parsed.discoveryAdvertiseIp).toEqual(['agent-1=10.0.0.1', 'agent-2=10.0.0.2']);
    } finally {
      delete process.env.GRIDDLE_DISCOVERY_LISTENERS;
      delete process.env.GRIDDLE_DISCOVERY_ADVERTISE_IP;
    }
  });
});
