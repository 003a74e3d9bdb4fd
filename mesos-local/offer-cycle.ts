/**
 * Outstanding offers and the allocation timer: each cycle turns the allocator's decisions into
 * offers, and offers are taken back (rescinded) when their framework or agent goes away.
 */
import { isIP } from 'node:net';
import { addResources, type Offer, type Resource } from '../mesos-proto';
import { frameworkRole } from './framework-info';
import type { MasterAgent, MasterFramework, OfferRecord } from './master-model';
import type { MasterState } from './master-state';

export class OfferCycle {
  private readonly offers = new Map<string, OfferRecord>();
  private offerSeq = 0;
  /** Cycles run so far: Mesos's `allocator/mesos/allocation_runs`, what a test waits on to know a cycle passed. */
  allocationRuns = 0;
  private cycleTimer: unknown;
  private soonTimer: unknown;
  private stopped = false;

  constructor(private readonly state: MasterState, private readonly intervalMs: number) {}

  find(id: string): OfferRecord | undefined {
    return this.offers.get(id);
  }

  offersOf(frameworkId: string): Offer[] {
    return [...(this.state.frameworks.get(frameworkId)?.offers ?? [])].map((id) => this.offers.get(id)!.offer);
  }

  offeredOnAgent(agent: MasterAgent): Resource[] {
    let offered: Resource[] = [];
    for (const id of agent.offers) offered = addResources(offered, this.offers.get(id)?.resources ?? []);
    return offered;
  }

  remove(rec: OfferRecord): void {
    const id = rec.offer.id.value;
    this.offers.delete(id);
    this.state.frameworks.get(rec.frameworkId)?.offers.delete(id);
    this.state.agents.get(rec.agentId)?.offers.delete(id);
  }

  /** Without RESCIND: the framework's stream is gone, or being replaced by one that gets fresh offers. */
  rescindFrameworkOffers(framework: MasterFramework): void {
    this.rescind(framework.offers, false);
  }

  rescindAgentOffers(agent: MasterAgent): void {
    this.rescind(agent.offers, true);
  }

  private rescind(ids: Set<string>, notify: boolean): void {
    const now = this.state.timers.now();
    for (const id of [...ids]) {
      const rec = this.offers.get(id);
      if (!rec) continue;
      this.remove(rec);
      this.state.allocator.recover(rec.agentId, rec.frameworkId, rec.resources, now);
      if (notify) this.state.frameworks.get(rec.frameworkId)?.connection?.send({ type: 'RESCIND', rescind: { offer_id: { value: id } } });
    }
  }

  /** A failed-over master has no offers outstanding; nothing is rescinded, the streams are gone. */
  forgetAll(): void {
    this.offers.clear();
    for (const framework of this.state.frameworks.values()) framework.offers.clear();
    for (const agent of this.state.agents.values()) agent.offers.clear();
  }

  start(): void {
    if (this.stopped) return;
    this.cycleTimer = this.state.timers.setTimeout(() => {
      this.runAllocation();
      this.start();
    }, this.intervalMs);
  }

  stop(): void {
    this.stopped = true;
    this.state.timers.clearTimeout(this.cycleTimer);
    this.state.timers.clearTimeout(this.soonTimer);
  }

  /** Events that add offerable capacity allocate at once (coalesced), as Mesos's allocator does. */
  allocateSoon(): void {
    if (this.soonTimer !== undefined || this.stopped) return;
    this.soonTimer = this.state.timers.setTimeout(() => {
      this.soonTimer = undefined;
      this.runAllocation();
    }, 0);
  }

  /** One allocation cycle: all new offers of a framework go out in a single OFFERS event. */
  runAllocation(): void {
    const { state } = this;
    this.allocationRuns++;
    const now = state.timers.now();
    const byFramework = new Map<string, Offer[]>();
    for (const allocation of state.allocator.allocate(now)) {
      const framework = state.frameworks.get(allocation.frameworkId);
      const agent = state.agents.get(allocation.agentId);
      if (!framework?.connection || !agent) {
        state.allocator.recover(allocation.agentId, allocation.frameworkId, allocation.resources, now);
        continue;
      }
      const role = frameworkRole(framework.info);
      const id = `${state.id}-O${this.offerSeq++}`;
      const executorIds = [...agent.executors.values()].filter((e) => e.frameworkId === framework.id).map((e) => e.info.executor_id);
      const offer: Offer = {
        id: { value: id },
        framework_id: { value: framework.id },
        agent_id: { value: agent.id },
        hostname: agent.hostname,
        url: { scheme: 'http', address: { hostname: agent.hostname, ...(isIP(agent.hostname) ? { ip: agent.hostname } : {}), port: agent.port }, path: '/slave(1)' },
        resources: allocation.resources.map((r) => ({ ...r, allocation_info: { role } })),
        attributes: agent.attributes,
        allocation_info: { role },
      };
      if (executorIds.length > 0) offer.executor_ids = executorIds;
      this.offers.set(id, { offer, frameworkId: framework.id, agentId: agent.id, resources: allocation.resources });
      framework.offers.add(id);
      agent.offers.add(id);
      const list = byFramework.get(framework.id) ?? [];
      list.push(offer);
      byFramework.set(framework.id, list);
    }
    for (const [frameworkId, offers] of byFramework) {
      state.frameworks.get(frameworkId)!.connection!.send({ type: 'OFFERS', offers: { offers } });
    }
  }
}
