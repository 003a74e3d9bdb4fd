import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { followEvents, type ApiEvent, type EventFollower } from '../../support/sse-client';
import { call, demoDeploy, deployAndWait, obj, serviceRequest, useHarness } from '../../support/api-harness';

/** The event stream (SSE) and the read endpoints: state, gzip, OpenAPI, metrics, sandbox. */

const h = useHarness();

describe('events (SSE)', () => {
  /** Opens the stream (resolved once subscribed); `events` settles when `until` holds or the server hangs up. */
  async function readEvents(path: string, headers: Record<string, string>, until: (events: ApiEvent[]) => boolean): Promise<{ events: Promise<ApiEvent[]> }> {
    let stream: EventFollower | undefined;
    const events = new Promise<ApiEvent[]>((resolve, reject) => {
      stream = followEvents(`${h.url}${path}`, {
        headers,
        onEvents: (received) => {
          if (!until(received)) return;
          stream?.stop();
          resolve(received);
        },
        onError: (err) => (err.message.includes('socket hang up') ? resolve(stream?.events ?? []) : reject(err)),
      });
    });
    await Promise.race([stream?.opened, events]);
    return { events };
  }

  it('shows a deploy story in order, filtered by ?requestId=, and resumes after Last-Event-ID', async () => {
    const story = await readEvents('/api/events?requestId=sse', {}, (ev) => ev.some((e) => e.event === 'deploy.finished'));
    await call(h, 'POST', '/api/requests', serviceRequest('sse', 1));
    await call(h, 'POST', '/api/deploys', { deploy: demoDeploy('sse', 'story1') });
    const events = await story.events;
    const types = events.map((e) => e.event);
    expect(events.every((e) => e.data.requestId === 'sse')).toBe(true);
    const order = ['request.created', 'deploy.started', 'deploy.step', 'task.status', 'deploy.step-complete', 'deploy.finished'];
    const positions = order.map((t) => types.indexOf(t));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(events.map((e) => e.id)).toEqual([...events.map((e) => e.id)].sort((a, b) => a - b));
    const firstId = events[0].id;
    const resumed = await (await readEvents('/api/events?requestId=sse', { 'Last-Event-ID': String(firstId) }, (ev) => ev.some((e) => e.event === 'deploy.finished'))).events;
    expect(resumed[0].id).toBeGreaterThan(firstId);
    expect(resumed.map((e) => e.id).slice(0, events.length - 1)).toEqual(events.slice(1).map((e) => e.id));
  });

  it('drops a consumer that does not read, and the scheduler carries on', async () => {
    await h.sim.until(() => h.router.hub.subscriberCount === 0);
    const before = h.router.hub.subscriberCount;
    const url = new URL(`${h.url}/api/events`);
    const req = http.get({ host: url.hostname, port: url.port, path: url.pathname });
    const res = await new Promise<http.IncomingMessage>((resolve) => req.on('response', resolve));
    res.pause();
    req.on('error', () => undefined);
    expect(h.router.hub.subscriberCount).toBe(before + 1);
    const big = 'x'.repeat(64 * 1024);
    for (let i = 0; i < 400 && h.router.hub.subscriberCount > before; i++) {
      h.router.hub.publish('test.noise', { big });
      await new Promise((r) => setImmediate(r));
    }
    expect(h.router.hub.subscriberCount).toBe(before);
    req.destroy();
    expect((await call(h, 'GET', '/api/requests')).status).toBe(200);
  });
});

describe('reads', () => {
  beforeAll(async () => {
    // A deploy that succeeds and one that fails, for the counts and metrics below.
    expect((await call(h, 'POST', '/api/requests', serviceRequest('web'))).status).toBe(200);
    expect((await deployAndWait(h, 'web', 'v1')).deployState).toBe('SUCCEEDED');
    h.sim.behaviour.set('v2bad', 'fail-health');
    expect((await deployAndWait(h, 'web', 'v2bad')).deployState).toBe('FAILED');
  });

  it('GET /api/state counts requests and tasks and names the leader', async () => {
    const state = obj((await call(h, 'GET', '/api/state')).json);
    expect(state.activeRequests).toBeGreaterThan(0);
    expect(typeof state.activeTasks).toBe('number');
    expect(obj(state.leader).isLeader).toBe(false);
    expect(Array.isArray(state.overProvisionedRequestIds)).toBe(true);
  });

  it('large lists are gzipped for clients that accept it, and identical once decompressed', async () => {
    await call(h, 'POST', '/api/requests', serviceRequest('many', 40));
    expect((await deployAndWait(h, 'many', 'm1', { healthcheck: undefined })).deployState).toBe('SUCCEEDED');
    const plain = await new Promise<{ encoding?: string; body: Buffer }>((resolve) => {
      http.get(`${h.url}/api/tasks/active`, { headers: { 'accept-encoding': 'identity' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ encoding: res.headers['content-encoding'], body: Buffer.concat(chunks) }));
      });
    });
    const zipped = await new Promise<{ encoding?: string; body: Buffer }>((resolve) => {
      http.get(`${h.url}/api/tasks/active`, { headers: { 'accept-encoding': 'gzip' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ encoding: res.headers['content-encoding'], body: Buffer.concat(chunks) }));
      });
    });
    expect(plain.encoding).toBeUndefined();
    expect(zipped.encoding).toBe('gzip');
    expect(zipped.body.length).toBeLessThan(plain.body.length / 5);
    expect(gunzipSync(zipped.body).equals(plain.body)).toBe(true);
    expect((JSON.parse(plain.body.toString()) as unknown[]).length).toBeGreaterThanOrEqual(40);
  });

  it('GET /api/openapi.json is generated from the validating schemas', async () => {
    const doc = obj((await call(h, 'GET', '/api/openapi.json')).json);
    expect(doc.openapi).toBe('3.1.0');
    const schemas = obj(obj(doc.components).schemas);
    const deployProps = obj(obj(schemas.SingularityDeploy).properties);
    expect(Object.keys(deployProps)).toEqual(expect.arrayContaining(['healthcheckUri', 'deployInstanceCountPerStep', 'containerInfo']));
    expect(Object.keys(obj(obj(schemas.SingularityRequest).properties))).toEqual(expect.arrayContaining(['slavePlacement', 'agentPlacement', 'requiredSlaveAttributes']));
    expect(Object.keys(obj(doc.paths))).toEqual(expect.arrayContaining(['/deploys', '/requests/request/{requestId}/rollback', '/events']));
    // The operations routes (docs/operations.md) are in it too, the expiry cancels with their actions.
    expect(Object.keys(obj(doc.paths))).toEqual(expect.arrayContaining(['/webhooks/summary', '/tasks/task/{taskId}/command', '/agents/agent/{agentId}/decommission', '/priority/freeze']));
    expect(Object.keys(obj(obj(doc.paths)['/requests/request/{requestId}/priority']))).toEqual(['put', 'delete']);
    expect(Object.keys(obj(obj(doc.paths)['/requests/request/{requestId}/scale']))).toEqual(['put', 'delete']);
  });

  it('GET /metrics has tasks by state, deploys by result, API latency and the leader gauge', async () => {
    // A status update stamped 1.5 s before it reached the scheduler, as the Mesos path reports it.
    const now = Date.now();
    h.scheduler.events.emit('status', { task_id: { value: 't' }, state: 'TASK_RUNNING', source: 'SOURCE_EXECUTOR', timestamp: now / 1000 - 1.5 }, now);
    const res = await fetch(`${h.url}/metrics`);
    const text = await res.text();
    expect(text).toMatch(/griddle_tasks\{state="TASK_RUNNING"\} \d+/);
    expect(text).toMatch(/griddle_deploys_total\{kind="deploy",result="FAILED"\} [1-9]/);
    expect(text).toMatch(/griddle_deploys_total\{kind="deploy",result="SUCCEEDED"\} [1-9]/);
    expect(text).toMatch(/griddle_api_request_duration_seconds_count\{method="POST",route="\/api\/deploys",status="200"\} [1-9]/);
    expect(text).toContain('griddle_leader 0');
    expect(text).toMatch(/griddle_task_launches_total [1-9]/);
    expect(text).toContain('griddle_status_update_lag_seconds_bucket{le="1",source="SOURCE_EXECUTOR"} 0');
    expect(text).toContain('griddle_status_update_lag_seconds_bucket{le="2",source="SOURCE_EXECUTOR"} 1');
  });

  it('GET /api/sandbox/{taskId}/read reads through the agent /state and /files/read', async () => {
    const task = [...h.scheduler.tasks.values()][0];
    const seen: string[] = [];
    const agent = http.createServer((req, res) => {
      seen.push(req.url ?? '');
      res.setHeader('content-type', 'application/json');
      if (req.url === '/state') {
        res.end(JSON.stringify({ frameworks: [{ executors: [{ id: task.taskId, directory: '/work/agents/a1/runs/latest', tasks: [{ id: task.taskId }] }] }] }));
      } else {
        res.end(JSON.stringify({ data: 'hello from stdout\n', offset: 0 }));
      }
    });
    await new Promise<void>((r) => agent.listen(0, '127.0.0.1', r));
    h.router.sandbox.setAgentUrl(task.agentId, `http://127.0.0.1:${(agent.address() as AddressInfo).port}`);
    const res = await call(h, 'GET', `/api/sandbox/${task.taskId}/read?path=stdout&length=50000&offset=0`);
    agent.close();
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ data: 'hello from stdout\n', offset: 0, nextOffset: 18 });
    expect(seen[1]).toBe(`/files/read?path=${encodeURIComponent('/work/agents/a1/runs/latest/stdout')}&offset=0&length=50000`);
  });
});
