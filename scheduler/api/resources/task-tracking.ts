import type { Router } from 'express';
import { type ApiContext, idParam } from '../api-context';
import type { ApiExtras } from '../api-extras';
import { badRequest, notFound } from '../http-errors';
import { isRequestId, isTaskId } from '../ids';

/** Singularity's TaskTrackerResource: one task's state, active or ended, by task id or by run. */
export function registerTaskTracking(router: Router, ctx: ApiContext, extras: ApiExtras): void {
  router.get('/track/task/:taskId', (req, res) => {
    const taskId = idParam(req, 'taskId', isTaskId, 'task');
    const t = extras.findTask(taskId);
    if (!t) throw notFound(`task ${taskId} is unknown (never launched, or aged out of history)`);
    res.json(extras.taskState(t));
  });

  router.get('/track/run/:requestId/:runId', (req, res) => {
    const requestId = idParam(req, 'requestId', isRequestId, 'request');
    const runId = req.params.runId;
    if (typeof runId !== 'string' || !/^[A-Za-z0-9_-]{1,100}$/.test(runId)) throw badRequest('runId: not a valid run id', [{ field: 'runId', message: 'must be 1-100 characters of A-Z, a-z, 0-9, "_" and "-"' }]);
    // The run's latest task, if one ran; else the run may still be queued (pending).
    const tasks = ctx.engine.runView.tasksOfRun(requestId, runId).map((id) => extras.findTask(id)).filter((t) => t !== undefined);
    const latest = tasks.sort((a, b) => b.startedAt - a.startedAt)[0];
    if (latest) {
      res.json({ ...extras.taskState(latest), runId });
      return;
    }
    const queued = ctx.engine.runView.openRunList(requestId).find((run) => run.runId === runId);
    if (queued) {
      const pending = extras.pendingTasks().find((p) => p.runId === runId && p.pendingTaskId.requestId === requestId);
      res.json({ ...(pending ? { pendingTaskId: pending.pendingTaskId } : {}), runId, taskHistory: [], pending: true });
      return;
    }
    throw notFound(`request ${requestId} has no run ${runId}`);
  });
}
