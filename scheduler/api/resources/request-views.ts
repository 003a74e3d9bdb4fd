import type { Request, Router } from 'express';
import * as z from 'zod';
import type { CrashLoopInfo, SingularityRequestBatch, SingularityRequestWithState } from '../../../contract';
import { isTerminalState } from '../../../mesos-proto';
import type { RequestRecord } from '../../model';
import { type ApiContext, body, engineCall, idParam } from '../api-context';
import type { ApiExtras } from '../api-extras';
import { badRequest, notFound, parseInput } from '../http-errors';
import { isRequestId, requestIdSchema } from '../ids';
import { message } from '../params';
import { pendingRequests } from '../pending-tasks';
import { filterProperties, propertyList } from '../property-filter';
import { renderRequest, taskIdObject } from '../singularity-shapes';
import { requestCleanups } from '../task-views';

const REQUEST_STATES = ['ACTIVE', 'DELETING', 'DELETED', 'PAUSED', 'SYSTEM_COOLDOWN', 'FINISHED', 'DEPLOYING_TO_UNPAUSE'] as const;
const REQUEST_TYPES = ['SERVICE', 'WORKER', 'SCHEDULED', 'ON_DEMAND', 'RUN_ONCE'] as const;
const many = <T extends z.ZodType>(item: T) => z.union([item, z.array(item).max(1000)]).transform((v) => (Array.isArray(v) ? v : [v]) as z.output<T>[]);

export const requestIdsQuerySchema = z.object({
  requestIdLike: z.string().max(100).optional(),
  state: many(z.enum(REQUEST_STATES)).optional(),
  useWebCache: z.string().optional(),
});
const listQuerySchema = z.object({
  limit: z.string().regex(/^\d{1,6}$/, 'must be a whole number').transform(Number).optional(),
  requestType: many(z.enum(REQUEST_TYPES)).optional(),
}).passthrough();
export const batchQuerySchema = z.object({ id: many(requestIdSchema) });
export const exitCooldownSchema = z.object({ message, skipHealthchecks: z.boolean().optional() });
const runIdSchema = /^[A-Za-z0-9_-]{1,100}$/;

/**
 * More of Singularity's RequestResource: id lists, the simple and batch reads, requests by
 * state, the pending and cleanup queues, a run's task, cooldown and crash loops. Registered
 * after `requests.ts`: none of these paths can be taken by its `/requests/request/:requestId`.
 */
export function registerRequestViews(router: Router, ctx: ApiContext, extras: ApiExtras): void {
  const { scheduler, engine, writeGuard: w } = ctx;
  const requestId = (req: Request): string => idParam(req, 'requestId', isRequestId, 'request');
  const parents = (filter: (r: RequestRecord) => boolean, query: unknown) => {
    const q = parseInput(listQuerySchema, query);
    const byRequest = ctx.tasksByRequest();
    const list = [...scheduler.requests.values()].filter((r) => filter(r) && (!q.requestType || q.requestType.includes(r.request.requestType)));
    const answer = list.slice(0, q.limit ?? list.length).map((r) => ctx.parent(r, byRequest.get(r.request.id)));
    const properties = propertyList(q.property);
    return properties ? filterProperties(answer, properties) : answer;
  };

  router.get('/requests/ids', (req, res) => {
    const q = parseInput(requestIdsQuerySchema, req.query);
    const like = q.requestIdLike?.toLowerCase();
    res.json([...scheduler.requests.values()]
      .filter((r) => (!q.state || q.state.includes(r.state)) && (!like || r.request.id.toLowerCase().startsWith(like)))
      .map((r) => r.request.id));
  });
  router.get('/requests/ids/active', (_req, res) => {
    res.json([...scheduler.requests.values()].filter((r) => r.state === 'ACTIVE').map((r) => r.request.id));
  });
  router.get('/requests/batch', (req, res) => {
    const q = parseInput(batchQuerySchema, req.query);
    const byRequest = ctx.tasksByRequest();
    const found = q.id.map((id) => scheduler.requests.get(id)).filter((r): r is RequestRecord => r !== undefined);
    const answer: SingularityRequestBatch = {
      requests: found.map((r) => ctx.parent(r, byRequest.get(r.request.id))),
      notFound: [...new Set(q.id.filter((id) => !scheduler.requests.has(id)))],
    };
    res.json(answer);
  });
  router.get('/requests/cooldown', (req, res) => {
    res.json(parents((r) => r.state === 'SYSTEM_COOLDOWN', req.query));
  });
  router.get('/requests/finished', (req, res) => {
    res.json(parents((r) => r.state === 'FINISHED', req.query));
  });
  router.get('/requests/queued/pending', (_req, res) => {
    res.json(pendingRequests(extras.pendingTasks()));
  });
  router.get('/requests/queued/cleanup', (_req, res) => {
    const bounces = [...scheduler.requests.keys()].flatMap((id) => {
      const p = engine.progressOf(id);
      const r = scheduler.requests.get(id);
      return p?.kind === 'bounce' ? [{ requestId: id, deployId: p.deployId, startedAt: p.startedAt, incremental: p.targetActiveInstances < (r?.request.instances ?? 1) }] : [];
    });
    res.json(requestCleanups(scheduler.tasks.values(), scheduler.requests, bounces));
  });
  router.get('/requests/crashloops', (_req, res) => {
    const byRequest: Record<string, CrashLoopInfo[]> = {};
    for (const loop of extras.crashLoops()) (byRequest[loop.requestId] ??= []).push(loop);
    res.json(byRequest);
  });

  router.get('/requests/request/:requestId/simple', (req, res) => {
    const r = ctx.requestOr404(requestId(req));
    const answer: SingularityRequestWithState = { request: renderRequest(r.request), state: r.state, timestamp: r.updatedAt };
    res.json(answer);
  });
  router.get('/requests/request/:requestId/crashloops', (req, res) => {
    const id = requestId(req);
    ctx.requestOr404(id);
    res.json(extras.crashLoops(id));
  });
  router.get('/requests/request/:requestId/run/:runId', (req, res) => {
    const id = requestId(req);
    const runId = req.params.runId;
    if (typeof runId !== 'string' || !runIdSchema.test(runId)) throw badRequest('runId: not a valid run id', [{ field: 'runId', message: 'must be 1-100 characters of A-Z, a-z, 0-9, "_" and "-"' }]);
    ctx.requestOr404(id);
    // Singularity answers the active task of the run; an ended or queued run is under /history and /track.
    const active = engine.runView.tasksOfRun(id, runId).map((t) => scheduler.tasks.get(t)).find((t) => t && !isTerminalState(t.state));
    if (!active) throw notFound(`request ${id} has no active task for run ${runId}`);
    res.json(taskIdObject(active.taskId, active));
  });
  router.post('/requests/request/:requestId/exit-cooldown', w, (req, res) => {
    const id = requestId(req);
    parseInput(exitCooldownSchema, body(req));
    ctx.requestOr404(id);
    const next = engineCall(() => engine.exitCooldown(id));
    res.json(ctx.parent(next));
  });
}
