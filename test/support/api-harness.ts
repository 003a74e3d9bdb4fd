import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import pino from 'pino';
import { isTerminalState } from '../../mesos-proto';
import { createApiRouter, type ApiOptions, type ApiRouter } from '../../scheduler/api';
import { Scheduler, makeTaskId, planReconcile } from '../../scheduler/core';
import type { TaskRecord } from '../../scheduler/model';
import { MemoryStateStore, type StateStore } from '../../scheduler/state';

/** How the simulated tasks of a deploy behave once launched. */
export type Behaviour = 'healthy' | 'never-healthy' | 'fail-health' | 'exit' | 'stuck-staging' | 'finish' | 'unschedulable';

/**
 * A Scheduler (not connected to Mesos) whose reconcile step is played by the core's own pure
 * planner: desired instances from the installed provider → launches and kills, applied as
 * task records and 'task' events as the core would. Tasks move one state per round.
 */
export class SimCluster {
  readonly behaviour = new Map<string, Behaviour>();
  private timer?: NodeJS.Timeout;
  private seq = 0;

  constructor(readonly scheduler: Scheduler) {}

  start(intervalMs = 15): void {
    this.timer = setInterval(() => this.round(), intervalMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private update(next: TaskRecord, prev: TaskRecord): void {
    if (isTerminalState(next.state)) this.scheduler.tasks.delete(next.taskId);
    else this.scheduler.tasks.set(next.taskId, next);
    this.scheduler.events.emit('task', next, prev);
  }

  round(): void {
    const now = Date.now();
    for (const t of [...this.scheduler.tasks.values()]) {
      if (t.killRequestedAt !== undefined) {
        this.update({ ...t, state: 'TASK_KILLED', updatedAt: now }, t);
        continue;
      }
      const b = this.behaviour.get(t.deployId) ?? 'healthy';
      if (t.state === 'TASK_STAGING' && b !== 'stuck-staging') {
        this.update({ ...t, state: 'TASK_RUNNING', runningSince: now, healthy: b === 'healthy' ? true : undefined, updatedAt: now }, t);
      } else if (t.state === 'TASK_RUNNING' && (b === 'finish' || b === 'exit')) {
        this.update({ ...t, state: b === 'finish' ? 'TASK_FINISHED' : 'TASK_FAILED', message: b === 'exit' ? 'container exited with 1' : undefined, updatedAt: now }, t);
      } else if (t.state === 'TASK_RUNNING' && b === 'fail-health') {
        if (t.healthy === undefined) this.update({ ...t, healthy: false, updatedAt: now }, t);
        else this.update({ ...t, state: 'TASK_FAILED', healthy: false, reason: 'REASON_TASK_HEALTH_CHECK_STATUS_UPDATED', message: 'health check failed: 3 consecutive failures', updatedAt: now }, t);
      }
    }
    const plan = planReconcile({ desired: this.scheduler.desired(), tasks: this.scheduler.tasks.values(), crash: new Map(), keepUnreachable: this.scheduler.holdsUnreachable(), now });
    for (const k of plan.kills) void this.scheduler.killTask(k.taskId, k.reason);
    this.scheduler.pendingReasons.clear();
    for (const l of plan.launches) {
      if (this.behaviour.get(l.deployId) === 'unschedulable') {
        this.scheduler.pendingReasons.set(`${l.requestId}/${l.deployId}`, 'no agent has cpus 64 (largest offer: cpus 4)');
        continue;
      }
      const startedAt = now + ++this.seq;
      const taskId = makeTaskId(l.requestId, l.deployId, startedAt, l.instanceNo, '127.0.0.1');
      const record: TaskRecord = {
        taskId, requestId: l.requestId, deployId: l.deployId, instanceNo: l.instanceNo, agentId: 'agent-1', hostname: '127.0.0.1',
        ports: [31000 + (this.seq % 1000)], startedAt, updatedAt: now, state: 'TASK_STAGING',
        taskInfo: { name: taskId, task_id: { value: taskId }, agent_id: { value: 'agent-1' }, container: { type: 'DOCKER', docker: { image: 'griddle/demo-http:1', network: 'BRIDGE', port_mappings: [{ host_port: 31000, container_port: 8080, protocol: 'tcp' }] } } },
      };
      this.scheduler.tasks.set(taskId, record);
      this.scheduler.events.emit('task', record, undefined);
    }
  }

  /** Rounds until `done` holds (or the round budget is spent). */
  async until(done: () => boolean, rounds = 400): Promise<boolean> {
    for (let i = 0; i < rounds; i++) {
      if (done()) return true;
      await new Promise((r) => setTimeout(r, 10));
    }
    return done();
  }
}

/** A JSON answer, read without a schema: tests assert on the fields they name. */
export type Json = Record<string, unknown>;
export const obj = (v: unknown): Json => v as Json;
export const arr = (v: unknown): Json[] => v as Json[];

export interface Harness {
  url: string;
  scheduler: Scheduler;
  router: ApiRouter;
  sim: SimCluster;
  close(): Promise<void>;
}

/** `store`: a store shared with an earlier harness, to play a new leader taking over its state. */
export async function startHarness(options: Partial<ApiOptions> & { autoSim?: boolean; store?: StateStore } = {}): Promise<Harness> {
  const log = pino({ level: 'silent' });
  const scheduler = new Scheduler({ store: options.store ?? new MemoryStateStore(), log });
  if (options.store) await scheduler.load();
  const router = createApiRouter(scheduler, { isWritable: () => true, log, ...options });
  const app = express();
  app.use('/api', router);
  app.use('/singularity/api', router);
  app.get('/metrics', (req, res) => void router.metricsHandler(req, res));
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const sim = new SimCluster(scheduler);
  if (options.autoSim !== false) sim.start();
  // Timeouts, step waits and cron schedules are checked faster than in production.
  const tick = setInterval(() => router.engine.tick(), 20);
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    scheduler, router, sim,
    async close() {
      clearInterval(tick);
      sim.stop();
      router.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await scheduler.close();
    },
  };
}

export async function call(h: Harness, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: unknown; text: string; headers: Headers }> {
  const res = await fetch(`${h.url}${path}`, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text, headers: res.headers };
}

// ---- requests and deploys as the API tests send them ----

export const serviceRequest = (id: string, instances = 3, extra: Json = {}): Json => ({ id, requestType: 'SERVICE', instances, ...extra });

/** A deploy of griddle/demo-http:<deploy id> with one port and an HTTP health check. */
export const demoDeploy = (requestId: string, id: string, extra: Json = {}): Json => ({
  requestId, id, resources: { cpus: 0.1, memoryMb: 32, numPorts: 1 },
  containerInfo: { type: 'DOCKER', docker: { image: `griddle/demo-http:${id}`, network: 'BRIDGE', portMappings: [{ containerPort: 8080, hostPortType: 'FROM_OFFER', hostPort: 0 }] } },
  healthcheck: { uri: '/health', portIndex: 0 },
  ...extra,
});

/** The request's (or deploy's) tasks that are not being killed. */
export const tasksOf = (h: Harness, requestId: string, deployId?: string): TaskRecord[] =>
  [...h.scheduler.tasks.values()].filter((t) => t.requestId === requestId && (!deployId || t.deployId === deployId) && t.killRequestedAt === undefined);

export const healthyOf = (h: Harness, requestId: string, deployId: string): number =>
  tasksOf(h, requestId, deployId).filter((t) => t.state === 'TASK_RUNNING' && t.healthy === true).length;

/** POSTs the deploy and answers its deployResult from the history once it has one. */
export async function deployAndWait(h: Harness, requestId: string, deployId: string, extra: Json = {}, body: Json = {}): Promise<Json> {
  const res = await call(h, 'POST', '/api/deploys', { deploy: demoDeploy(requestId, deployId, extra), ...body });
  if (res.status !== 200) throw new Error(`POST /api/deploys answered ${res.status}: ${res.text}`);
  if (!(await h.sim.until(() => h.scheduler.deploys.get(`${requestId}/${deployId}`)?.result !== undefined, 2000))) throw new Error(`deploy ${requestId}/${deployId} has no result`);
  const hist = await call(h, 'GET', `/api/history/request/${requestId}/deploy/${deployId}`);
  return obj(obj(hist.json).deployResult);
}

/**
 * Plays `rounds` more rounds of the deploy engine and the simulated cluster right now, so that
 * whatever they would do next (launch a replacement, advance a step, retry a run) has been
 * done: a test asserting that something did not happen checks after this, not after a sleep.
 */
export function settle(h: Harness, rounds = 4): void {
  for (let i = 0; i < rounds; i++) {
    h.router.engine.tick();
    h.sim.round();
  }
}

/** A harness for the whole file: started before its first test, closed after its last. */
export function useHarness(options: Partial<ApiOptions> & { autoSim?: boolean } = {}): Harness {
  const h = {} as Harness;
  beforeAll(async () => {
    Object.assign(h, await startHarness(options));
  });
  afterAll(async () => {
    await h.close();
  });
  return h;
}
