/**
 * Singularity's group authorization for writes: a request with an owning `group` or
 * `readWriteGroups` may be changed only by a user in one of them. Griddle's users are its API
 * tokens; a token given groups in the tokens file is held to them, one without is not (as
 * before groups). Reads are not restricted. Paths are relative to the router's mount point.
 */
import type { NextFunction, Request, Response } from 'express';
import type { SingularityRequest } from '../../contract';
import type { ApiToken } from './auth';
import { HttpError } from './http-errors';

type Body = Record<string, unknown>;
const bodyOf = (req: Request): Body => (req.body !== null && typeof req.body === 'object' ? (req.body as Body) : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** The request a write acts on, from its path or body; task paths go through `requestOfTask`. */
export function targetRequest(req: Request, requestOfTask: (taskId: string) => string | undefined): string | undefined {
  if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return undefined;
  const p = req.path;
  let m = /^\/requests\/request\/([^/]+)/.exec(p) ?? /^\/deploys\/deploy\/[^/]+\/request\/([^/]+)/.exec(p);
  if (m) return decodeURIComponent(m[1]);
  m = /^\/tasks\/task\/([^/]+)/.exec(p);
  if (m) return requestOfTask(decodeURIComponent(m[1]));
  if (/^\/requests\/?$/.test(p)) return str(bodyOf(req).id);
  if (/^\/deploys\/?$/.test(p)) return str((bodyOf(req).deploy as Body | undefined)?.requestId);
  if (/^\/deploys\/update\/?$/.test(p)) return str(bodyOf(req).requestId);
  return undefined;
}

/** The groups that may change a request: its owner and its read-write groups (none: anyone). */
export function writeGroups(r: Pick<SingularityRequest, 'group' | 'readWriteGroups'>): string[] {
  return [...(r.group ? [r.group] : []), ...(r.readWriteGroups ?? [])];
}

/** Whether a caller may change a request: unrestricted callers and requests without groups always. */
export function mayWrite(grant: Pick<ApiToken, 'groups'> | undefined, r: Pick<SingularityRequest, 'group' | 'readWriteGroups'>): boolean {
  const allowed = writeGroups(r);
  if (allowed.length === 0 || grant?.groups === undefined) return true;
  return grant.groups.some((g) => allowed.includes(g));
}

export function forbidden(grant: ApiToken, r: SingularityRequest): HttpError {
  return new HttpError(403, `token "${grant.name}" (groups: ${grant.groups?.join(', ') || 'none'}) may not change request ${r.id}: it belongs to ${writeGroups(r).join(', ')}`);
}

/** Middleware (after auth and the JSON body parser): refuses a write to a request of groups the caller is not in. */
export function requestGroupGate(requestOf: (id: string) => SingularityRequest | undefined, requestOfTask: (taskId: string) => string | undefined) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const grant = res.locals.grant as ApiToken | undefined;
    if (grant?.groups === undefined) return next();
    const id = targetRequest(req, requestOfTask);
    const r = id === undefined ? undefined : requestOf(id);
    if (r && !mayWrite(grant, r)) throw forbidden(grant, r);
    // A request created or replaced with groups must leave its author able to change it.
    if (req.method === 'POST' && /^\/requests\/?$/.test(req.path)) {
      const incoming = bodyOf(req) as Partial<SingularityRequest>;
      const groups = { group: str(incoming.group), readWriteGroups: Array.isArray(incoming.readWriteGroups) ? incoming.readWriteGroups.filter((g) => typeof g === 'string') : undefined };
      if (!mayWrite(grant, groups)) throw forbidden(grant, { ...groups, id: str(incoming.id) ?? '(new)' } as SingularityRequest);
    }
    next();
  };
}
