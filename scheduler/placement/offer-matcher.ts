import type { Offer, Range, Resource } from '../../mesos-proto';
import type { MachineState } from '../../contract';
import { attributesFit, hostActive, resourceShortfall, toSlot, type OfferSlot } from './feasibility';
import { acceptsNewTasks, heldAgentsReason } from './machine-rules';
import { isSeparating, placementAllows } from './placement-rules';
import { byPriority, rankSlot } from './ranking';
import { ReasonCache, ShapeIndex } from './shape-index';
import { SlotHeap, type RankedSlot } from './slot-heap';
import { emptyLoad, totalOf, type AgentLoad, type TaskDemand } from './task-demand';

export interface Assignment {
  demand: TaskDemand;
  offer: Offer;
  /** Host ports for the task: the numPorts taken from ranges, then the literal ones. */
  ports: number[];
  /** Resources to put in the TaskInfo, carved out of the offer. */
  resources: Resource[];
  /** The executor's resources (ExecutorInfo.resources), carved out of the same offer beside the task's. */
  executorResources: Resource[];
  /** Ports taken for the executor (disjoint from the task's). */
  executorPorts: number[];
}

export interface MatchResult {
  assignments: Assignment[];
  /** Per demand group: why its remaining tasks were not placed. */
  unplaced: Map<string, { count: number; reason: string }>;
  /** Slots ranked while matching: the work done, which tests bound. */
  evaluations: number;
}

export interface MatchInput {
  demands: readonly TaskDemand[];
  offers: readonly Offer[];
  /** Tasks already on each agent (by agent id). */
  loads: ReadonlyMap<string, AgentLoad>;
  /** Agents the scheduler knows of (from offers and tasks), for SEPARATE's pending reason. */
  knownAgents: number;
  /** Hosts marked inactive: their offers are not used. */
  inactiveHosts?: ReadonlySet<string>;
  /** Maintenance state by agent id (agent and rack combined); absent = ACTIVE. */
  agentStates?: ReadonlyMap<string, MachineState>;
}

const NO_LOAD: AgentLoad = emptyLoad();

function takePorts(slot: OfferSlot, count: number, literal: readonly number[]): number[] {
  const taken: number[] = [];
  let ranges = slot.ports;
  const remove = (port: number): void => {
    const next: Range[] = [];
    for (const r of ranges) {
      if (port < r.begin || port > r.end) next.push(r);
      else {
        if (port > r.begin) next.push({ begin: r.begin, end: port - 1 });
        if (port < r.end) next.push({ begin: port + 1, end: r.end });
      }
    }
    ranges = next;
  };
  for (const p of literal) remove(p);
  for (let i = 0; i < count; i++) {
    const port = ranges[0].begin;
    remove(port);
    taken.push(port);
  }
  slot.ports = ranges;
  return [...taken, ...literal];
}

/** A resource shaped like the offered one of that name (role, reservation, allocation_info kept). */
function carve(offer: Offer, name: string, value: { scalar?: number; ports?: number[] }): Resource {
  const template = offer.resources?.find((r) => r.name === name);
  const base: Resource = { name, type: value.ports ? 'RANGES' : 'SCALAR' };
  if (template?.role !== undefined) base.role = template.role;
  if (template?.allocation_info) base.allocation_info = template.allocation_info;
  if (template?.reservation) base.reservation = template.reservation;
  if (value.ports) {
    const sorted = [...value.ports].sort((a, b) => a - b);
    const range: Range[] = [];
    for (const p of sorted) {
      const last = range[range.length - 1];
      if (last && last.end + 1 === p) last.end = p;
      else range.push({ begin: p, end: p });
    }
    base.ranges = { range: range.slice() };
  } else {
    base.scalar = { value: value.scalar ?? 0 };
  }
  return base;
}

function why(slots: readonly OfferSlot[], demand: TaskDemand, knownAgents: number, loads: ReadonlyMap<string, AgentLoad>, placed: Map<string, AgentLoad>, held: readonly MachineState[]): string {
  if (slots.length === 0) return held.length > 0 ? heldAgentsReason(held) : 'waiting for offers';
  const byAttributes = slots.filter((s) => attributesFit(s, demand));
  if (byAttributes.length === 0) {
    const wanted = Object.entries({ ...demand.allowedAttributes, ...demand.requiredAttributes }).map(([k, v]) => `${k}=${v}`).join(', ');
    return `no offer from an agent with attributes ${wanted}`;
  }
  let shortfall: string | null = null;
  const fitting = byAttributes.filter((s) => {
    const lack = resourceShortfall(s, demand);
    shortfall ??= lack;
    return lack === null;
  });
  if (fitting.length === 0) return shortfall ?? 'no offer fits';
  if (isSeparating(demand)) {
    const free = fitting.filter((s) => placementAllows(s, demand, loads.get(s.agentId), placed.get(s.agentId) ?? emptyLoad()));
    if (free.length === 0) return `${demand.placement} needs ${demand.instances} agents, ${knownAgents} known`;
  }
  if (demand.maxTasksPerOffer !== undefined) return `maxTasksPerOffer ${demand.maxTasksPerOffer} reached in every offer`;
  return `${demand.placement} allows no more tasks on the offered agents`;
}

/**
 * Places pending tasks into offers: the agents' maintenance states (only ACTIVE agents take
 * new tasks) → feasibility (attributes, resources, ports) → placement
 * rules → ranking → the best slot. Several tasks may share one offer; each placed task shrinks
 * what its offer has left. Pure: offers and demands are not modified.
 *
 * The cost does not grow with pending tasks × offers: the offers that fit a resource shape are
 * found once per shape (and only shrink), each deploy ranks them in a heap, and a placement
 * costs a heap step. `evaluations` counts the slots ranked, for the tests that guard this.
 */
export function matchOffers(input: MatchInput): MatchResult {
  const held: MachineState[] = [];
  const slots = input.offers.filter((o) => hostActive(o, input.inactiveHosts)).map(toSlot).filter((s) => {
    const state = input.agentStates?.get(s.agentId);
    if (acceptsNewTasks(state)) return true;
    held.push(state!);
    return false;
  });
  const placedOnAgent = new Map<string, AgentLoad>();
  const assignments: Assignment[] = [];
  const unplaced = new Map<string, { count: number; reason: string }>();
  const groups = new Map<string, TaskDemand[]>();
  for (const d of byPriority(input.demands)) {
    let g = groups.get(d.group);
    if (!g) groups.set(d.group, (g = []));
    g.push(d);
  }
  const fits = (s: OfferSlot, d: TaskDemand): boolean => attributesFit(s, d) && resourceShortfall(s, d) === null;
  const shapes = new ShapeIndex(slots, fits);
  const reasons = new ReasonCache();
  let evaluations = 0;
  for (const [group, demands] of groups) {
    const sample = demands[0];
    const rankOf = (slot: OfferSlot): number => {
      evaluations++;
      const placed = placedOnAgent.get(slot.agentId) ?? NO_LOAD;
      const sameRequest = (input.loads.get(slot.agentId)?.byRequest.get(sample.requestId) ?? 0) + (placed.byRequest.get(sample.requestId) ?? 0);
      return rankSlot(slot, sample, sameRequest);
    };
    const allows = (slot: OfferSlot): boolean => placementAllows(slot, sample, input.loads.get(slot.agentId), placedOnAgent.get(slot.agentId) ?? NO_LOAD);
    // Within a deploy a slot only gets worse (fewer resources, more tasks of the deploy on its
    // agent), except the one just placed into, which is pushed again with its new rank.
    const heap = new SlotHeap(shapes.fitting(sample).filter((i) => allows(slots[i])).map((index) => ({ item: slots[index], index, rank: rankOf(slots[index]) })));
    let i = 0;
    for (; i < demands.length; i++) {
      const best = nextBest(heap, (slot) => fits(slot, sample) && allows(slot), rankOf);
      if (!best) break;
      assignments.push(place(best.item, demands[i], placedOnAgent));
      reasons.changed();
      heap.pop();
      if (fits(best.item, sample)) heap.push({ ...best, rank: rankOf(best.item) });
    }
    if (i < demands.length) {
      const reason = slots.length === 0 && held.length === 0 && input.offers.length > 0
        ? 'every offer is from a host marked inactive'
        : reasons.get(sample, () => why(slots, sample, input.knownAgents, input.loads, placedOnAgent, held));
      unplaced.set(group, { count: demands.length - i, reason });
    }
  }
  return { assignments, unplaced, evaluations };
}

/** The top of the heap once it is usable and its stored rank is current; drops slots that no longer qualify. */
function nextBest(heap: SlotHeap<OfferSlot>, usable: (s: OfferSlot) => boolean, rankOf: (s: OfferSlot) => number): RankedSlot<OfferSlot> | null {
  for (let top = heap.peek(); top; top = heap.peek()) {
    if (!usable(top.item)) {
      heap.pop();
      continue;
    }
    const rank = rankOf(top.item);
    if (rank === top.rank) return top;
    heap.pop();
    heap.push({ ...top, rank });
  }
  return null;
}

function place(slot: OfferSlot, demand: TaskDemand, placedOnAgent: Map<string, AgentLoad>): Assignment {
  const total = totalOf(demand);
  slot.cpus -= total.cpus;
  slot.memMb -= total.memMb;
  slot.diskMb -= total.diskMb;
  const ports = takePorts(slot, demand.numPorts, demand.hostPorts);
  // Taken after the task's, so the two never overlap (Mesos refuses a launch where they do).
  const executorPorts = takePorts(slot, demand.executor?.numPorts ?? 0, []);
  slot.placed++;
  slot.placedByRequest.set(demand.requestId, (slot.placedByRequest.get(demand.requestId) ?? 0) + 1);
  let placed = placedOnAgent.get(slot.agentId);
  if (!placed) placedOnAgent.set(slot.agentId, (placed = emptyLoad()));
  placed.byRequest.set(demand.requestId, (placed.byRequest.get(demand.requestId) ?? 0) + 1);
  placed.byDeploy.set(demand.group, (placed.byDeploy.get(demand.group) ?? 0) + 1);
  const resources = carveAll(slot.offer, demand.cpus, demand.memMb, demand.diskMb, ports);
  const e = demand.executor;
  const executorResources = e ? carveAll(slot.offer, e.cpus, e.memMb, e.diskMb, executorPorts) : [];
  return { demand, offer: slot.offer, ports, resources, executorResources, executorPorts };
}

function carveAll(offer: Offer, cpus: number, memMb: number, diskMb: number, ports: number[]): Resource[] {
  const out: Resource[] = [];
  if (cpus > 0) out.push(carve(offer, 'cpus', { scalar: cpus }));
  if (memMb > 0) out.push(carve(offer, 'mem', { scalar: memMb }));
  if (diskMb > 0) out.push(carve(offer, 'disk', { scalar: diskMb }));
  if (ports.length > 0) out.push(carve(offer, 'ports', { ports }));
  // Kept in the task's TaskInfo for its life: a copy is sized to its items, where an array
  // grown by push keeps room for 16 more (~130 bytes per array, several per task).
  return out.slice();
}
