import { attributeText, rangesOf, scalarOf, type Offer, type Range } from '../../mesos-proto';
import { totalOf, type TaskDemand } from './task-demand';

/** An offer with what is still free in it while tasks are being placed into it. */
export interface OfferSlot {
  offer: Offer;
  agentId: string;
  cpus: number;
  memMb: number;
  diskMb: number;
  ports: Range[];
  attributes: Map<string, string>;
  /** Tasks placed into this offer in this round, by request. */
  placedByRequest: Map<string, number>;
  placed: number;
}

export function toSlot(offer: Offer): OfferSlot {
  const attributes = new Map<string, string>();
  for (const a of offer.attributes ?? []) attributes.set(a.name, attributeText(a));
  return {
    offer,
    agentId: offer.agent_id.value,
    cpus: scalarOf(offer.resources, 'cpus'),
    memMb: scalarOf(offer.resources, 'mem'),
    diskMb: scalarOf(offer.resources, 'disk'),
    ports: rangesOf(offer.resources, 'ports').map((r) => ({ begin: r.begin, end: r.end })).sort((a, b) => a.begin - b.begin),
    attributes,
    placedByRequest: new Map(),
    placed: 0,
  };
}

/** Whether the offer's host may get tasks: not on the operator's inactive list (`/api/inactive`). */
export function hostActive(offer: Offer, inactiveHosts: ReadonlySet<string> | undefined): boolean {
  return !inactiveHosts?.has(offer.hostname);
}

const EPSILON = 1e-9;

export function freePortCount(ranges: readonly Range[]): number {
  let n = 0;
  for (const r of ranges) n += r.end - r.begin + 1;
  return n;
}

export function portFree(ranges: readonly Range[], port: number): boolean {
  return ranges.some((r) => port >= r.begin && port <= r.end);
}

/** Attribute rules: every required attribute must match; an allowed attribute, when the agent has it, must match. */
export function attributesFit(slot: OfferSlot, demand: TaskDemand): boolean {
  for (const [name, value] of Object.entries(demand.requiredAttributes ?? {})) {
    if (slot.attributes.get(name) !== value) return false;
  }
  for (const [name, value] of Object.entries(demand.allowedAttributes ?? {})) {
    const have = slot.attributes.get(name);
    if (have !== undefined && have !== value) return false;
  }
  return true;
}

/**
 * The first resource the slot lacks for the demand, as a pending reason, or null when it fits.
 * The task and its executor come out of the same offer (Mesos checks their sum), so both count.
 */
export function resourceShortfall(slot: OfferSlot, demand: TaskDemand): string | null {
  const need = totalOf(demand);
  const withExecutor = demand.executor ? ' (task + executor)' : '';
  if (slot.cpus + EPSILON < need.cpus) return `no offer with ${round(need.cpus)} cpus${withExecutor}`;
  if (slot.memMb + EPSILON < need.memMb) return `no offer with ${round(need.memMb)} MB mem${withExecutor}`;
  if (slot.diskMb + EPSILON < need.diskMb) return `no offer with ${round(need.diskMb)} MB disk${withExecutor}`;
  for (const port of demand.hostPorts) {
    if (!portFree(slot.ports, port)) return `no offer with host port ${port} free`;
  }
  const wanted = need.numPorts + demand.hostPorts.length;
  if (need.numPorts > 0 && freePortCount(slot.ports) < wanted) return `no offer with ${need.numPorts} free ports${withExecutor}`;
  return null;
}

/** Sums like 0.1 + 0.2 read as 0.3 in a pending reason. */
function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
