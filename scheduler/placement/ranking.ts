import type { OfferSlot } from './feasibility';
import type { TaskDemand } from './task-demand';

/**
 * Lower is better. Spread: fewest tasks of the same request on the agent first, then the
 * emptiest offer. GREEDY packs instead: the fullest offer that still fits first.
 */
export function rankSlot(slot: OfferSlot, demand: TaskDemand, sameRequestOnAgent: number): number {
  if (demand.placement === 'GREEDY') return -slot.placed * 1e6 + slot.cpus;
  return sameRequestOnAgent * 1e6 - slot.cpus;
}
