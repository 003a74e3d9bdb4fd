/**
 * The whole path: mesos-local (process agents) → the real griddle-executor → Docker containers of
 * griddle/demo-http, the real scheduler core with discovery, and real HAProxy following it.
 * Needs `npm run build` (the agents run dist/executor/main.js).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { runHaproxy, type AppliedEvent, type HaproxyRunner } from '../../../cli/haproxy';
import { startMesosLocal, type MesosLocal } from '../../../mesos-local';
import { Scheduler } from '../../../scheduler/core';
import { createDiscovery, type CatalogChange, type Discovery, type Endpoint } from '../../../scheduler/discovery';
import type { SingularityDeploy } from '../../../contract';
import type { DeployRecord } from '../../../scheduler/model';
import { MemoryStateStore } from '../../../scheduler/state';
import { built, freePort, until } from '../../support/kit';
import { clock, loadLoop } from './traffic';

const log = pino({ level: 'silent' });
const EXECUTOR = built('executor/main.js');
const REQUEST = `disc-e2e-${process.pid}`;
/** Docker starts, health checks and replacements on a busy 2-core machine. */
const SLOW = 120_000;

/** HAProxy's own per-server counters (`show stat`): total sessions per server name. */
function serverSessions(socket: string): Promise<Map<string, number>> {
  return new Promise((resolve, reject) => {
    const conn = net.connect(socket);
    let text = '';
    conn.on('connect', () => conn.write('show stat\n'));
    conn.on('data', (d) => { text += d.toString(); });
    conn.on('error', reject);
    conn.on('close', () => {
      const [header, ...rows] = text.trim().split('\n');
      const cols = (header ?? '').replace(/^# /, '').split(',');
      const svname = cols.indexOf('svname');
      const stot = cols.indexOf('stot');
      const out = new Map<string, number>();
      for (const row of rows) {
        const f = row.split(',');
        if (f[svname] !== 'FRONTEND' && f[svname] !== 'BACKEND') out.set(f[svname] ?? '', Number(f[stot]));
      }
      resolve(out);
    });
  });
}

/** Whether a process still exists (signal 0 sends nothing). */
function exists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('discovery on the full path (mesos-local, griddle-executor, Docker, HAProxy)', () => {
  let local: MesosLocal;
  let scheduler: Scheduler;
  let discovery: Discovery;
  let runner: HaproxyRunner;
  let dir: string;
  let frontPort: number;
  const changes: CatalogChange[] = [];
  const applied: AppliedEvent[] = [];
  /** Catalog changes and HAProxy reloads, shown when a request failed. */
  const timeline: string[] = [];

  function deploy(id: string, image: string): DeployRecord {
    const spec: SingularityDeploy = {
      requestId: REQUEST, id, drainSeconds: 3,
      containerInfo: { type: 'DOCKER', docker: { image, network: 'BRIDGE', portMappings: [{ containerPortType: 'LITERAL', containerPort: 8080, hostPortType: 'FROM_OFFER', hostPort: 0 }] } },
      resources: { cpus: 0.1, memoryMb: 32, numPorts: 1 },
      labels: { ServicePort_8080: String(frontPort) },
      // A removed /health answers 404 at once; the generous timeout only keeps a check that a
      // busy machine answers late from taking a healthy instance out of rotation.
      healthcheck: { uri: '/health', portIndex: 0, intervalSeconds: 1, responseTimeoutSeconds: 5, maxRetries: 2, startupTimeoutSeconds: 30 },
    };
    return { deploy: spec, createdAt: Date.now() };
  }

  const alive = (deployId: string): Endpoint[] =>
    discovery.catalog.list(REQUEST).filter((e) => e.deployId === deployId && e.status === 'ALIVE');
  const inRotation = (config: string, endpoint: Endpoint): boolean => config.includes(`:${endpoint.ports[0]!.hostPort} weight 1`);
  /**
   * The configuration every HAProxy process still accepting connections serves: the latest
   * applied one, once the processes it replaced have exited. Neither the configuration file
   * (written before the reload) nor `runner.pid` (the previous process until the new one is
   * ready) says that: the first process serves the catalog of UNKNOWN endpoints, no server at all.
   */
  const served = (): string => {
    const last = applied.at(-1);
    if (last === undefined || last.pid !== runner.pid) return '';
    return applied.slice(0, -1).every((e) => !exists(e.pid)) ? last.config : '';
  };

  beforeAll(async () => {
    expect(fs.existsSync(EXECUTOR)).toBe(true);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'griddle-disc-e2e-'));
    frontPort = await freePort();
    const base = 42000 + Math.floor(Math.random() * 150) * 100;
    local = await startMesosLocal({ port: 0, agents: 3, allocationIntervalMs: 100, log, resources: `cpus:4;mem:4096;disk:20000;ports:[${base}-${base + 99}]` });
    scheduler = new Scheduler({ store: new MemoryStateStore(), master: local.masterUrl, executorCmd: `node ${EXECUTOR}`, log });
    discovery = await createDiscovery(scheduler, { sidecarPort: 0, grpcPort: false, bind: '127.0.0.1', log });
    discovery.catalog.subscribe((c) => {
      changes.push(c);
      timeline.push(`${clock()} ${c.endpoint.taskId} ${c.endpoint.status}`);
    });
    await scheduler.becomeLeader();
    runner = runHaproxy({ config: path.join(dir, 'haproxy.cfg'), follow: `http://127.0.0.1:${discovery.sidecarPort}`, holdDownMs: 500, bindAddress: '127.0.0.1', log });
    runner.on('applied', (event: AppliedEvent) => {
      applied.push(event);
      const weights = [...event.config.matchAll(/ weight (\d+)$/gm)].map((m) => m[1]);
      timeline.push(`${clock()} HAProxy ${event.pid} serves ${weights.filter((w) => w === '1').length} servers, ${weights.filter((w) => w === '0').length} draining`);
    });
  });

  afterAll(async () => {
    await runner?.stop();
    await discovery?.close();
    await scheduler?.close();
    await local?.stop();
    const ids = execFileSync('docker', ['ps', '-aq', '--filter', `label=griddle.request_id=${REQUEST}`], { encoding: 'utf8' }).trim();
    if (ids) execFileSync('docker', ['rm', '-f', ...ids.split('\n')], { stdio: 'ignore' });
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('serves 3 instances, drops an unhealthy one, and rolls to v2, without a failed request', async () => {
    const now = Date.now();
    scheduler.putRequest({ request: { id: REQUEST, requestType: 'SERVICE', instances: 3 }, state: 'ACTIVE', activeDeployId: 'v1', createdAt: now, updatedAt: now });
    scheduler.putDeploy(deploy('v1', 'griddle/demo-http:1'));
    await until(() => alive('v1').length === 3, '3 healthy v1 instances', SLOW);
    await until(() => alive('v1').every((ep) => inRotation(served(), ep)), 'HAProxy serving 3 servers', SLOW);

    // All 3 instances answer through HAProxy.
    const load = loadLoop(`http://127.0.0.1:${frontPort}/version`, 20);
    await until(() => load.answers.length >= 30, '30 answers', SLOW);
    const sessions = await serverSessions(path.join(dir, 'haproxy.cfg.sock'));
    expect([...sessions.values()].filter((n) => n > 0)).toHaveLength(3);

    // One instance turns unhealthy: it leaves the rotation; no request fails.
    const victim = alive('v1')[0]!;
    const container = execFileSync('docker', ['ps', '-q', '--filter', `label=griddle.task_id=${victim.taskId}`], { encoding: 'utf8' }).trim();
    execFileSync('docker', ['exec', container, 'rm', '/www/health']);
    await until(() => changes.some((c) => c.endpoint.taskId === victim.taskId && c.endpoint.status === 'UNHEALTHY'), 'the victim UNHEALTHY', SLOW);
    await until(() => !inRotation(applied.at(-1)?.config ?? '', victim), 'the victim out of HAProxy', SLOW);
    // The scheduler replaces it (the executor kills it once its checks are exhausted).
    await until(() => alive('v1').length === 3 && !alive('v1').some((e) => e.taskId === victim.taskId), 'a replacement', SLOW);

    // Roll to v2: start v2 beside v1, then retire v1 through the kill gate.
    scheduler.putDeploy(deploy('v2', 'griddle/demo-http:2'));
    scheduler.setDesiredProvider(() => [{ requestId: REQUEST, deployId: 'v1', instances: 3 }, { requestId: REQUEST, deployId: 'v2', instances: 3 }]);
    await until(() => alive('v2').length === 3, '3 healthy v2 instances', SLOW);
    const retired = alive('v1').map((e) => e.taskId);
    scheduler.setDesiredProvider(() => [{ requestId: REQUEST, deployId: 'v2', instances: 3 }]);
    await until(() => retired.every((id) => discovery.catalog.get(id)?.status === 'TOMBSTONE'), 'v1 retired', SLOW);
    await until(() => load.answers.length >= 20 && load.answers.slice(-20).every((a) => a.body === '2'), 'only v2 answering', SLOW);
    await load.stop();

    // A failure comes with the timeline: which servers HAProxy had when it happened.
    expect(load.failures.length === 0 ? [] : [...load.failures, '--- timeline:', ...timeline]).toEqual([]);
    for (const id of retired) {
      expect(changes.filter((c) => c.endpoint.taskId === id).map((c) => c.endpoint.status).slice(-2)).toEqual(['DRAINING', 'TOMBSTONE']);
    }
  }, 300_000);
});
