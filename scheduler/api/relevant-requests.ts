import type { RequestRecord } from '../model';

/** Who asks, as the auth middleware found them (`res.locals`): a token's name and groups. */
export interface Caller { name: string; groups?: readonly string[] }

/**
 * Singularity's `filterRelevantForUser`: a named caller sees the requests of its groups (the
 * request's `group`) and those it changed last (the newest request-history entry is theirs, which
 * covers Singularity's "deployed by the user" as deploys are recorded there too). Without a named
 * caller (tokens off: Singularity's default user) nothing is filtered. Griddle keeps no starred
 * requests, Singularity's third reason. Pure.
 */
export function relevantForUser(
  requests: readonly RequestRecord[],
  caller: Caller | undefined,
  lastChangedBy: (requestId: string) => string | null | undefined,
): RequestRecord[] {
  if (!caller) return [...requests];
  return requests.filter((r) => (r.request.group !== undefined && caller.groups?.includes(r.request.group) === true)
    || lastChangedBy(r.request.id) === caller.name);
}
