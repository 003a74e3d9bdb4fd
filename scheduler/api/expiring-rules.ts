import type {
  SingularityExpiringBounce, SingularityExpiringFields, SingularityExpiringPause, SingularityExpiringPriority,
  SingularityExpiringScale, SingularityExpiringSkipHealthchecks,
} from '../../contract';

/**
 * Expiring request actions as pure rules: when each one is up and what undoing it means. The
 * leader's tick asks `dueReverts` with its clock and applies the answer; records stay in the
 * store until applied, so the expiry is level-triggered and survives a failover.
 */

export type ExpiringAction =
  | { kind: 'scale'; action: SingularityExpiringScale }
  | { kind: 'pause'; action: SingularityExpiringPause }
  | { kind: 'bounce'; action: SingularityExpiringBounce }
  | { kind: 'skipHealthchecks'; action: SingularityExpiringSkipHealthchecks }
  | { kind: 'priority'; action: SingularityExpiringPriority };

export type ExpiringKind = ExpiringAction['kind'];
export const EXPIRING_KINDS: readonly ExpiringKind[] = ['scale', 'pause', 'bounce', 'skipHealthchecks', 'priority'];

/** What the leader does when an action is up. */
export type Revert =
  | { kind: 'scale'; requestId: string; instances: number | undefined; actionId: string }
  | { kind: 'pause'; requestId: string; actionId: string }
  | { kind: 'bounce'; requestId: string; actionId: string }
  | { kind: 'skipHealthchecks'; requestId: string; skipHealthchecks: boolean; actionId: string }
  | { kind: 'priority'; requestId: string; priority: number | undefined; actionId: string };

/** The store key of a request's action of one kind: one of each kind per request at a time. */
export const expiringKey = (requestId: string, kind: ExpiringKind): string => `${requestId}/${kind}`;

/** When the action is up, or null when it has no duration (it never expires). */
export function expiresAt(e: ExpiringAction): number | null {
  const d = e.action.expiringAPIRequestObject.durationMillis;
  return d === undefined ? null : e.action.startMillis + d;
}

/**
 * Undoing an action: back to the instances before the scale, unpaused, health checks and the
 * priority back as they were; a bounce's duration is its timeout, so an unfinished bounce is abandoned.
 */
export function revertOf(e: ExpiringAction): Revert {
  const { requestId, actionId } = e.action;
  switch (e.kind) {
    case 'scale': return { kind: 'scale', requestId, actionId, instances: e.action.revertToInstances };
    case 'pause': return { kind: 'pause', requestId, actionId };
    case 'bounce': return { kind: 'bounce', requestId, actionId };
    case 'skipHealthchecks': return { kind: 'skipHealthchecks', requestId, actionId, skipHealthchecks: e.action.revertToSkipHealthchecks ?? false };
    case 'priority': return { kind: 'priority', requestId, actionId, priority: e.action.revertToPriority };
  }
}

/** The reverts due at `now`, oldest expiry first (so two of one request apply in time order). */
export function dueReverts(actions: Iterable<ExpiringAction>, now: number): Revert[] {
  return [...actions]
    .map((e) => ({ e, at: expiresAt(e) }))
    .filter((x): x is { e: ExpiringAction; at: number } => x.at !== null && x.at <= now)
    .sort((a, b) => a.at - b.at)
    .map((x) => revertOf(x.e));
}

/** The request parent's `expiring…` fields for one request's actions. */
export function expiringFields(actions: Iterable<ExpiringAction>): SingularityExpiringFields {
  const out: SingularityExpiringFields = {};
  for (const e of actions) {
    if (e.kind === 'scale') out.expiringScale = e.action;
    else if (e.kind === 'pause') out.expiringPause = e.action;
    else if (e.kind === 'bounce') out.expiringBounce = e.action;
    else if (e.kind === 'priority') out.expiringPriority = e.action;
    else out.expiringSkipHealthchecks = e.action;
  }
  return out;
}

/** Singularity's field name of a kind, for messages (`SingularityExpiringScale`). */
export const expiringClassName = (kind: ExpiringKind): string => `SingularityExpiring${kind[0].toUpperCase()}${kind.slice(1)}`;
