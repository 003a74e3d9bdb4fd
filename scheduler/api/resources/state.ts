import type { Router } from 'express';
import { countsAsInstance } from '../../core';
import { deployKey } from '../../deploys';
import type { ApiContext } from '../api-context';
import { deployMarker } from '../singularity-shapes';

/** `/state`: Singularity's StateResource (SingularityState), counted from the live maps. */
export function registerState(router: Router, ctx: ApiContext): void {
  const { scheduler, engine } = ctx;
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
    const oldest = pending.reduce((m, p) => Math.min(m, p.record.createdAt), Number.POSITIVE_INFINITY);
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
      oldestDeploy: oldest === Number.POSITIVE_INFINITY ? 0 : oldest,
      activeDeploys: pending.map((p) => deployMarker(p.record)),
      underProvisionedRequestIds: [...under],
      overProvisionedRequestIds: [...over],
      underProvisionedRequests: under.size,
      overProvisionedRequests: over.size,
      pendingTasks,
      leader: { isLeader: scheduler.isLeader },
      generatedAt: ctx.now(),
    });
  });
}
