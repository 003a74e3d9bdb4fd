import type { Request, Router } from 'express';
import * as z from 'zod';
import type { SingularityS3SearchResult } from '../../../contract';
import type { TaskRecord } from '../../model';
import { type ApiContext, body, idParam } from '../api-context';
import { badRequest, notFound, parseInput } from '../http-errors';
import { deployIdSchema, isDeployId, isRequestId, isTaskId, requestIdSchema, taskIdSchema } from '../ids';
import { boolString, intString, millis } from '../params';
import { type LogQuery, listLogs, tasksInWindow } from '../task-logs';

const logQuerySchema = z.object({
  start: millis.optional(),
  end: millis.optional(),
  excludeMetadata: boolString.optional(),
  list: boolString.optional(),
  maxPerPage: intString(1, 1000).optional(),
});

/** SingularityS3SearchRequest. */
export const searchSchema = z.object({
  requestId: requestIdSchema.optional(),
  deployId: deployIdSchema.optional(),
  taskId: taskIdSchema.optional(),
  start: z.number().int().min(0).optional(),
  end: z.number().int().min(0).optional(),
  excludeMetadata: z.boolean().optional(),
  listOnly: z.boolean().optional(),
  maxPerPage: z.number().int().min(1).max(1000).optional(),
  continuationTokens: z.record(z.string(), z.object({ value: z.string().max(20), lastPage: z.boolean() })).optional(),
});

/** The GET listings look at this many of the newest tasks; `POST /logs/search` pages further. */
const TASKS_PER_LISTING = 100;
const DEFAULT_MAX_PER_PAGE = 100;
/** Singularity keys continuation tokens by bucket and prefix; Griddle has one source. */
const SOURCE = 'sandbox';

/**
 * Singularity's S3LogResource, served from the tasks' sandboxes (task-logs.ts): the same shapes,
 * with `getUrl`/`downloadUrl` pointing at this API's `/sandbox/{taskId}/download`.
 */
export function registerLogs(router: Router, ctx: ApiContext): void {
  const { scheduler, history } = ctx;
  const browse = (t: TaskRecord) => ctx.sandbox.browse(t, '').then((s) => s.files);
  const urls = (req: Request) => {
    const base = `${req.protocol}://${req.get('host') ?? 'localhost'}${req.baseUrl}`;
    return (taskId: string, file: string, download: boolean): string =>
      `${base}/sandbox/${encodeURIComponent(taskId)}/download?${new URLSearchParams(download ? { path: file } : { path: file, view: 'true' })}`;
  };
  const tasksOf = (requestId: string, deployId?: string): TaskRecord[] => {
    const all = [...[...scheduler.tasks.values()].filter((t) => t.requestId === requestId), ...history.of(requestId)];
    const seen = new Set<string>();
    return all.filter((t) => !seen.has(t.taskId) && seen.add(t.taskId) && (!deployId || t.deployId === deployId));
  };
  const knownRequest = (id: string): void => {
    if (!scheduler.requests.has(id) && history.of(id).length === 0) throw notFound(`request ${id} is unknown`);
  };
  const listing = (q: z.output<typeof logQuerySchema>): LogQuery => ({ start: q.start, end: q.end, excludeMetadata: q.excludeMetadata, listOnly: q.list });

  router.get('/logs/task/:taskId', async (req, res) => {
    const taskId = idParam(req, 'taskId', isTaskId, 'task');
    const q = parseInput(logQuerySchema, req.query);
    const t = ctx.anyTask(taskId);
    if (!t) throw notFound(`task ${taskId} is unknown (never launched, or aged out of history)`);
    res.json(await listLogs(tasksInWindow([t], q), browse, listing(q), urls(req)));
  });

  router.get('/logs/request/:requestId', async (req, res) => {
    const id = idParam(req, 'requestId', isRequestId, 'request');
    const q = parseInput(logQuerySchema, req.query);
    knownRequest(id);
    const tasks = tasksInWindow(tasksOf(id), q).slice(0, TASKS_PER_LISTING);
    res.json((await listLogs(tasks, browse, listing(q), urls(req))).slice(0, q.maxPerPage));
  });

  router.get('/logs/request/:requestId/deploy/:deployId', async (req, res) => {
    const id = idParam(req, 'requestId', isRequestId, 'request');
    const deployId = idParam(req, 'deployId', isDeployId, 'deploy');
    const q = parseInput(logQuerySchema, req.query);
    knownRequest(id);
    const tasks = tasksInWindow(tasksOf(id, deployId), q).slice(0, TASKS_PER_LISTING);
    res.json((await listLogs(tasks, browse, listing(q), urls(req))).slice(0, q.maxPerPage));
  });

  // Pages by task: whole tasks are added until `maxPerPage` files are listed (so a page can hold
  // a few more, as Singularity's can), and the token is the next task's position.
  router.post('/logs/search', async (req, res) => {
    const q = parseInput(searchSchema, body(req));
    if (!q.requestId && !q.taskId) throw badRequest('requestId or taskId: give at least one', [{ field: 'requestId', message: 'requestId or taskId is required' }]);
    let candidates: TaskRecord[];
    if (q.taskId) {
      const t = ctx.anyTask(q.taskId);
      candidates = t && (!q.requestId || t.requestId === q.requestId) && (!q.deployId || t.deployId === q.deployId) ? [t] : [];
    } else {
      candidates = tasksOf(q.requestId ?? '', q.deployId);
    }
    const tasks = tasksInWindow(candidates, q);
    const token = q.continuationTokens?.[SOURCE];
    const from = token ? Number(token.value) : 0;
    if (!Number.isInteger(from) || from < 0) throw badRequest(`continuationTokens.${SOURCE}.value: not a token this API gave`, [{ field: `continuationTokens.${SOURCE}.value`, message: 'not a token this API gave' }]);
    const max = q.maxPerPage ?? DEFAULT_MAX_PER_PAGE;
    const query: LogQuery = { start: q.start, end: q.end, excludeMetadata: q.excludeMetadata, listOnly: q.listOnly };
    const results: SingularityS3SearchResult['results'] = [];
    let next = token?.lastPage ? tasks.length : from;
    while (next < tasks.length && results.length < max) {
      const batch = tasks.slice(next, next + Math.max(1, Math.min(8, max - results.length)));
      results.push(...(await listLogs(batch, browse, query, urls(req))));
      next += batch.length;
    }
    const lastPage = next >= tasks.length;
    const answer: SingularityS3SearchResult = { continuationTokens: { [SOURCE]: { value: String(next), lastPage } }, lastPage, results };
    res.json(answer);
  });
}
