import type { OfferSlot } from './feasibility';
import type { AgentLoad, TaskDemand } from './task-demand';

/** Most tasks of the demand's deploy one agent may hold under its placement, given what is known. */
export function perAgentLimit(demand: TaskDemand, knownAgents: number): number {
  switch (demand.placement) {
    case 'SEPARATE':
    case 'SEPARATE_BY_DEPLOY':
    case 'SEPARATE_BY_REQUEST':
    case 'SPREAD_ALL_AGENTS':
      return 1;
    case 'OPTIMISTIC':
      return Math.max(1, Math.ceil(demand.instances / Math.max(1, knownAgents)));
    case 'GREEDY':
      return Number.POSITIVE_INFINITY;
  }
}

export function placementAllows(slot: OfferSlot, demand: TaskDemand, load: AgentLoad | undefined, placedOnAgent: AgentLoad, knownAgents: number): boolean {
  const limit = perAgentLimit(demand, knownAgents);
  const byRequest = demand.placement === 'SEPARATE_BY_REQUEST';
  const key = byRequest ? demand.requestId : demand.group;
  const existing = byRequest ? (load?.byRequest.get(key) ?? 0) + (placedOnAgent.byRequest.get(key) ?? 0)
    : (load?.byDeploy.get(key) ?? 0) + (placedOnAgent.byDeploy.get(key) ?? 0);
  if (existing >= limit) return false;
  if (demand.maxTasksPerOffer !== undefined && (slot.placedByRequest.get(demand.requestId) ?? 0) >= demand.maxTasksPerOffer) return false;
  return true;
}

export function isSeparating(demand: TaskDemand): boolean {
  return perAgentLimit(demand, 1) === 1;
}
