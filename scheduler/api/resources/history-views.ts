import type { Request, Router } from 'express';
import * as z from 'zod';
import type { SingularityPaginatedResponse, SingularityTaskIdHistory } from '../../../contract';
import { TASK_STATES } from '../../../mesos-proto';
import { type ApiContext, idParam } from '../api-context';
import type { ApiExtras } from '../api-extras';
import { badRequest, notFound, parseInput } from '../http-errors';
import { deployIdSchema, isRequestId, requestIdSchema } from '../ids';
import { intString, millis } from '../params';
import { queryHistory } from '../request-history-rules';
import { renderTaskHistoryItem } from '../singularity-shapes';
import { pageCount, searchTasks, taskIdHistory } from '../task-views';

const orderDirection = z.enum(['ASC', 'DESC']).optional();
const runId = z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, 'must be 1-100 characters of A-Z, a-z, 0-9, "_" and "-"');
// Singularity clamps count to 1000 rather than refusing it.
const count = intString(1, 1_000_000).transform((n) => Math.min(n, 1000)).optional();
const page = intString(1, 1_000_000).optional();

export const taskSearchSchema = z.object({
  requestId: requestIdSchema.optional(),
  deployId: deployIdSchema.optional(),
  runId: runId.optional(),
  host: z.string().min(1).max(300).optional(),
  lastTaskStatus: z.enum(TASK_STATES).optional(),
  startedBefore: millis.optional(),
  startedAfter: millis.optional(),
  updatedBefore: millis.optional(),
  updatedAfter: millis.optional(),
  orderDirection,
  count,
  page,
  skipZk: z.string().optional(),
});

export const requestHistoryQuerySchema = z.object({
  createdBefore: millis.optional(),
  createdAfter: millis.optional(),
  orderDirection,
  count,
  page,
  skipZk: z.string().optional(),
});

/**
 * More of Singularity's HistoryResource: a request's own history (every change with who and
 * why), the history ids of its active tasks, a run's task, and the task history search.
 */
export function registerHistoryViews(router: Router, ctx: ApiContext, extras: ApiExtras): void {
  const { scheduler, history } = ctx;
  const requestId = (req: Request): string => idParam(req, 'requestId', isRequestId, 'request');
  const known = (id: string): void => {
    if (!extras.knownRequest(id)) throw notFound(`request ${id} has no history`);
  };

  router.get('/history/request/:requestId/requests', (req, res) => {
    const id = requestId(req);
    const q = parseInput(requestHistoryQuerySchema, req.query);
    known(id);
    res.json(queryHistory([...extras.requestHistory.of(id)], q));
  });

  // A request's ended tasks, with every filter of the task search (Singularity's
  // getInactiveTaskHistoryForRequest), each with Griddle's last message and reason beside it.
  router.get('/history/request/:requestId/tasks', (req, res) => {
    const id = requestId(req);
    const q = parseInput(taskSearchSchema.omit({ requestId: true }), req.query);
    known(id);
    res.json(searchTasks([...history.of(id)], q, extras.runIdOf).page.map(renderTaskHistoryItem));
  });

  router.get('/history/request/:requestId/tasks/active', (req, res) => {
    const id = requestId(req);
    known(id);
    const active = [...scheduler.tasks.values()].filter((t) => t.requestId === id).sort((a, b) => b.updatedAt - a.updatedAt);
    res.json(active.map((t) => taskIdHistory(t, extras.runIdOf(t.taskId))));
  });

  router.get('/history/request/:requestId/run/:runId', (req, res) => {
    const id = requestId(req);
    const r = runId.safeParse(req.params.runId);
    if (!r.success) throw badRequest('runId: not a valid run id', [{ field: 'runId', message: r.error.issues[0]?.message ?? 'invalid' }]);
    known(id);
    // The run's latest task: a retried run ran several.
    const taskIds = ctx.engine.runView.tasksOfRun(id, r.data);
    const t = taskIds.map((taskId) => extras.findTask(taskId)).filter((x) => x !== undefined).sort((a, b) => b.updatedAt - a.updatedAt)[0];
    if (!t) throw notFound(`request ${id} has no task for run ${r.data}`);
    res.json(taskIdHistory(t, r.data));
  });

  const search = (query: unknown): { objects: SingularityTaskIdHistory[]; total: number; count: number; page: number } => {
    const q = parseInput(taskSearchSchema, query);
    const pool = q.requestId ? [...history.of(q.requestId)] : extras.allEnded();
    const found = searchTasks(pool, q, extras.runIdOf);
    return { objects: found.page.map((t) => taskIdHistory(t, extras.runIdOf(t.taskId))), total: found.total, count: q.count ?? 100, page: q.page ?? 1 };
  };
  router.get('/history/tasks', (req, res) => {
    res.json(search(req.query).objects);
  });
  router.get('/history/tasks/withmetadata', (req, res) => {
    const s = search(req.query);
    const answer: SingularityPaginatedResponse<SingularityTaskIdHistory> = { dataCount: s.total, pageCount: pageCount(s.total, s.count), page: s.page, objects: s.objects };
    res.json(answer);
  });
}
