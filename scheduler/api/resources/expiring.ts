import { randomUUID } from 'node:crypto';
import type { Request, Response, Router } from 'express';
import * as z from 'zod';
import type { SingularityExpiringAction, SingularityExpiringRequestBody } from '../../../contract';
import type { RequestRecord } from '../../model';
import { type ApiContext, idParam, requireBody } from '../api-context';
import { expiringClassName, type ExpiringKind } from '../expiring-rules';
import { badRequest, notFound, parseInput } from '../http-errors';
import { isRequestId } from '../ids';
import { message } from '../params';

/** The fields every expiring action body adds (SingularityExpiringRequestParent). */
export const expiringBodyFields = {
  durationMillis: z.number().int().min(1).max(366 * 24 * 3600 * 1000).optional(),
  actionId: z.string().max(200).optional(),
  message,
};

export const skipHealthchecksSchema = z.object({ skipHealthchecks: z.boolean(), ...expiringBodyFields });

/** The common part of an expiring action started now by the caller of `res`. */
export function expiringAction<T extends SingularityExpiringRequestBody>(ctx: ApiContext, requestId: string, res: Response, body: T): SingularityExpiringAction<T> {
  const user = typeof res.locals.user === 'string' ? res.locals.user : undefined;
  return { requestId, ...(user ? { user } : {}), startMillis: ctx.now(), actionId: body.actionId ?? randomUUID(), expiringAPIRequestObject: body };
}

const PATHS: [string, ExpiringKind][] = [
  ['scale', 'scale'], ['pause', 'pause'], ['bounce', 'bounce'], ['skip-healthchecks', 'skipHealthchecks'], ['skipHealthchecks', 'skipHealthchecks'], ['priority', 'priority'],
];

/**
 * RequestResource's expiring-action routes: `PUT …/skip-healthchecks` (with or without a
 * duration) and `DELETE …/scale|pause|bounce|skip-healthchecks|priority`, which cancels the expiry and
 * keeps the action as it is ("makes it permanent", as Singularity words it). Scale, pause and
 * bounce with `durationMillis` are started by their own routes in `requests.ts`, priority in
 * `priority.ts`.
 */
export function registerExpiring(router: Router, ctx: ApiContext): void {
  const { scheduler, writeGuard: w } = ctx;
  const requestId = (req: Request): string => idParam(req, 'requestId', isRequestId, 'request');
  const expiring = (): NonNullable<ApiContext['expiring']> => {
    if (!ctx.expiring) throw badRequest('expiring actions are not enabled');
    return ctx.expiring;
  };

  const putSkip = (req: Request, res: Response): void => {
    const id = requestId(req);
    const input = parseInput(skipHealthchecksSchema, requireBody(req));
    const r = ctx.requestOr404(id);
    const previous = r.request.skipHealthchecks ?? false;
    const next: RequestRecord = { ...r, request: { ...r.request, skipHealthchecks: input.skipHealthchecks }, updatedAt: ctx.now() };
    scheduler.putRequest(next);
    if (input.durationMillis !== undefined) {
      expiring().save({ kind: 'skipHealthchecks', action: { ...expiringAction(ctx, id, res, input), revertToSkipHealthchecks: previous } });
    } else {
      expiring().drop(id, 'skipHealthchecks');
    }
    res.json(ctx.parent(scheduler.requests.get(id) ?? next));
  };
  router.put('/requests/request/:requestId/skip-healthchecks', w, putSkip);
  router.put('/requests/request/:requestId/skipHealthchecks', w, putSkip);

  for (const [path, kind] of PATHS) {
    router.delete(`/requests/request/:requestId/${path}`, w, (req, res) => {
      const id = requestId(req);
      const r = ctx.requestOr404(id);
      if (!expiring().drop(id, kind)) throw notFound(`${expiringClassName(kind)} didn't have an expiring ${id} request`);
      ctx.log?.info({ requestId: id, kind, user: res.locals.user }, 'expiring action canceled; the action stays');
      res.json(ctx.parent(r));
    });
  }
}
