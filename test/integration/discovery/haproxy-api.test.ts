/**
 * Griddle consumed exactly as haproxy-api consumes Sidecar, in both of its modes, each feeding
 * a real HAProxy in front of real HTTP backends: default mode (state.json once, then POSTed
 * StateChangedEvents from `listeners`) and follow mode (the root /watch stream, then
 * /api/state.json per document). Both must serve the right backends after a deploy and after a
 * health change. Tasks run on agent "localhost", so the published IP is the resolved address.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { runHaproxy, type AppliedEvent, type HaproxyRunner } from '../../../cli/haproxy';
import { createDiscovery, type Discovery } from '../../../scheduler/discovery';
import type { TaskRecord } from '../../../scheduler/model';
import { SchedulerDouble } from '../../unit/discovery/scheduler-double';
import { defaultModeFollower, followModeFollower, type Follower } from '../../support/haproxy-api-follower';
import { demoTaskInfo, taskRecord } from '../../support/task-fixtures';
import { freePort, until } from '../../support/kit';
import { startBackend, type Backend } from './traffic';

const log = pino({ level: 'silent' });

/** Backends answering `count` requests in a row through HAProxy at `url`. */
async function backendsBehind(url: string, count = 30): Promise<Set<string>> {
  const seen = new Set<string>();
  for (let i = 0; i < count; i++) {
    const res = await fetch(url);
    expect(res.status).toBe(200);
    seen.add(res.headers.get('x-backend') ?? '');
    await res.text();
  }
  return seen;
}

describe('haproxy-api (both modes) following Griddle, in front of real HAProxy', () => {
  let dir: string;
  let scheduler: SchedulerDouble;
  let discovery: Discovery;
  let backends: Backend[];
  let frontPort: number;
  const runners: HaproxyRunner[] = [];
  const followers: Follower[] = [];
  const applied = new Map<HaproxyRunner, AppliedEvent[]>();
  let updateUrl = '';

  function task(backend: Backend, overrides: Partial<TaskRecord> = {}): TaskRecord {
    const info = demoTaskInfo(`task-${backend.name}`, backend.port, {
      labels: { labels: [{ key: 'ServiceName', value: 'web' }, { key: 'ServicePort_8080', value: String(frontPort) }] },
    });
    return taskRecord(`task-${backend.name}`, {
      hostname: 'localhost', ports: [backend.port], taskInfo: info, state: 'TASK_RUNNING', healthy: true, ...overrides,
    });
  }

  function runner(bindAddress: string): HaproxyRunner {
    const r = runHaproxy({ config: path.join(dir, `${bindAddress}.cfg`), follow: false, holdDownMs: 200, bindAddress, log });
    applied.set(r, []);
    r.on('applied', (e: AppliedEvent) => applied.get(r)!.push(e));
    runners.push(r);
    return r;
  }

  /** The newest configuration `r` serves has exactly these backends in rotation. */
  async function serving(r: HaproxyRunner, expected: Backend[], what: string): Promise<void> {
    await until(() => {
      const last = applied.get(r)!.at(-1);
      if (!last) return false;
      const inRotation = backends.filter((b) => last.config.includes(`127.0.0.1:${b.port} weight 1`));
      return inRotation.length === expected.length && expected.every((b) => inRotation.includes(b));
    }, what, 20_000);
  }

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'griddle-haproxy-api-'));
    frontPort = await freePort();
    backends = await Promise.all(['a', 'b', 'c'].map((n) => startBackend(n)));
    scheduler = new SchedulerDouble();
    const defaultRunner = runner('127.0.0.2');
    const followRunner = runner('127.0.0.3');
    // haproxy-api's default mode: its /update server is up before Sidecar is told about it.
    const viaPost = await defaultModeFollower((services) => defaultRunner.update(services));
    followers.push(viaPost);
    updateUrl = viaPost.updateUrl;
    discovery = await createDiscovery(scheduler, { sidecarPort: 0, grpcPort: false, bind: '127.0.0.1', listeners: [viaPost.updateUrl], log });
    await viaPost.start(`http://127.0.0.1:${discovery.sidecarPort}/state.json`);
    followers.push(followModeFollower(`127.0.0.1:${discovery.sidecarPort}`, (services) => followRunner.update(services)));
    await until(() => followers[1]!.state !== undefined, 'follow mode reading the first state');
  });

  afterAll(async () => {
    await Promise.all(runners.map((r) => r.stop()));
    for (const f of followers) await f.close();
    await discovery?.close();
    await Promise.all((backends ?? []).map((b) => b.close()));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('serves the deployed instances, then drops an unhealthy one, in both modes', async () => {
    // The deploy: three instances of "web", plus an unlabelled service on the same container
    // port, which must stay out of HAProxy (ServicePort 0) instead of sharing web's frontend.
    for (const b of backends) scheduler.update(task(b));
    const other = await startBackend('other');
    backends.push(other);
    const otherInfo = demoTaskInfo('task-other', other.port, { labels: { labels: [{ key: 'ServiceName', value: 'other' }] } });
    scheduler.update(taskRecord('task-other', { hostname: 'localhost', ports: [other.port], taskInfo: otherInfo, state: 'TASK_RUNNING', healthy: true }));
    const [a, b, c] = backends as [Backend, Backend, Backend];

    for (const [r, bind] of [[runners[0]!, '127.0.0.2'], [runners[1]!, '127.0.0.3']] as const) {
      await serving(r, [a, b, c], `${bind}: all three instances after the deploy`);
      const config = applied.get(r)!.at(-1)!.config;
      expect(config).toContain(`frontend web-${frontPort}`);
      expect(config).not.toContain(`:${other.port} `);
      expect(config).not.toMatch(/ localhost:\d+/); // servers at the resolved address, not the hostname
      expect(await backendsBehind(`http://${bind}:${frontPort}/`)).toEqual(new Set(['a', 'b', 'c']));
    }
    const stateOfPost = followers[0]!.state!;
    expect(stateOfPost.Servers.localhost?.Services['task-a']?.Ports).toEqual([{ Type: 'tcp', Port: a.port, ServicePort: frontPort, IP: '127.0.0.1' }]);
    expect(followers[0]!.counts.stale).toBe(0); // every POST carried a later LastChanged

    scheduler.update(task(b, { healthy: false }));
    for (const [r, bind] of [[runners[0]!, '127.0.0.2'], [runners[1]!, '127.0.0.3']] as const) {
      await serving(r, [a, c], `${bind}: b out of rotation after its health check failed`);
      // The replaced HAProxy may still answer once on each keep-alive connection it holds.
      await until(async () => !(await backendsBehind(`http://${bind}:${frontPort}/`, 10)).has('b'), `${bind}: the old HAProxy gone`, 20_000);
      expect(await backendsBehind(`http://${bind}:${frontPort}/`)).toEqual(new Set(['a', 'c']));
    }
    expect(discovery.listenerStats()).toEqual([expect.objectContaining({ url: updateUrl, failures: 0, dropped: 0 })]);
  });
});
