import { promisify } from 'node:util';
import zlib from 'node:zlib';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Logger } from '../../common';
import { countsAsInstance } from '../core';
import {
  DeployEngine, DeployEngineError, type DeployEngineEvent, type SchedulerPort, deployKey,
} from '../deploys';
import type { DeployRecord, RequestRecord, TaskRecord } from '../model';
import {
  bounceSchema, deployUpdateSchema, killTaskSchema, paginationSchema, pauseSchema, requestsQuerySchema, rollbackSchema,
  runSchema, sandboxQuerySchema, scaleSchema, taskHistoryQuerySchema, unpauseSchema,
} from './action-schemas';
import { type TokenTable, authMiddleware } from './auth';
import { deployRequestSchema } from './deploy-schema';
import { EventHub } from './event-hub';
import { eventStreamHandler } from './event-stream';
import { HttpError, badRequest, conflict, notFound, parseInput } from './http-errors';
import { isDeployId, isRequestId, isTaskId } from './ids';
import { ApiMetrics } from './metrics';
import { openApiDocument } from './openapi';
import { singularityRequestSchema } from './request-schema';
import { SandboxReader } from './sandbox';
import {
  deployMarker, isTaskHealthy, renderDeploy, renderDeployHistory, renderRequest, renderTask, renderTaskHistoryItem,
  taskIdObject,
} from './singularity-shapes';
import { TaskHistory } from './task-history';

export interface ApiOptions {
  log?: Logger;
  /** Bearer tokens (GRIDDLE_API_TOKENS_FILE); without them the API is open (loopback binds only). */
  tokens?: TokenTable;
  /** Whether reads need a token too when tokens are configured. */
  protectReads?: boolean;
  /** JSON body size limit (default 1 MB). */
  bodyLimit?: string;
  /** An engine already running; otherwise the router creates and starts one. */
  engine?: DeployEngine;
  /** Whether this process may write (default: it is the leader). */
  isWritable?: () => boolean;
  eventBufferSize?: number;
  sseMaxBufferedBytes?: number;
  now?: () => number;
}

export interface ApiRouter extends Router {
  engine: DeployEngine;
  hub: EventHub;
  metrics: ApiMetrics;
  sandbox: SandboxReader;
  history: TaskHistory;
  /** Serves `/metrics` (mount at the root beside `/healthz`). */
  metricsHandler: (req: Request, res: Response) => Promise<void>;
  close(): void;
}

const LONG_RUNNING = new Set(['SERVICE', 'WORKER']);
const GZIP_MIN_BYTES = 32 * 1024;
const gzip = promisify(zlib.gzip);

function idParam(req: Request, name: string, valid: (s: string) => boolean, what: string): string {
  const value = req.params[name];
  if (typeof value !== 'string' || !valid(value)) throw badRequest(`${name}: not a valid ${what} id`, [{ field: name, message: `not a valid ${what} id` }]);
  return value;
}

function body(req: Request): unknown {
  return req.body === undefined ? {} : req.body;
}

function requireBody(req: Request): unknown {
  if (req.body === undefined || req.body === null || typeof req.body !== 'object' || Array.isArray(req.body)) {
    throw badRequest('(body): a JSON object is required (Content-Type: application/json)');
  }
  return req.body;
}

function paginate<T>(items: readonly T[], count = 100, page = 1): T[] {
  return items.slice((page - 1) * count, page * count);
}

/**
 * The Singularity-compatible REST API (DESIGN.md's table). Mount it at `/api` and
 * `/singularity/api`; mount `metricsHandler` at `/metrics`.
 */
export function createApiRouter(scheduler: SchedulerPort, options: ApiOptions = {}): ApiRouter {
  const now = options.now ?? Date.now;
  const engine = options.engine ?? new DeployEngine(scheduler, { log: options.log, now });
  const ownsEngine = !options.engine;
  const hub = new EventHub(options.eventBufferSize ?? 10_000, now);
  const history = new TaskHistory(scheduler);
  const sandbox = new SandboxReader(scheduler);
  const metrics = new ApiMetrics(scheduler, engine);
  const writable = options.isWritable ?? (() => scheduler.isLeader);
  const log = options.log;

  // ---- events into the hub, and a version counter for cached list responses ----
  let version = 0;
  const cache = new Map<string, { version: number; body: Buffer; gzip?: Promise<Buffer> }>();
  const onTask = (t: TaskRecord, prev: TaskRecord | undefined): void => {
    version++;
    if (!prev || prev.state !== t.state || prev.killRequestedAt !== t.killRequestedAt) {
      hub.publish('task.status', {
        requestId: t.requestId, deployId: t.deployId, taskId: t.taskId, state: t.state, previousState: prev?.state,
        healthy: t.healthy, reason: t.reason, message: t.message, host: t.hostname, killRequested: t.killRequestedAt !== undefined,
      });
    }
    if (prev && prev.healthy !== t.healthy && t.healthy !== undefined) {
      hub.publish('task.health', { requestId: t.requestId, deployId: t.deployId, taskId: t.taskId, healthy: t.healthy, state: t.state });
    }
  };
  const onRequest = (r: RequestRecord, prev: RequestRecord | undefined): void => {
    version++;
    const type = r.state === 'DELETED' ? 'request.deleted' : prev ? 'request.updated' : 'request.created';
    hub.publish(type, { requestId: r.request.id, state: r.state, activeDeployId: r.activeDeployId, pendingDeployId: r.pendingDeployId, instances: r.request.instances });
  };
  const onDeploy = (): void => {
    version++;
  };
  const onLeader = (isLeader: boolean): void => {
    version++;
    hub.publish('leader.changed', { isLeader });
  };
  const onEngine = (e: DeployEngineEvent): void => {
    version++;
    const { type, ...data } = e;
    // request.updated from the engine duplicates the core's request event.
    if (type !== 'request.updated') hub.publish(type, data);
  };
  scheduler.events.on('task', onTask);
  scheduler.events.on('request', onRequest);
  scheduler.events.on('deploy', onDeploy);
  scheduler.events.on('leader', onLeader);
  engine.on('event', onEngine);
  sandbox.start();
  metrics.start();
  void history.start().catch((err: unknown) => log?.warn({ err }, 'could not load task history'));
  if (ownsEngine) engine.start();

  // Large lists are built once per state change and served from a buffer; clients that accept
  // gzip (Nmesos's HTTP client does) get a copy compressed once, off the event loop.
  const cached = (key: string, build: () => unknown) => async (req: Request, res: Response): Promise<void> => {
    let hit = cache.get(key);
    // A standby's maps are reloaded from the store without events, so it never trusts the cache.
    if (!hit || hit.version !== version || !scheduler.isLeader) {
      const built = build();
      hit = { version, body: Buffer.from(typeof built === 'string' ? built : JSON.stringify(built)) };
      cache.set(key, hit);
    }
    res.type('application/json').vary('Accept-Encoding');
    if (hit.body.length >= GZIP_MIN_BYTES && req.acceptsEncodings('gzip') === 'gzip') {
      hit.gzip ??= gzip(hit.body, { level: 1 });
      res.set('Content-Encoding', 'gzip').send(await hit.gzip);
      return;
    }
    res.send(hit.body);
  };

  // ---- lookups ----
  const requestOr404 = (id: string): RequestRecord => {
    const r = scheduler.requests.get(id);
    if (!r) throw notFound(`request ${id} does not exist`);
    return r;
  };
  const deployOf = (requestId: string, deployId: string | undefined): DeployRecord | undefined =>
    deployId ? scheduler.deploys.get(deployKey(requestId, deployId)) : undefined;
  const tasksByRequest = (): Map<string, TaskRecord[]> => {
    const m = new Map<string, TaskRecord[]>();
    for (const t of scheduler.tasks.values()) {
      let list = m.get(t.requestId);
      if (!list) m.set(t.requestId, (list = []));
      list.push(t);
    }
    return m;
  };

  const pendingDeployState = (requestId: string): Record<string, unknown> | undefined => {
    const p = engine.pending().find((x) => x.progress.requestId === requestId);
    return p && { deployMarker: deployMarker(p.record), currentDeployState: 'WAITING', deployProgress: p.view };
  };

  const parent = (r: RequestRecord, tasks: readonly TaskRecord[] = tasksByRequest().get(r.request.id) ?? []): Record<string, unknown> => {
    const active = deployOf(r.request.id, r.activeDeployId);
    const pending = deployOf(r.request.id, r.pendingDeployId);
    const healthy: unknown[] = [];
    const notYetHealthy: unknown[] = [];
    const cleaning: unknown[] = [];
    for (const t of tasks) {
      const d = scheduler.deploys.get(deployKey(t.requestId, t.deployId));
      const idObj = taskIdObject(t.taskId, t);
      if (t.killRequestedAt !== undefined) cleaning.push(idObj);
      else if (isTaskHealthy(t, d?.deploy, r.request)) healthy.push(idObj);
      else notYetHealthy.push(idObj);
    }
    return {
      request: renderRequest(r.request),
      state: r.state,
      requestDeployState: {
        requestId: r.request.id,
        activeDeploy: active && deployMarker(active),
        pendingDeploy: pending && deployMarker(pending),
      },
      activeDeploy: active && renderDeploy(active.deploy),
      pendingDeploy: pending && renderDeploy(pending.deploy),
      pendingDeployState: pendingDeployState(r.request.id),
      taskIds: { healthy, notYetHealthy, pending: [], cleaning },
      openRuns: LONG_RUNNING.has(r.request.requestType) ? undefined : engine.openRuns(r.request.id),
    };
  };

  const writeGuard = (_req: Request, _res: Response, next: NextFunction): void => {
    if (!writable()) throw new HttpError(503, 'this scheduler is not the leader; send writes to the leader');
    next();
  };

  const engineCall = <T>(fn: () => T): T => {
    try {
      return fn();
    } catch (err) {
      if (err instanceof DeployEngineError) {
        throw new HttpError(err.kind === 'not-found' ? 404 : err.kind === 'conflict' ? 409 : 400, err.message);
      }
      throw err;
    }
  };

  const router = express.Router() as ApiRouter;
  router.use(metrics.timer());
  router.use(authMiddleware(options.tokens, options.protectReads));
  router.use(express.json({ limit: options.bodyLimit ?? '1mb', strict: true, type: ['application/json', 'application/*+json'] }));
  const w = writeGuard;

  // ---- requests ----
  const listRequests = (filter: (r: RequestRecord) => boolean) => () => {
    const byRequest = tasksByRequest();
    return [...scheduler.requests.values()].filter(filter).map((r) => parent(r, byRequest.get(r.request.id)));
  };
  router.get('/requests', (req, res) => {
    parseInput(requestsQuerySchema, req.query);
    return cached('requests', listRequests(() => true))(req, res);
  });
  router.get('/requests/active', (req, res) => {
    parseInput(requestsQuerySchema, req.query);
    return cached('requests-active', listRequests((r) => r.state === 'ACTIVE'))(req, res);
  });
  router.get('/requests/paused', cached('requests-paused', listRequests((r) => r.state === 'PAUSED')));

  router.post('/requests', w, (req, res) => {
    const request = parseInput(singularityRequestSchema, requireBody(req));
    const existing = scheduler.requests.get(request.id);
    const t = now();
    if (existing && existing.request.requestType !== request.requestType) {
      throw badRequest(`requestType: request ${request.id} is ${existing.request.requestType}; the type of a request cannot change (delete it and create a new one)`, [{ field: 'requestType', message: 'cannot change' }]);
    }
    const record: RequestRecord = existing
      ? { ...existing, request, updatedAt: t }
      : { request, state: 'ACTIVE', createdAt: t, updatedAt: t };
    scheduler.putRequest(record);
    log?.info({ requestId: request.id, created: !existing, user: res.locals.user }, existing ? 'request updated' : 'request created');
    res.status(200).json(parent(record));
  });

  router.get('/requests/request/:requestId', (req, res) => {
    const id = idParam(req, 'requestId', isRequestId, 'request');
    res.json(parent(requestOr404(id)));
  });

  router.delete('/requests/request/:requestId', w, (req, res) => {
    const id = idParam(req, 'requestId', isRequestId, 'request');
    const r = requestOr404(id);
    engine.dropRequest(id, 'request deleted');
    scheduler.deleteRequest(id);
    log?.info({ requestId: id, user: res.locals.user }, 'request deleted');
    res.json({ ...parent({ ...r, state: 'DELETED' }, []), state: 'DELETED' });
  });

  router.put('/requests/request/:requestId/scale', w, (req, res) => {
    const id = idParam(req, 'requestId', isRequestId, 'request');
    const input = parseInput(scaleSchema, requireBody(req));
    const r = requestOr404(id);
    if (!LONG_RUNNING.has(r.request.requestType)) throw badRequest(`instances: only SERVICE and WORKER requests can be scaled (${id} is ${r.request.requestType})`);
    const next: RequestRecord = { ...r, request: { ...r.request, instances: input.instances }, updatedAt: now() };
    scheduler.putRequest(next);
    log?.info({ requestId: id, instances: input.instances, user: res.locals.user }, 'request scaled');
    res.json(parent(next));
  });

  router.post('/requests/request/:requestId/pause', w, (req, res) => {
    const id = idParam(req, 'requestId', isRequestId, 'request');
    parseInput(pauseSchema, body(req));
    const r = requestOr404(id);
    if (r.state === 'PAUSED') throw conflict(`request ${id} is already paused`);
    engine.dropRequest(id, 'request paused');
    const current = scheduler.requests.get(id) ?? r;
    const next: RequestRecord = { ...current, state: 'PAUSED', updatedAt: now() };
    scheduler.putRequest(next);
    res.json(parent(next));
  });

  router.post('/requests/request/:requestId/unpause', w, (req, res) => {
    const id = idParam(req, 'requestId', isRequestId, 'request');
    parseInput(unpauseSchema, body(req));
    const r = requestOr404(id);
    if (r.state !== 'PAUSED') throw conflict(`request ${id} is ${r.state}, not PAUSED`);
    const next: RequestRecord = { ...r, state: 'ACTIVE', updatedAt: now() };
    scheduler.putRequest(next);
    res.json(parent(next));
  });

  router.post('/requests/request/:requestId/bounce', w, (req, res) => {
    const id = idParam(req, 'requestId', isRequestId, 'request');
    const input = parseInput(bounceSchema, body(req));
    requestOr404(id);
    engineCall(() => engine.bounce(id, input.message));
    res.json(parent(requestOr404(id)));
  });

  router.post('/requests/request/:requestId/rollback', w, (req, res) => {
    const id = idParam(req, 'requestId', isRequestId, 'request');
    const input = parseInput(rollbackSchema, body(req));
    requestOr404(id);
    const record = engineCall(() => engine.rollback(id, input.deployId, input.message));
    log?.info({ requestId: id, deployId: record.deploy.id, rollbackOf: record.rollbackOf, user: res.locals.user }, 'rollback started');
    res.json(parent(requestOr404(id)));
  });

  router.post('/requests/request/:requestId/run', w, (req, res) => {
    const id = idParam(req, 'requestId', isRequestId, 'request');
    const input = parseInput(runSchema, body(req));
    const r = requestOr404(id);
    const runId = engineCall(() => engine.runNow(id, input.runId));
    res.json({ ...parent(r), runId, pendingRequest: { requestId: id, deployId: r.activeDeployId, runId, timestamp: now(), pendingType: 'ONEOFF' } });
  });

  // ---- deploys ----
  router.post('/deploys', w, (req, res) => {
    const input = parseInput(deployRequestSchema, requireBody(req));
    const record = engineCall(() => engine.submit(input));
    log?.info({ requestId: record.deploy.requestId, deployId: record.deploy.id, user: res.locals.user }, 'deploy submitted');
    res.json(parent(requestOr404(record.deploy.requestId)));
  });

  router.delete('/deploys/deploy/:deployId/request/:requestId', w, (req, res) => {
    const deployId = idParam(req, 'deployId', isDeployId, 'deploy');
    const requestId = idParam(req, 'requestId', isRequestId, 'request');
    requestOr404(requestId);
    engineCall(() => engine.cancel(requestId, deployId, `canceled by ${res.locals.user ?? 'API'}`));
    res.json(parent(requestOr404(requestId)));
  });

  router.post('/deploys/update', w, (req, res) => {
    const input = parseInput(deployUpdateSchema, requireBody(req));
    requestOr404(input.requestId);
    engineCall(() => engine.advance(input.requestId, input.deployId, input.targetActiveInstances));
    res.json(parent(requestOr404(input.requestId)));
  });

  router.get('/deploys/pending', (_req, res) => {
    res.json(engine.pending().map((p) => ({
      deployMarker: deployMarker(p.record),
      currentDeployState: 'WAITING',
      deployProgress: p.view,
    })));
  });

  // ---- history ----
  const deploysOf = (requestId: string): DeployRecord[] => {
    const out: DeployRecord[] = [];
    for (const d of scheduler.deploys.values()) if (d.deploy.requestId === requestId) out.push(d);
    return out.sort((a, b) => b.createdAt - a.createdAt);
  };
  const knownRequest = (id: string): void => {
    if (!scheduler.requests.has(id) && deploysOf(id).length === 0 && history.of(id).length === 0) throw notFound(`request ${id} has no history`);
  };

  router.get('/history/request/:requestId/deploys', (req, res) => {
    const id = idParam(req, 'requestId', isRequestId, 'request');
    const q = parseInput(paginationSchema, req.query);
    knownRequest(id);
    res.json(paginate(deploysOf(id), q.count, q.page).map(renderDeployHistory));
  });

  router.get('/history/request/:requestId/deploy/:deployId', (req, res) => {
    const id = idParam(req, 'requestId', isRequestId, 'request');
    const deployId = idParam(req, 'deployId', isDeployId, 'deploy');
    const d = deployOf(id, deployId);
    if (!d) throw notFound(`deploy ${deployId} of request ${id} does not exist`);
    const progress = engine.pending().find((p) => p.record === d || (p.progress.requestId === id && p.progress.deployId === deployId));
    res.json({ ...renderDeployHistory(d), deployProgress: progress?.view });
  });

  router.get('/history/request/:requestId/tasks', (req, res) => {
    const id = idParam(req, 'requestId', isRequestId, 'request');
    const q = parseInput(taskHistoryQuerySchema, req.query);
    knownRequest(id);
    const items = history.of(id).filter((t) => !q.deployId || t.deployId === q.deployId);
    res.json(paginate(items, q.count, q.page).map(renderTaskHistoryItem));
  });

  router.get('/history/task/:taskId', (req, res) => {
    const taskId = idParam(req, 'taskId', isTaskId, 'task');
    const t = scheduler.tasks.get(taskId) ?? history.find(taskId);
    if (!t) throw notFound(`task ${taskId} is unknown (never launched, or aged out of history)`);
    res.json({ ...renderTask(t, scheduler.requests.get(t.requestId), deployOf(t.requestId, t.deployId)), lastTaskState: t.state, updatedAt: t.updatedAt, message: t.message, reason: t.reason });
  });

  // ---- tasks ----
  // One JSON fragment per task record, reused until the record (or its request/deploy) is
  // replaced, so a change to one task re-renders one task.
  const taskCache = new WeakMap<TaskRecord, { request?: RequestRecord; deploy?: DeployRecord; json: string }>();
  const taskJson = (t: TaskRecord): string => {
    const request = scheduler.requests.get(t.requestId);
    const deploy = deployOf(t.requestId, t.deployId);
    const hit = taskCache.get(t);
    if (hit && hit.request === request && hit.deploy === deploy) return hit.json;
    const json = JSON.stringify(renderTask(t, request, deploy));
    taskCache.set(t, { request, deploy, json });
    return json;
  };
  router.get('/tasks/active', cached('tasks-active', () => {
    const out: string[] = [];
    for (const t of scheduler.tasks.values()) {
      if (!countsAsInstance(t) && t.killRequestedAt === undefined) continue;
      out.push(taskJson(t));
    }
    return `[${out.join(',')}]`;
  }));

  router.get('/tasks/task/:taskId', (req, res) => {
    const taskId = idParam(req, 'taskId', isTaskId, 'task');
    const t = scheduler.tasks.get(taskId);
    if (!t) throw notFound(`task ${taskId} is not active (see /api/history/task/${taskId})`);
    res.type('application/json').send(taskJson(t));
  });

  router.delete('/tasks/task/:taskId', w, async (req, res) => {
    const taskId = idParam(req, 'taskId', isTaskId, 'task');
    const input = parseInput(killTaskSchema, body(req));
    const t = scheduler.tasks.get(taskId);
    if (!t) throw notFound(`task ${taskId} is not active`);
    const why = `killed through the API${res.locals.user ? ` by ${String(res.locals.user)}` : ''}${input.message ? `: ${input.message}` : ''}`;
    log?.info({ taskId, requestId: t.requestId, user: res.locals.user }, 'task kill requested');
    void scheduler.killTask(taskId, why).catch((err: unknown) => log?.warn({ err, taskId }, 'kill failed'));
    res.json(renderTask(scheduler.tasks.get(taskId) ?? t, scheduler.requests.get(t.requestId), deployOf(t.requestId, t.deployId)));
  });

  // ---- sandbox ----
  router.get('/sandbox/:taskId/read', async (req, res) => {
    const taskId = idParam(req, 'taskId', isTaskId, 'task');
    const q = parseInput(sandboxQuerySchema, req.query);
    const t = scheduler.tasks.get(taskId) ?? history.find(taskId);
    if (!t) throw notFound(`task ${taskId} is unknown`);
    res.json(await sandbox.read(t, q.path, q.offset ?? 0, q.length ?? 50_000));
  });

  // ---- state ----
  router.get('/state', (_req, res) => {
    const counts = new Map<string, number>();
    for (const t of scheduler.tasks.values()) {
      if (!countsAsInstance(t)) continue;
      const key = deployKey(t.requestId, t.deployId);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    const under = new Set<string>();
    const over = new Set<string>();
    const pendingTasks: unknown[] = [];
    for (const d of engine.desired()) {
      const have = counts.get(deployKey(d.requestId, d.deployId)) ?? 0;
      if (have < d.instances) {
        under.add(d.requestId);
        pendingTasks.push({ requestId: d.requestId, deployId: d.deployId, missing: d.instances - have, reason: scheduler.pendingReasons.get(deployKey(d.requestId, d.deployId)) ?? 'waiting for an offer' });
      }
      if (have > d.instances) over.add(d.requestId);
    }
    const requests = [...scheduler.requests.values()];
    const pending = engine.pending();
    const tasks = [...scheduler.tasks.values()];
    res.json({
      activeTasks: tasks.filter((t) => t.state === 'TASK_RUNNING' && t.killRequestedAt === undefined).length,
      launchingTasks: tasks.filter((t) => ['TASK_STAGING', 'TASK_STARTING'].includes(t.state)).length,
      cleaningTasks: tasks.filter((t) => t.killRequestedAt !== undefined).length,
      activeRequests: requests.filter((r) => r.state === 'ACTIVE').length,
      pausedRequests: requests.filter((r) => r.state === 'PAUSED').length,
      finishedRequests: requests.filter((r) => r.state === 'FINISHED').length,
      cooldownRequests: requests.filter((r) => r.state === 'SYSTEM_COOLDOWN').length,
      pendingRequests: under.size,
      scheduledTasks: pendingTasks.length,
      lateTasks: 0,
      numDeploys: pending.length,
      oldestDeploy: pending.reduce((m, p) => Math.min(m, p.record.createdAt), Number.POSITIVE_INFINITY) === Number.POSITIVE_INFINITY ? 0 : pending.reduce((m, p) => Math.min(m, p.record.createdAt), Number.POSITIVE_INFINITY),
      activeDeploys: pending.map((p) => deployMarker(p.record)),
      underProvisionedRequestIds: [...under],
      overProvisionedRequestIds: [...over],
      underProvisionedRequests: under.size,
      overProvisionedRequests: over.size,
      pendingTasks,
      leader: { isLeader: scheduler.isLeader },
      generatedAt: now(),
    });
  });

  // ---- events, docs ----
  router.get('/events', eventStreamHandler(hub, { maxBufferedBytes: options.sseMaxBufferedBytes }));
  const doc = openApiDocument();
  router.get('/openapi.json', (_req, res) => {
    res.json(doc);
  });

  router.use((req, _res, next) => next(notFound(`no such endpoint: ${req.method} ${req.baseUrl}${req.path.slice(0, 200)}`)));
  router.use((err: unknown, req: Request, res: Response, next: NextFunction) => {
    void next;
    if (err instanceof HttpError) {
      res.status(err.status).json({ message: err.message, errors: err.details });
      return;
    }
    const e = err as { status?: number; statusCode?: number; type?: string; message?: string };
    const status = e.status ?? e.statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      const message = e.type === 'entity.parse.failed' ? '(body): not valid JSON'
        : e.type === 'entity.too.large' ? `(body): larger than the ${options.bodyLimit ?? '1mb'} limit`
          : e.message ?? 'bad request';
      res.status(status).json({ message });
      return;
    }
    log?.error({ err, method: req.method, path: req.path.slice(0, 200) }, 'API error');
    res.status(500).json({ message: 'internal error' });
  });

  router.engine = engine;
  router.hub = hub;
  router.metrics = metrics;
  router.sandbox = sandbox;
  router.history = history;
  router.metricsHandler = (req, res) => metrics.handler(req, res);
  router.close = () => {
    scheduler.events.off('task', onTask);
    scheduler.events.off('request', onRequest);
    scheduler.events.off('deploy', onDeploy);
    scheduler.events.off('leader', onLeader);
    engine.off('event', onEngine);
    sandbox.stop();
    metrics.stop();
    history.stop();
    if (ownsEngine) engine.stop();
  };
  return router;
}
