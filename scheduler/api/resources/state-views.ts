import type { Router } from 'express';
import { countsAsInstance, deployKey } from '../../core';
import type { DesiredDeployment, TaskRecord } from '../../model';
import type { ApiContext } from '../api-context';
import type { ApiExtras } from '../api-extras';
import { notFound } from '../http-errors';
import { scheduledTasksInfo } from '../pending-tasks';

/** Requests with fewer live instances than desired, and with more (during no rollout). Pure. */
export function provisioning(desired: readonly DesiredDeployment[], tasks: Iterable<TaskRecord>): { under: string[]; over: string[] } {
  const have = new Map<string, number>();
  for (const t of tasks) if (countsAsInstance(t)) have.set(deployKey(t.requestId, t.deployId), (have.get(deployKey(t.requestId, t.deployId)) ?? 0) + 1);
  return provisioningOf(desired, (key) => have.get(key) ?? 0);
}

/** `provisioning` from each deploy's count of tasks that count as an instance (`live`, by deploy key). */
export function provisioningOf(desired: readonly DesiredDeployment[], live: (key: string) => number): { under: string[]; over: string[] } {
  const under = new Set<string>();
  const over = new Set<string>();
  for (const d of desired) {
    const n = live(deployKey(d.requestId, d.deployId));
    if (n < d.instances) under.add(d.requestId);
    else if (n > d.instances) over.add(d.requestId);
  }
  return { under: [...under].sort(), over: [...over].sort() };
}

/** More of Singularity's StateResource: provisioning lists, reconciliation and scheduling lag. */
export function registerStateViews(router: Router, ctx: ApiContext, extras: ApiExtras): void {
  const { scheduler, engine } = ctx;
  router.get('/state/requests/under-provisioned', (_req, res) => {
    res.json(provisioning(engine.desired(), scheduler.tasks.values()).under);
  });
  router.get('/state/requests/over-provisioned', (_req, res) => {
    res.json(provisioning(engine.desired(), scheduler.tasks.values()).over);
  });
  router.get('/state/task-reconciliation', (_req, res) => {
    const stats = extras.reconciliation();
    if (!stats) throw notFound('no task reconciliation has run yet (this scheduler has not subscribed to a Mesos master as leader)');
    res.json(stats);
  });
  router.get('/state/scheduled-tasks-info', (_req, res) => {
    res.json(scheduledTasksInfo(extras.pendingTasks(), scheduler.requests, ctx.now()));
  });
}
