/**
 * Real HAProxy following a real discovery listener, in front of real HTTP backends, fed by
 * synthetic task events (the scheduler core's part is played by SchedulerDouble).
 */
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { runHaproxy, type AppliedEvent, type HaproxyRunner, type RejectedEvent } from '../../../cli/haproxy';
import { createDiscovery, type CatalogChange, type Discovery } from '../../../scheduler/discovery';
import type { TaskRecord } from '../../../scheduler/model';
import { SchedulerDouble } from '../../unit/discovery/scheduler-double';
import { demoTaskInfo, taskRecord } from '../../support/task-fixtures';
import { freePort, until } from '../../support/kit';
import { loadLoop, startBackend, type Backend } from './traffic';

const log = pino({ level: 'silent' });

function nextEvent<T>(runner: HaproxyRunner, event: 'applied' | 'rejected', match: (e: T) => boolean): Promise<T> {
  return new Promise((resolve) => {
    const listener = (e: T): void => {
      if (!match(e)) return;
      runner.off(event, listener);
      resolve(e);
    };
    runner.on(event, listener);
  });
}

describe('HAProxy following the discovery catalog', () => {
  let dir: string;
  let scheduler: SchedulerDouble;
  let discovery: Discovery;
  let runner: HaproxyRunner;
  let backends: Backend[];
  let frontPort: number;
  const holdDownMs = 300;

  function task(id: string, backend: Backend, deployId = 'd1', version = '1'): TaskRecord {
    const info = demoTaskInfo(id, backend.port, {
      labels: { labels: [
        { key: 'griddle.service_name', value: 'demo' }, { key: 'griddle.version', value: version },
        { key: `ServicePort_8080`, value: String(frontPort) },
      ] },
    });
    return taskRecord(id, { deployId, ports: [backend.port], taskInfo: info, state: 'TASK_RUNNING', healthy: true });
  }

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'griddle-haproxy-it-'));
    frontPort = await freePort();
    scheduler = new SchedulerDouble();
    discovery = await createDiscovery(scheduler, { sidecarPort: 0, grpcPort: false, bind: '127.0.0.1', log });
    backends = await Promise.all(['a', 'b', 'c'].map((n) => startBackend(n, '1')));
    for (const b of backends) scheduler.update(task(`task-${b.name}`, b));
    runner = runHaproxy({
      config: path.join(dir, 'haproxy.cfg'), follow: `http://127.0.0.1:${discovery.sidecarPort}`,
      holdDownMs, bindAddress: '127.0.0.1', log,
    });
    await nextEvent<AppliedEvent>(runner, 'applied', (e) => backends.every((b) => e.config.includes(`:${b.port} weight 1`)));
  });

  afterEach(async () => {
    await runner.stop();
    await discovery.close();
    await Promise.all(backends.map((b) => b.close()));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reaches all 3 instances, and takes an unhealthy one out of rotation without a failed request', async () => {
    const url = `http://127.0.0.1:${frontPort}/version`;
    const load = loadLoop(url);
    await until(() => new Set(load.answers.map((a) => a.backend)).size === 3, 'answers from all 3 backends');

    const reloads: AppliedEvent[] = [];
    runner.on('applied', (e: AppliedEvent) => reloads.push(e));
    const out = nextEvent<AppliedEvent>(runner, 'applied', (e) => e.config.includes(`:${backends[1]!.port}`) === false);
    scheduler.update({ ...task('task-b', backends[1]!), healthy: false });
    await out;
    expect(reloads).toHaveLength(1); // the change went out in the very next reload
    const after = load.answers.length;
    await until(() => load.answers.length >= after + 40, '40 more answers');
    await load.stop();
    expect(load.answers.slice(after).map((a) => a.backend)).not.toContain('b');
    expect(new Set(load.answers.slice(after).map((a) => a.backend))).toEqual(new Set(['a', 'c']));
    expect(load.failures).toEqual([]);
  });

  it('rolls to v2 without a single error: old instances are drained, then killed', async () => {
    scheduler.deploys.set('prod-demo/d2', { deploy: { requestId: 'prod-demo', id: 'd2', drainSeconds: 2 }, createdAt: 0 });
    scheduler.deploys.set('prod-demo/d1', { deploy: { requestId: 'prod-demo', id: 'd1', drainSeconds: 2 }, createdAt: 0 });
    const changes: CatalogChange[] = [];
    discovery.catalog.subscribe((c) => changes.push(c));
    const load = loadLoop(`http://127.0.0.1:${frontPort}/version`);
    await until(() => load.answers.length >= 10, 'first answers');

    for (const old of [...backends]) {
      const fresh = await startBackend(`${old.name}2`, '2');
      backends.push(fresh);
      const staging = task(`task-${fresh.name}`, fresh, 'd2', '2');
      scheduler.update({ ...staging, state: 'TASK_STARTING', healthy: undefined });
      scheduler.update(staging);
      await until(() => load.answers.some((a) => a.backend === fresh.name), `traffic on ${fresh.name}`);
      await scheduler.kill(`task-${old.name}`, async (t) => {
        await old.close();
        scheduler.update({ ...t, state: 'TASK_KILLED' });
      });
    }
    await until(() => load.answers.length >= 20 && load.answers.slice(-20).every((a) => a.body === '2'), 'only v2 answering');
    await load.stop();
    expect(load.failures).toEqual([]);
    for (const name of ['a', 'b', 'c']) {
      const statuses = changes.filter((c) => c.endpoint.taskId === `task-${name}`).map((c) => c.endpoint.status);
      expect(statuses).toEqual(['DRAINING', 'TOMBSTONE']);
    }
  });

  it('never applies a configuration that fails validation, and says why', async () => {
    const configFile = path.join(dir, 'haproxy.cfg');
    const before = fs.readFileSync(configFile, 'utf8');
    const pid = runner.pid;
    const rejected = nextEvent<RejectedEvent>(runner, 'rejected', () => true);
    // An agent whose hostname HAProxy cannot resolve makes `haproxy -c` fail.
    scheduler.update({ ...task('task-x', backends[0]!), hostname: 'no-such-host.invalid' });
    expect((await rejected).reason).toMatch(/no-such-host\.invalid/);
    expect(fs.readFileSync(configFile, 'utf8')).toBe(before);
    expect(runner.pid).toBe(pid);
    const res = await fetch(`http://127.0.0.1:${frontPort}/version`);
    expect(res.status).toBe(200);
    // Once it is gone, configurations apply again.
    const applied = nextEvent<AppliedEvent>(runner, 'applied', () => true);
    scheduler.update({ ...task('task-x', backends[0]!), hostname: 'no-such-host.invalid', state: 'TASK_KILLED' });
    scheduler.update({ ...task('task-a', backends[0]!), healthy: false });
    expect((await applied).config).not.toContain('no-such-host');
  });
});

describe('runHaproxy stopping', () => {
  function haproxyProcessesFor(config: string): string[] {
    try {
      return execFileSync('pgrep', ['-f', `haproxy -f ${config}`], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
    } catch {
      return []; // pgrep exits 1 when nothing matches
    }
  }

  it.each([0, 20, 60, 150])('leaves no HAProxy behind when stopped %i ms into an apply', async (delayMs) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'griddle-haproxy-stop-'));
    const config = path.join(dir, 'haproxy.cfg');
    const port = await freePort();
    const runner = runHaproxy({ config, follow: false, holdDownMs: 0, bindAddress: '127.0.0.1', log });
    runner.update({ web: [{
      ID: 't1', Name: 'web', Image: 'web:1', Created: '', Hostname: '127.0.0.1', Updated: '', ProxyMode: 'http', Status: 0,
      Ports: [{ Type: 'tcp', Port: 1, ServicePort: port, IP: '127.0.0.1' }],
    }] });
    await new Promise((r) => setTimeout(r, delayMs));
    await runner.stop();
    expect(runner.pid).toBeUndefined();
    expect(haproxyProcessesFor(config)).toEqual([]);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
