import type { RequestHistoryType } from '../../contract';
import type { RequestRecord } from '../model';

/**
 * Which of Singularity's RequestHistoryType a change to a request record is, or null when
 * nothing a user would call a change happened (only `updatedAt` moved). Pure, so each rule is
 * one table row in the unit tests.
 */
export function classifyRequestChange(previous: RequestRecord | undefined, next: RequestRecord): { type: RequestHistoryType; note?: string } | null {
  if (!previous) return { type: 'CREATED' };
  if (next.state === 'DELETED') return { type: 'DELETED' };
  if (next.state === 'DELETING' && previous.state !== 'DELETING') return { type: 'DELETING' };
  if (next.state !== previous.state) {
    if (next.state === 'PAUSED') return { type: 'PAUSED' };
    if (next.state === 'DEPLOYING_TO_UNPAUSE') return { type: 'DEPLOYED_TO_UNPAUSE' };
    if (next.state === 'SYSTEM_COOLDOWN') return { type: 'ENTERED_COOLDOWN' };
    if (previous.state === 'SYSTEM_COOLDOWN' && next.state === 'ACTIVE') return { type: 'EXITED_COOLDOWN' };
    if (next.state === 'FINISHED') return { type: 'FINISHED' };
    if (next.state === 'ACTIVE') return { type: 'UNPAUSED' };
  }
  if (JSON.stringify(withoutInstances(previous)) !== JSON.stringify(withoutInstances(next))) return { type: 'UPDATED' };
  if (previous.request.instances !== next.request.instances) {
    return { type: 'SCALED', note: `instances ${previous.request.instances ?? 1} → ${next.request.instances ?? 1}` };
  }
  // Deploy changes are request changes too (Singularity records them only in deploy history;
  // Griddle shows them here as well, so one list tells what happened to a request).
  if (next.pendingDeployId && next.pendingDeployId !== previous.pendingDeployId) {
    return { type: 'UPDATED', note: `deploy ${next.pendingDeployId} started` };
  }
  if (next.activeDeployId !== previous.activeDeployId && next.activeDeployId) {
    return { type: 'UPDATED', note: `deploy ${next.activeDeployId} is active` };
  }
  if (previous.pendingDeployId && !next.pendingDeployId) {
    return { type: 'UPDATED', note: `deploy ${previous.pendingDeployId} ended; ${next.activeDeployId ?? 'no deploy'} stays active` };
  }
  return null;
}

function withoutInstances(r: RequestRecord): unknown {
  const { instances, ...rest } = r.request;
  void instances;
  return rest;
}

export interface HistoryQuery { createdBefore?: number; createdAfter?: number; orderDirection?: 'ASC' | 'DESC'; count?: number; page?: number }

/** Singularity's filter and paging of request history (newest first unless ASC). */
export function queryHistory<T extends { createdAt: number }>(items: readonly T[], q: HistoryQuery): T[] {
  const filtered = items.filter((h) =>
    (q.createdBefore === undefined || h.createdAt < q.createdBefore) && (q.createdAfter === undefined || h.createdAt > q.createdAfter));
  filtered.sort((a, b) => (q.orderDirection === 'ASC' ? a.createdAt - b.createdAt : b.createdAt - a.createdAt));
  const count = q.count ?? 100;
  const page = q.page ?? 1;
  return filtered.slice((page - 1) * count, page * count);
}
