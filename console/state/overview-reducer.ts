import type { SlimOverview, SlimRequest } from '../../contract/console';
import type { ApiEventFrame } from '../../contract/events';
import { type TaskState, isTerminalState } from '../../mesos-proto/types';

/**
 * What the overview shows, kept current by the event stream: request rows change in place,
 * task counts move with each status update. What an event cannot tell (instance counts,
 * pending reasons) is re-read: `refresh` says so.
 */
export interface OverviewState {
  summary?: SlimOverview;
  requests: ReadonlyMap<string, SlimRequest>;
  /** Requests whose row needs re-reading (their tasks changed). */
  dirty: ReadonlySet<string>;
  /** Everything must be re-read (a gap in the stream, a leader change). */
  stale: boolean;
}

export const emptyOverview = (): OverviewState => ({ requests: new Map(), dirty: new Set(), stale: true });

/** A fresh read of the lists replaces everything and clears the flags. */
export function loaded(summary: SlimOverview, rows: readonly SlimRequest[]): OverviewState {
  return { summary, requests: new Map(rows.map((r) => [r.id, r])), dirty: new Set(), stale: false };
}

/**
 * The rows and the summary are read apart, so the table is drawn as soon as its rows arrive:
 * a fresh read of the rows replaces them all and clears the flags; the summary is kept.
 */
export function rowsLoaded(s: OverviewState, rows: readonly SlimRequest[]): OverviewState {
  return { ...s, requests: new Map(rows.map((r) => [r.id, r])), dirty: new Set(), stale: false };
}

/** Re-read rows of some requests replace theirs; rows of requests gone from the answer go. */
export function rowsReloaded(s: OverviewState, ids: readonly string[], rows: readonly SlimRequest[]): OverviewState {
  const requests = new Map(s.requests);
  const dirty = new Set(s.dirty);
  for (const id of ids) {
    requests.delete(id);
    dirty.delete(id);
  }
  for (const r of rows) requests.set(r.id, r);
  return { ...s, requests, dirty };
}

/**
 * A periodic read of the under-provisioned rows: pending reasons and placement change without
 * an event. Rows in the answer replace theirs; rows that were under-provisioned and are not in
 * it any more are re-read.
 */
export function underProvisionedReloaded(s: OverviewState, summary: SlimOverview, rows: readonly SlimRequest[]): OverviewState {
  const requests = new Map(s.requests);
  const dirty = new Set(s.dirty);
  const fresh = new Set(rows.map((r) => r.id));
  for (const r of s.requests.values()) if (r.underProvisioned && !fresh.has(r.id)) dirty.add(r.id);
  for (const r of rows) requests.set(r.id, r);
  return { ...s, summary, requests, dirty };
}

function withRow(s: OverviewState, id: string, change: (r: SlimRequest) => SlimRequest): OverviewState {
  const row = s.requests.get(id);
  if (!row) return { ...s, dirty: new Set(s.dirty).add(id) };
  return { ...s, requests: new Map(s.requests).set(id, change(row)) };
}

function countTask(summary: SlimOverview | undefined, from: TaskState | undefined, to: TaskState): SlimOverview | undefined {
  if (!summary) return summary;
  const tasksByState = { ...summary.tasksByState };
  if (from !== undefined && !isTerminalState(from) && tasksByState[from]) {
    tasksByState[from]--;
    if (tasksByState[from] === 0) delete tasksByState[from];
  }
  if (!isTerminalState(to)) tasksByState[to] = (tasksByState[to] ?? 0) + 1;
  return { ...summary, tasksByState };
}

export function reduceOverview(s: OverviewState, e: ApiEventFrame): OverviewState {
  const summary = s.summary ? { ...s.summary, lastEventId: Math.max(s.summary.lastEventId, e.id) } : undefined;
  const next: OverviewState = { ...s, summary };
  switch (e.type) {
    case 'task.status': {
      const counted = e.previousState === e.state ? next : { ...next, summary: countTask(next.summary, e.previousState, e.state) };
      return { ...counted, dirty: new Set(counted.dirty).add(e.requestId) };
    }
    case 'task.health':
      return { ...next, dirty: new Set(next.dirty).add(e.requestId) };
    case 'request.created':
      return { ...next, dirty: new Set(next.dirty).add(e.requestId) };
    case 'request.deleted': {
      const requests = new Map(next.requests);
      requests.delete(e.requestId);
      return { ...next, requests };
    }
    case 'request.updated':
      return withRow(next, e.requestId, (r) => ({
        ...r, state: e.state, activeDeployId: e.activeDeployId, pendingDeployId: e.pendingDeployId,
        desired: e.instances !== undefined && (r.type === 'SERVICE' || r.type === 'WORKER') && e.state !== 'PAUSED' ? e.instances : r.desired,
      }));
    case 'deploy.started':
      return withRow(next, e.requestId, (r) => ({ ...r, pendingDeployId: e.deployId }));
    case 'deploy.finished':
      return withRow(next, e.requestId, (r) => ({
        ...r,
        pendingDeployId: r.pendingDeployId === e.deployId ? undefined : r.pendingDeployId,
        activeDeployId: e.deployResult.deployState === 'SUCCEEDED' ? e.deployId : r.activeDeployId,
        lastDeploy: { deployId: e.deployId, state: e.deployResult.deployState, message: e.deployResult.message, timestamp: e.deployResult.timestamp },
      }));
    case 'leader.changed':
      return { ...next, stale: true, summary: next.summary && { ...next.summary, isLeader: e.isLeader } };
    default:
      return next;
  }
}

/** Rows in table order after the filter: id substring (any case), state, under-provisioned only, members of a request group. */
export function visibleRows(s: OverviewState, filter: { q?: string; state?: string; underOnly?: boolean; ids?: ReadonlySet<string> }): SlimRequest[] {
  const needle = filter.q?.trim().toLowerCase();
  const rows: SlimRequest[] = [];
  for (const r of s.requests.values()) {
    if (needle && !r.id.toLowerCase().includes(needle)) continue;
    if (filter.state && r.state !== filter.state) continue;
    if (filter.underOnly && !r.underProvisioned) continue;
    if (filter.ids && !filter.ids.has(r.id)) continue;
    rows.push(r);
  }
  // Under-provisioned first: those are the ones an operator looks for.
  return rows.sort((a, b) => Number(b.underProvisioned) - Number(a.underProvisioned) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
