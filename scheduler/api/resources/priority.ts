import { randomUUID } from 'node:crypto';
import type { Router } from 'express';
import * as z from 'zod';
import type { SingularityPriorityFreezeParent } from '../../../contract';
import { type ApiContext, idParam, requireBody } from '../api-context';
import { badRequest, notFound, parseInput } from '../http-errors';
import { isRequestId } from '../ids';
import { message } from '../params';
import { expiringAction, expiringBodyFields } from './expiring';

/** SingularityPriorityFreeze; Singularity requires 0 < minimumPriorityLevel ≤ 1. */
const freezeSchema = z.object({
  minimumPriorityLevel: z.number().gt(0, 'minimumPriorityLevel must be greater than 0 and less than or equal to 1').max(1),
  killTasks: z.boolean().optional(),
  message,
  actionId: z.string().max(200).optional(),
});

/** SingularityPriorityRequest. */
const priorityRequestSchema = z.object({ priority: z.number().min(0).max(1), ...expiringBodyFields });

/**
 * Singularity's PriorityResource (`/priority/freeze`) and RequestResource's `PUT …/priority`:
 * requests below the freeze's level get no new tasks (and with `killTasks` lose their running
 * ones); higher `taskPriorityLevel` is placed first when offers run short.
 */
export function registerPriority(router: Router, ctx: ApiContext): void {
  const { scheduler, now, writeGuard: w } = ctx;
  router.get('/priority/freeze', (_req, res) => {
    const freeze = scheduler.priorityFreeze;
    if (!freeze) throw notFound('no active priority freeze');
    res.json(freeze);
  });
  router.post('/priority/freeze', w, (req, res) => {
    const input = parseInput(freezeSchema, requireBody(req));
    const user = typeof res.locals.user === 'string' ? res.locals.user : undefined;
    const parent: SingularityPriorityFreezeParent = {
      priorityFreeze: {
        minimumPriorityLevel: input.minimumPriorityLevel,
        killTasks: input.killTasks ?? false,
        message: input.message,
        actionId: input.actionId ?? randomUUID(),
      },
      timestamp: now(),
      user,
    };
    scheduler.setPriorityFreeze(parent);
    res.json(parent);
  });
  router.delete('/priority/freeze', w, (_req, res) => {
    if (!scheduler.priorityFreeze) throw badRequest('No active priority freeze to delete.');
    scheduler.setPriorityFreeze(null);
    res.status(204).end();
  });
  // With durationMillis the priority is back to what it was when the time is up (as Singularity);
  // DELETE …/priority, with the other expiring actions in expiring.ts, keeps it.
  router.put('/requests/request/:requestId/priority', w, (req, res) => {
    const id = idParam(req, 'requestId', isRequestId, 'request');
    const input = parseInput(priorityRequestSchema, requireBody(req));
    const record = ctx.requestOr404(id);
    const next = { ...record, request: { ...record.request, taskPriorityLevel: input.priority }, updatedAt: now() };
    scheduler.putRequest(next);
    if (input.durationMillis !== undefined) {
      const revertToPriority = record.request.taskPriorityLevel;
      ctx.expiring?.save({ kind: 'priority', action: { ...expiringAction(ctx, id, res, input), ...(revertToPriority !== undefined ? { revertToPriority } : {}) } });
    } else ctx.expiring?.drop(id, 'priority');
    res.json(ctx.parent(next));
  });
}
