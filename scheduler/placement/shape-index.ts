import type { OfferSlot } from './feasibility';
import { isSeparating } from './placement-rules';
import { totalOf, type TaskDemand } from './task-demand';

/** What decides whether a slot can take a demand at all: resources, ports, attributes. */
export function shapeKey(demand: TaskDemand): string {
  const t = totalOf(demand);
  return JSON.stringify([t.cpus, t.memMb, t.diskMb, t.numPorts, demand.hostPorts, demand.requiredAttributes ?? {}, demand.allowedAttributes ?? {}]);
}

/**
 * Pending work indexed by resource shape: which slots can take a demand of each shape. Slots
 * only shrink while tasks are placed, so a list computed for a shape stays a superset of the
 * fitting slots; each use re-checks and keeps the shorter list. Many deploys of one shape thus
 * share the search, and once the offers are used up later deploys find an empty list.
 */
export class ShapeIndex {
  private readonly byShape = new Map<string, number[]>();

  constructor(private readonly slots: readonly OfferSlot[], private readonly fits: (slot: OfferSlot, demand: TaskDemand) => boolean) {}

  /** Indexes (into the slot list) of the slots that fit the demand now. */
  fitting(demand: TaskDemand): number[] {
    const key = shapeKey(demand);
    const before = this.byShape.get(key);
    const now = (before ?? this.slots.map((_s, i) => i)).filter((i) => this.fits(this.slots[i], demand));
    this.byShape.set(key, now);
    return now;
  }
}

/**
 * Pending reasons of deploys left unplaced, reused while no task was placed since: a thousand
 * deploys waiting for the same offers get the same answer without scanning every offer again.
 * Separating placements depend on their own deploy's spread, so they are never reused.
 */
export class ReasonCache {
  private version = 0;
  private readonly cache = new Map<string, { version: number; reason: string }>();

  changed(): void {
    this.version++;
  }

  get(demand: TaskDemand, compute: () => string): string {
    if (isSeparating(demand)) return compute();
    const key = `${shapeKey(demand)}|${demand.placement}|${demand.maxTasksPerOffer ?? ''}`;
    const hit = this.cache.get(key);
    if (hit && hit.version === this.version) return hit.reason;
    const reason = compute();
    this.cache.set(key, { version: this.version, reason });
    return reason;
  }
}
