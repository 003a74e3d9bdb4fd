import type { Request, Router } from 'express';
import type {
  SingularityKilledTaskIdRecord, SingularityTaskCleanup, SingularityTaskCounts, SingularityTaskHistoryUpdate, SingularityTaskIdsByStatus,
} from '../../../contract';
import { countsAsInstance } from '../../core';
import type { TaskRecord } from '../../model';
import { type ApiContext, idParam } from '../api-context';
import type { ApiExtras } from '../api-extras';
import { badRequest, notFound } from '../http-errors';
import { isRequestId } from '../ids';
import { parsePendingTaskId } from '../pending-tasks';
import { isTaskHealthy, renderTask, taskIdObject } from '../singularity-shapes';
import { taskCleanupType, taskUpdates } from '../task-views';

const AGENT_ID = /^[A-Za-z0-9_.:-]{1,200}$/;

/**
 * More of Singularity's TaskResource: scheduled (pending) tasks, a request's task ids by status
 * and counts, tasks per agent, id lists, state lists, and the tasks being cleaned or killed.
 * None of these paths can be taken by `tasks.ts`'s `/tasks/task/:taskId`.
 */
export function registerTaskViews(router: Router, ctx: ApiContext, extras: ApiExtras): void {
  const { scheduler, engine } = ctx;
  const requestId = (req: Request): string => idParam(req, 'requestId', isRequestId, 'request');
  const agentId = (req: Request): string => idParam(req, 'agentId', (s) => AGENT_ID.test(s), 'agent');
  const active = (): TaskRecord[] => [...scheduler.tasks.values()].filter((t) => countsAsInstance(t) || t.killRequestedAt !== undefined);
  const render = (t: TaskRecord) => renderTask(t, scheduler.requests.get(t.requestId), ctx.deployOf(t.requestId, t.deployId));
  const cleanup = (t: TaskRecord): SingularityTaskCleanup => ({
    cleanupType: taskCleanupType(t, scheduler.requests.get(t.requestId), ctx.deployOf(t.requestId, t.deployId), engine.progressOf(t.requestId)?.kind),
    timestamp: t.killRequestedAt ?? t.updatedAt, taskId: taskIdObject(t.taskId, t), ...(t.killReason ? { message: t.killReason } : {}),
  });

  router.get('/tasks/scheduled', (_req, res) => {
    res.json(extras.pendingTasks().map((p) => extras.taskRequest(p)).filter((x) => x !== undefined));
  });
  router.get('/tasks/scheduled/ids', (_req, res) => {
    res.json(extras.pendingTasks().map((p) => p.pendingTaskId));
  });
  router.get('/tasks/scheduled/request/:requestId', (req, res) => {
    const id = requestId(req);
    res.json(extras.pendingTasks().filter((p) => p.pendingTaskId.requestId === id).map((p) => extras.taskRequest(p)).filter((x) => x !== undefined));
  });
  router.get('/tasks/scheduled/task/:pendingTaskId', (req, res) => {
    const raw = String(req.params.pendingTaskId);
    const wanted = raw.length <= 400 ? parsePendingTaskId(raw) : null;
    if (!wanted) throw badRequest('pendingTaskId: not a pending task id (requestId-deployId-nextRunAt-instanceNo-pendingType-createdAt)', [{ field: 'pendingTaskId', message: 'not a pending task id' }]);
    // Matched on what identifies the slot; its times move with backoffs.
    const p = extras.pendingTasks().find((x) => x.pendingTaskId.requestId === wanted.requestId && x.pendingTaskId.deployId === wanted.deployId && x.pendingTaskId.instanceNo === wanted.instanceNo);
    const answer = p && extras.taskRequest(p);
    if (!answer) throw notFound(`no pending task ${raw}`);
    res.json(answer);
  });

  router.get('/tasks/ids/request/:requestId', (req, res) => {
    const id = requestId(req);
    const r = ctx.requestOr404(id);
    const out: SingularityTaskIdsByStatus = { healthy: [], notYetHealthy: [], pending: [], cleaning: [], loadBalanced: [], killed: [] };
    for (const t of scheduler.tasks.values()) {
      if (t.requestId !== id) continue;
      const idObj = taskIdObject(t.taskId, t);
      if (t.killRequestedAt !== undefined) {
        out.cleaning.push(idObj);
        if (t.state === 'TASK_KILLING') out.killed.push(idObj);
      } else if (isTaskHealthy(t, ctx.deployOf(id, t.deployId)?.deploy, r.request)) {
        out.healthy.push(idObj);
        if (r.request.loadBalanced) out.loadBalanced.push(idObj);
      } else if (countsAsInstance(t)) out.notYetHealthy.push(idObj);
    }
    out.pending = extras.pendingTasks().filter((p) => p.pendingTaskId.requestId === id).map((p) => p.pendingTaskId);
    res.json(out);
  });
  router.get('/tasks/counts/request/:requestId', (req, res) => {
    const id = requestId(req);
    ctx.requestOr404(id);
    const mine = [...scheduler.tasks.values()].filter((t) => t.requestId === id);
    const counts: SingularityTaskCounts = {
      requestId: id,
      active: mine.filter(countsAsInstance).length,
      pending: extras.pendingTasks().filter((p) => p.pendingTaskId.requestId === id).length,
      cleaning: mine.filter((t) => t.killRequestedAt !== undefined).length,
    };
    res.json(counts);
  });

  for (const word of ['slave', 'agent']) {
    router.get(`/tasks/active/${word}/:agentId`, (req, res) => {
      const id = agentId(req);
      res.json(active().filter((t) => t.agentId === id).map(render));
    });
    router.get(`/tasks/active/${word}/:agentId/ids`, (req, res) => {
      const id = agentId(req);
      res.json(active().filter((t) => t.agentId === id).map((t) => taskIdObject(t.taskId, t)));
    });
  }
  router.get('/tasks/active/ids', (_req, res) => {
    res.json(active().map((t) => taskIdObject(t.taskId, t)));
  });
  router.get('/tasks/active/states', (_req, res) => {
    const out: Record<string, SingularityTaskHistoryUpdate[]> = {};
    for (const t of active()) out[t.taskId] = taskUpdates(t);
    res.json(out);
  });
  router.get('/tasks/cleaning', (_req, res) => {
    res.json(active().filter((t) => t.killRequestedAt !== undefined && t.state !== 'TASK_KILLING').map(cleanup));
  });
  router.get('/tasks/killed', (_req, res) => {
    res.json(active().filter((t) => t.state === 'TASK_KILLING').map((t): SingularityKilledTaskIdRecord => {
      const c = cleanup(t);
      return { taskId: c.taskId, timestamp: t.updatedAt, originalTimestamp: c.timestamp, taskCleanupType: c.cleanupType, retries: 0 };
    }));
  });
}
