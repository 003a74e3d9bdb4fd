import type { Request, Response, Router } from 'express';
import * as z from 'zod';
import type { RequestRecord } from '../../model';
import { type ApiContext, LONG_RUNNING, body, engineCall, idParam, requireBody } from '../api-context';
import { badRequest, conflict, parseInput } from '../http-errors';
import { deployIdSchema, isRequestId } from '../ids';
import { message } from '../params';
import { filterProperties, propertyList } from '../property-filter';
import { type Caller, relevantForUser } from '../relevant-requests';
import type { ApiToken } from '../auth';
import { singularityRequestSchema } from '../request-schema';
import { renderRequest } from '../singularity-shapes';
import { expiringAction, expiringBodyFields } from './expiring';

/** Bodies and query strings of the request actions, with Singularity's field names. */

export const scaleSchema = z.object({
  instances: z.number().int().min(0).max(100_000),
  skipHealthchecks: z.boolean().optional(),
  ...expiringBodyFields,
});

export const pauseSchema = z.object({
  killTasks: z.boolean().optional(),
  ...expiringBodyFields,
});

export const unpauseSchema = z.object({ message, skipHealthchecks: z.boolean().optional() });

export const bounceSchema = z.object({
  incremental: z.boolean().optional(),
  ...expiringBodyFields,
});

export const rollbackSchema = z.object({
  deployId: deployIdSchema.optional(),
  message,
});

export const runSchema = z.object({
  commandLineArgs: z.array(z.string().max(10_000)).max(100).optional(),
  runId: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, 'must be 1-100 characters of A-Z, a-z, 0-9, "_" and "-"').optional(),
  message,
});

/** Singularity's list parameters: `includeFullRequestData` (Griddle's parents are always full) and `useWebCache` are accepted; `property` and `filterRelevantForUser` filter. */
export const requestsQuerySchema = z.object({
  includeFullRequestData: z.enum(['true', 'false']).optional(),
  filterRelevantForUser: z.enum(['true', 'false']).optional(),
  useWebCache: z.enum(['true', 'false']).optional(),
  property: z.union([z.string().max(200), z.array(z.string().max(200)).max(100)]).optional(),
});

/** The named caller of a call (a token's name and groups), as the auth middleware left it. */
function callerOf(res: Response): Caller | undefined {
  const grant = res.locals.grant as ApiToken | undefined;
  return grant ? { name: grant.name, ...(grant.groups ? { groups: grant.groups } : {}) } : undefined;
}

/** `/requests`: Singularity's RequestResource. */
export function registerRequests(router: Router, ctx: ApiContext, lastChangedBy: (requestId: string) => string | null | undefined = () => undefined): void {
  const { scheduler, engine, log, now, writeGuard: w } = ctx;
  const requestId = (req: Request): string => idParam(req, 'requestId', isRequestId, 'request');

  const listRequests = (filter: (r: RequestRecord) => boolean) => () => {
    const byRequest = ctx.tasksByRequest();
    return [...scheduler.requests.values()].filter(filter).map((r) => ctx.parent(r, byRequest.get(r.request.id)));
  };
  // Built once per state change for each property list (the web UI always sends the same one);
  // a list filtered for its caller is built for that call.
  const cachedList = (key: string, filter: (r: RequestRecord) => boolean) => (req: Request, res: Response) => {
    const q = parseInput(requestsQuerySchema, req.query);
    const properties = propertyList(q.property);
    const caller = callerOf(res);
    if (q.filterRelevantForUser === 'true' && caller) {
      const relevant = new Set(relevantForUser([...scheduler.requests.values()], caller, lastChangedBy).map((r) => r.request.id));
      const list = listRequests((r) => filter(r) && relevant.has(r.request.id))();
      res.json(properties ? filterProperties(list, properties) : list);
      return;
    }
    const build = listRequests(filter);
    if (!properties) return ctx.cache.handler(key, build)(req, res);
    return ctx.cache.handler(`${key}?property=${properties.join(',')}`, () => filterProperties(build(), properties))(req, res);
  };
  router.get('/requests', cachedList('requests', () => true));
  router.get('/requests/active', cachedList('requests-active', (r) => r.state === 'ACTIVE'));
  router.get('/requests/paused', cachedList('requests-paused', (r) => r.state === 'PAUSED'));

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
    res.status(200).json(ctx.parent(record));
  });

  // Singularity answers HEAD with the request's hash code as a bare integer ETag (its Java
  // client parses it with Integer.parseInt), so this route sets it before express could add
  // its own weak one. Registered before the GET route, which would otherwise take HEAD.
  router.head('/requests/request/:requestId', (req, res) => {
    const r = scheduler.requests.get(requestId(req));
    if (!r) {
      res.status(404).end();
      return;
    }
    res.set('ETag', String(requestHash(r.request))).status(200).end();
  });

  router.get('/requests/request/:requestId', (req, res) => {
    res.json(ctx.parent(ctx.requestOr404(requestId(req))));
  });

  router.delete('/requests/request/:requestId', w, (req, res) => {
    const id = requestId(req);
    const r = ctx.requestOr404(id);
    engine.dropRequest(id, 'request deleted');
    scheduler.deleteRequest(id);
    log?.info({ requestId: id, user: res.locals.user }, 'request deleted');
    res.json(renderRequest(r.request)); // Singularity answers the SingularityRequest, not a parent
  });

  router.put('/requests/request/:requestId/scale', w, (req, res) => {
    const id = requestId(req);
    const input = parseInput(scaleSchema, requireBody(req));
    const r = ctx.requestOr404(id);
    if (!LONG_RUNNING.has(r.request.requestType)) throw badRequest(`instances: only SERVICE and WORKER requests can be scaled (${id} is ${r.request.requestType})`);
    const next: RequestRecord = { ...r, request: { ...r.request, instances: input.instances }, updatedAt: now() };
    scheduler.putRequest(next);
    // As Singularity: a scale with a duration reverts to the instances before it; one without ends any expiry.
    if (input.durationMillis !== undefined) ctx.expiring?.save({ kind: 'scale', action: { ...expiringAction(ctx, id, res, input), revertToInstances: r.request.instances } });
    else ctx.expiring?.drop(id, 'scale');
    log?.info({ requestId: id, instances: input.instances, durationMillis: input.durationMillis, user: res.locals.user }, 'request scaled');
    res.json(ctx.parent(next));
  });

  router.post('/requests/request/:requestId/pause', w, (req, res) => {
    const id = requestId(req);
    const input = parseInput(pauseSchema, body(req));
    const r = ctx.requestOr404(id);
    if (r.state === 'PAUSED') throw conflict(`request ${id} is already paused`);
    engine.dropRequest(id, 'request paused');
    const current = scheduler.requests.get(id) ?? r;
    const next: RequestRecord = { ...current, state: 'PAUSED', updatedAt: now() };
    scheduler.putRequest(next);
    if (input.durationMillis !== undefined) ctx.expiring?.save({ kind: 'pause', action: expiringAction(ctx, id, res, input) });
    res.json(ctx.parent(next));
  });

  router.post('/requests/request/:requestId/unpause', w, (req, res) => {
    const id = requestId(req);
    parseInput(unpauseSchema, body(req));
    const r = ctx.requestOr404(id);
    if (r.state !== 'PAUSED') throw conflict(`request ${id} is ${r.state}, not PAUSED`);
    const next: RequestRecord = { ...r, state: 'ACTIVE', updatedAt: now() };
    scheduler.putRequest(next);
    res.json(ctx.parent(next));
  });

  router.post('/requests/request/:requestId/bounce', w, (req, res) => {
    const id = requestId(req);
    const input = parseInput(bounceSchema, body(req));
    const r = ctx.requestOr404(id);
    engineCall(() => engine.bounce(id, input.message));
    // The bounce's duration is its timeout: an unfinished bounce is abandoned when it is up.
    if (input.durationMillis !== undefined) ctx.expiring?.save({ kind: 'bounce', action: { ...expiringAction(ctx, id, res, input), deployId: r.activeDeployId ?? '' } });
    res.json(ctx.parent(ctx.requestOr404(id)));
  });

  router.post('/requests/request/:requestId/rollback', w, (req, res) => {
    const id = requestId(req);
    const input = parseInput(rollbackSchema, body(req));
    ctx.requestOr404(id);
    const record = engineCall(() => engine.rollback(id, input.deployId, input.message));
    log?.info({ requestId: id, deployId: record.deploy.id, rollbackOf: record.rollbackOf, user: res.locals.user }, 'rollback started');
    res.json(ctx.parent(ctx.requestOr404(id)));
  });

  router.post('/requests/request/:requestId/run', w, (req, res) => {
    const id = requestId(req);
    const input = parseInput(runSchema, body(req));
    const r = ctx.requestOr404(id);
    const runId = engineCall(() => engine.runNow(id, input.runId));
    res.json({ ...ctx.parent(r), runId, pendingRequest: { requestId: id, deployId: r.activeDeployId, runId, timestamp: now(), pendingType: 'ONEOFF' } });
  });
}

/** A 32-bit signed hash of the request's JSON with sorted keys: equal requests hash equal across restarts. */
export function requestHash(request: object): number {
  const text = JSON.stringify(request, (_key, value: unknown) => (value !== null && typeof value === 'object' && !Array.isArray(value)
    ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    : value));
  let hash = 0;
  for (let i = 0; i < text.length; i++) hash = (Math.imul(hash, 31) + text.charCodeAt(i)) | 0;
  return hash;
}
