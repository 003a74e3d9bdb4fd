import type { OfferSlot } from './feasibility';
import type { AgentLoad, TaskDemand } from './task-demand';

/**
 * Most tasks of the demand's deploy one agent may hold under its placement. OPTIMISTIC spreads
 * (by ranking) but stacks when it must, as Singularity's does; the SEPARATE kinds never stack.
 */
export function perAgentLimit(demand: TaskDemand): number {
  switch (demand.placement) {
    case 'SEPARATE':
    case 'SEPARATE_BY_DEPLOY':
    case 'SEPARATE_BY_REQUEST':
    case 'SPREAD_ALL_AGENTS':
      return 1;
    case 'OPTIMISTIC':
    case 'GREEDY':
      return Number.POSITIVE_INFINITY;
  }
}

export function placementAllows(slot: OfferSlot, demand: TaskDemand, load: AgentLoad | undefined, placedOnAgent: AgentLoad): boolean {
  const limit = perAgentLimit(demand);
  const byRequest = demand.placement === 'SEPARATE_BY_REQUEST';
  const key = byRequest ? demand.requestId : demand.group;
  const existing = byRequest ? (load?.byRequest.get(key) ?? 0) + (placedOnAgent.byRequest.get(key) ?? 0)
    : (load?.byDeploy.get(key) ?? 0) + (placedOnAgent.byDeploy.get(key) ?? 0);
  if (existing >= limit) return false;
  if (demand.maxTasksPerOffer !== undefined && (slot.placedByRequest.get(demand.requestId) ?? 0) >= demand.maxTasksPerOffer) return false;
  return true;
}

export function isSeparating(demand: TaskDemand): boolean {
  return perAgentLimit(demand) === 1;
}
