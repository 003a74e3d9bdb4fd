/**
 * The offer allocator: which unused resources of which agent go to which framework, once per
 * allocation cycle. Pure bookkeeping with the clock passed in, so it is unit-tested without
 * timers. Mirrors Mesos's hierarchical allocator in the parts a framework can observe:
 * an agent's whole unused share is offered to one framework at a time (fewest allocated cpus
 * first), a decline filter refuses resources contained in what was declined until it
 * expires, SUPPRESS stops offers and REVIVE clears filters.
 */
import { addResources, containsResources, scalarOf, subtractResources, type Resource } from '../mesos-proto';

/** Mesos's default --min_allocatable_resources is `cpus:0.01|mem:32`. */
const MIN_CPUS = 0.01;
const MIN_MEM = 32;
/** Mesos caps refuse_seconds at a year; larger values (and Infinity) mean "that long". */
const MAX_REFUSE_MS = 365 * 24 * 3600 * 1000;

interface AgentSlot {
  total: Resource[];
  available: Resource[];
  active: boolean;
}

interface FrameworkSlot {
  active: boolean;
  suppressed: boolean;
  allocatedCpus: number;
  /** agentId → refused resources and the time the filter expires. */
  filters: Map<string, { resources: Resource[]; expiresAt: number }>;
}

export interface Allocation {
  frameworkId: string;
  agentId: string;
  resources: Resource[];
}

export class Allocator {
  private readonly agents = new Map<string, AgentSlot>();
  private readonly frameworks = new Map<string, FrameworkSlot>();
  /** Agents whose available resources changed or whose filters may have lapsed. */
  private readonly candidates = new Set<string>();
  /** The earliest filter expiry: a lapse makes its agent a candidate again. */
  private filterExpiries: { agentId: string; at: number }[] = [];

  addAgent(agentId: string, total: readonly Resource[], used: readonly Resource[] = []): void {
    this.agents.set(agentId, { total: [...total], available: subtractResources(total, used), active: true });
    this.candidates.add(agentId);
  }

  removeAgent(agentId: string): void {
    this.agents.delete(agentId);
    this.candidates.delete(agentId);
    for (const fw of this.frameworks.values()) fw.filters.delete(agentId);
  }

  setAgentActive(agentId: string, active: boolean): void {
    const agent = this.agents.get(agentId);
    if (!agent) return;
    agent.active = active;
    if (active) this.candidates.add(agentId);
  }

  hasAgent(agentId: string): boolean {
    return this.agents.has(agentId);
  }

  available(agentId: string): Resource[] {
    return this.agents.get(agentId)?.available ?? [];
  }

  addFramework(frameworkId: string, options: { suppressed?: boolean } = {}): void {
    const existing = this.frameworks.get(frameworkId);
    if (existing) {
      existing.active = true;
      existing.suppressed = options.suppressed ?? false;
    } else {
      this.frameworks.set(frameworkId, { active: true, suppressed: options.suppressed ?? false, allocatedCpus: 0, filters: new Map() });
    }
    this.markAllCandidates();
  }

  removeFramework(frameworkId: string): void {
    this.frameworks.delete(frameworkId);
  }

  setFrameworkActive(frameworkId: string, active: boolean): void {
    const fw = this.frameworks.get(frameworkId);
    if (!fw) return;
    fw.active = active;
    if (active) this.markAllCandidates();
  }

  suppress(frameworkId: string): void {
    const fw = this.frameworks.get(frameworkId);
    if (fw) fw.suppressed = true;
  }

  /** UPDATE_FRAMEWORK's suppressed roles: offers stop or resume; filters stay (unlike REVIVE). */
  setSuppressed(frameworkId: string, suppressed: boolean): void {
    const fw = this.frameworks.get(frameworkId);
    if (!fw) return;
    fw.suppressed = suppressed;
    if (!suppressed) this.markAllCandidates();
  }

  /** REVIVE: offers resume and every decline filter of the framework is dropped. */
  revive(frameworkId: string): void {
    const fw = this.frameworks.get(frameworkId);
    if (!fw) return;
    fw.suppressed = false;
    fw.filters.clear();
    this.markAllCandidates();
  }

  isSuppressed(frameworkId: string): boolean {
    return this.frameworks.get(frameworkId)?.suppressed ?? false;
  }

  /** Resources taken outside an allocation (tasks found on an agent that re-registers). */
  claim(agentId: string, frameworkId: string, resources: readonly Resource[]): void {
    const agent = this.agents.get(agentId);
    if (agent) agent.available = subtractResources(agent.available, resources);
    const fw = this.frameworks.get(frameworkId);
    if (fw) fw.allocatedCpus += scalarOf(resources, 'cpus');
  }

  /**
   * Gives resources back (declined or unused offer, finished task). With `refuseSeconds` > 0
   * the framework is not offered resources of this agent contained in them until it lapses.
   */
  recover(agentId: string, frameworkId: string, resources: readonly Resource[], now: number, refuseSeconds = 0): void {
    const agent = this.agents.get(agentId);
    if (agent) {
      agent.available = addResources(agent.available, resources);
      this.candidates.add(agentId);
    }
    const fw = this.frameworks.get(frameworkId);
    if (!fw) return;
    fw.allocatedCpus = Math.max(0, fw.allocatedCpus - scalarOf(resources, 'cpus'));
    if (refuseSeconds > 0 && agent) {
      const ms = Number.isFinite(refuseSeconds) ? Math.min(refuseSeconds * 1000, MAX_REFUSE_MS) : MAX_REFUSE_MS;
      const expiresAt = now + ms;
      const previous = fw.filters.get(agentId);
      // A new filter covers what was refused now; an older still-running one is widened, as
      // Mesos keeps both filters.
      const refused = previous && previous.expiresAt > now ? addResources(previous.resources, resources) : [...resources];
      fw.filters.set(agentId, { resources: refused, expiresAt: Math.max(expiresAt, previous?.expiresAt ?? 0) });
      this.filterExpiries.push({ agentId, at: expiresAt });
    }
  }

  /** One allocation cycle: every offerable agent's unused resources to one eligible framework. */
  allocate(now: number): Allocation[] {
    this.expireFilters(now);
    const out: Allocation[] = [];
    const eligible = [...this.frameworks.entries()].filter(([, fw]) => fw.active && !fw.suppressed);
    if (eligible.length === 0) return out;
    for (const agentId of this.candidates) {
      const agent = this.agents.get(agentId);
      if (!agent || !agent.active || !allocatable(agent.available)) {
        this.candidates.delete(agentId);
        continue;
      }
      eligible.sort((a, b) => a[1].allocatedCpus - b[1].allocatedCpus);
      const taker = eligible.find(([, fw]) => !isFiltered(fw, agentId, agent.available, now));
      if (!taker) continue; // stays a candidate: a filter lapsing or a REVIVE makes it offerable
      const [frameworkId, fw] = taker;
      const resources = agent.available;
      agent.available = [];
      fw.allocatedCpus += scalarOf(resources, 'cpus');
      this.candidates.delete(agentId);
      out.push({ frameworkId, agentId, resources });
    }
    return out;
  }

  private expireFilters(now: number): void {
    if (this.filterExpiries.length === 0) return;
    const remaining: { agentId: string; at: number }[] = [];
    for (const e of this.filterExpiries) {
      if (e.at <= now) this.candidates.add(e.agentId);
      else remaining.push(e);
    }
    this.filterExpiries = remaining;
  }

  private markAllCandidates(): void {
    for (const id of this.agents.keys()) this.candidates.add(id);
  }
}

function allocatable(resources: readonly Resource[]): boolean {
  return scalarOf(resources, 'cpus') >= MIN_CPUS || scalarOf(resources, 'mem') >= MIN_MEM;
}

function isFiltered(fw: FrameworkSlot, agentId: string, available: readonly Resource[], now: number): boolean {
  const filter = fw.filters.get(agentId);
  if (!filter) return false;
  if (filter.expiresAt <= now) {
    fw.filters.delete(agentId);
    return false;
  }
  return containsResources(filter.resources, available);
}
