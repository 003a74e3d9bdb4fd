import type { OfferSlot } from './feasibility';
import type { TaskDemand } from './task-demand';

/** Singularity's `defaultTaskPriorityLevel`: what a request without `taskPriorityLevel` gets. */
export const DEFAULT_TASK_PRIORITY = 0.3;

/**
 * The order demands are placed in: higher priority first, so that when offers run short the
 * important tasks get them; equal priorities keep their order (stable sort). Pure.
 */
export function byPriority(demands: readonly TaskDemand[]): TaskDemand[] {
  return [...demands].sort((a, b) => (b.priority ?? DEFAULT_TASK_PRIORITY) - (a.priority ?? DEFAULT_TASK_PRIORITY));
}

/**
 * Lower is better. Spread: fewest tasks of the same request on the agent first, then the
 * emptiest offer. GREEDY packs instead: the fullest offer that still fits first.
 */
export function rankSlot(slot: OfferSlot, demand: TaskDemand, sameRequestOnAgent: number): number {
  if (demand.placement === 'GREEDY') return -slot.placed * 1e6 + slot.cpus;
  return sameRequestOnAgent * 1e6 - slot.cpus;
}
