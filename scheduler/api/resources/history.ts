import type { Router } from 'express';
import type { DeployRecord } from '../../model';
import { type ApiContext, idParam } from '../api-context';
import { notFound, parseInput } from '../http-errors';
import { isDeployId, isRequestId, isTaskId } from '../ids';
import { paginate, paginationSchema } from '../params';
import { renderDeployHistory } from '../singularity-shapes';
import { renderTaskHistory } from '../task-views';

/** `/history`: Singularity's HistoryResource, from deploy records and the task history. */
export function registerHistory(router: Router, ctx: ApiContext): void {
  const { scheduler, engine, history } = ctx;
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
    const d = ctx.deployOf(id, deployId);
    if (!d) throw notFound(`deploy ${deployId} of request ${id} does not exist`);
    const progress = engine.pending().find((p) => p.record === d || (p.progress.requestId === id && p.progress.deployId === deployId));
    res.json({ ...renderDeployHistory(d), deployProgress: progress?.view });
  });

  router.get('/history/task/:taskId', async (req, res) => {
    const taskId = idParam(req, 'taskId', isTaskId, 'task');
    const t = ctx.anyTask(taskId);
    if (!t) throw notFound(`task ${taskId} is unknown (never launched, or aged out of history)`);
    const directory = await ctx.sandbox.directoryOf(t);
    const rendered = renderTaskHistory(t, scheduler.requests.get(t.requestId), ctx.deployOf(t.requestId, t.deployId), directory);
    res.json({ ...rendered, shellCommandHistory: ctx.shellCommands?.historyOf(t.taskId) ?? [] });
  });
}
