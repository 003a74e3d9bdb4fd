import type { Request, Response, Router } from 'express';
import { type ApiContext, idParam, requireBody } from '../api-context';
import type { ApiExtras } from '../api-extras';
import { badRequest, notFound, parseInput } from '../http-errors';
import { isRequestId } from '../ids';
import type { ApiToken } from '../auth';
import { forbidden, mayWrite } from '../request-group-gate';
import { groupsUpdateProblems, normalizeGroup, requestGroupSchema, updateGroupsSchema, withGroups } from '../request-groups';

/**
 * Singularity's RequestGroupResource (`/groups`: named lists of request ids, e.g. for the
 * console's filters) and RequestResource's authorization groups of one request.
 */
export function registerGroups(router: Router, ctx: ApiContext, extras: ApiExtras): void {
  const { scheduler, now, writeGuard: w } = ctx;
  const { groups } = extras;
  const groupId = (req: Request): string => idParam(req, 'requestGroupId', isRequestId, 'request group');

  router.get('/groups', (_req, res) => {
    res.json(groups.list());
  });
  router.post('/groups', w, (req, res) => {
    const g = normalizeGroup(parseInput(requestGroupSchema, requireBody(req)));
    groups.save(g);
    res.json(g);
  });
  router.get('/groups/group/:requestGroupId', (req, res) => {
    const id = groupId(req);
    const g = groups.get(id);
    if (!g) throw notFound(`request group ${id} does not exist`);
    res.json(g);
  });
  router.delete('/groups/group/:requestGroupId', w, (req, res) => {
    const id = groupId(req);
    if (!groups.delete(id)) throw notFound(`request group ${id} does not exist`);
    res.status(200).end();
  });

  const parseUpdate = (req: Request) => {
    const u = parseInput(updateGroupsSchema, requireBody(req));
    const problems = groupsUpdateProblems(u);
    if (problems.length) throw badRequest(problems.map((p) => `${p.field}: ${p.message}`).join('; '), problems);
    return u;
  };
  // The caller may change the request now (request-group-gate.ts checked that) and must still be
  // able to once the groups change: no one locks themselves out.
  const updated = (req: Request, res: Response) => {
    const id = idParam(req, 'requestId', isRequestId, 'request');
    const next = withGroups(ctx.requestOr404(id), parseUpdate(req), now());
    const grant = res.locals.grant as ApiToken | undefined;
    if (grant && !mayWrite(grant, next.request)) throw forbidden(grant, next.request);
    return next;
  };
  router.post('/requests/request/:requestId/groups', w, (req, res) => {
    const next = updated(req, res);
    scheduler.putRequest(next);
    res.json(ctx.parent(next));
  });
  // Singularity checks the change without making it: 200 when this caller may make it (a deploy
  // token, in the request's write groups before and after), 403 otherwise.
  router.post('/requests/request/:requestId/groups/auth-check', w, (req, res) => {
    updated(req, res);
    res.status(200).end();
  });
}
