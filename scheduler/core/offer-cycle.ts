import type { SingularityPriorityFreezeParent } from '../../contract';
import type { Offer, TaskInfo } from '../../mesos-proto';
import type { DesiredDeployment, TaskRecord } from '../model';
import { byPriority, matchOffers } from '../placement';
import { outsideWriteScope } from '../state';
import type { CoreContext } from './core-context';
import { isHealthyRun } from './crash-backoff';
import type { MesosLink } from './leadership';
import { isHealthyReplacement } from './decommission-plan';
import { launchRecord, PlannedDemands } from './launch-builder';
import { launchRoom, MAX_CALL_WAIT_MS, MAX_CALLS_QUEUED } from './launch-room';
import type { MachineBook } from './machines';
import { OfferAppetite } from './offer-appetite';
import { OfferCallOrder } from './offer-call-order';
import { applyPriorityFreeze } from './priority-freeze';
import { ReconcileCache } from './reconcile-cache';
import { deployKey } from './reconcile-plan';
import { rackOf } from './task-id';
import type { TaskTransitions } from './task-transitions';

/** Seconds Mesos keeps an offer's resources away from us after a decline. */
const REFUSE_WHILE_PENDING_S = 5;
const REFUSE_WHEN_IDLE_S = 120;
/** Level-triggered safety net: the loop runs at least this often. */
const TICK_MS = 5000;
/** Launch batches being written at once; more wait (their offers held) until one is durable. */
const LAUNCH_BATCHES_IN_FLIGHT = 2;
/** A cycle that took longer than this delays the next by as long: the loop takes at most half the CPU. */
const THROTTLE_ABOVE_MS = 20;
/** While launches wait for the Mesos call queue to drain, how often the cycle looks again. */
const CALL_QUEUE_RECHECK_MS = 250;

export interface OfferCycleDeps extends CoreContext {
  link: MesosLink;
  transitions: TaskTransitions;
  desired: () => DesiredDeployment[];
  kill: (taskId: string, why: string) => Promise<void>;
  executorCmd: string;
  /** Hosts an operator marked inactive (`/api/inactive`): their offers get no task. */
  inactiveHosts: () => ReadonlySet<string>;
  machines: MachineBook;
  priorityFreeze: () => SingularityPriorityFreezeParent | null;
  /** Whether UNREACHABLE tasks keep their instance for now (disasters: lost agents). */
  keepUnreachable?: () => boolean;
}

/**
 * The level-triggered loop, while leader: desired state against tasks gives kills and
 * launches; launches are matched against the offers held, written ahead, then ACCEPTed.
 * Also holds the offer pool and the SUPPRESS/REVIVE state.
 */
export class OfferCycle {
  private readonly offers = new Map<string, Offer>();
  private readonly appetite = new OfferAppetite();
  private readonly offerCalls = new OfferCallOrder();
  private running = false;
  private again = false;
  private scheduled = false;
  private tickTimer: NodeJS.Timeout | null = null;
  private launchesInFlight = 0;
  private dueTimer: NodeJS.Timeout | null = null;
  private drainTimer: NodeJS.Timeout | null = null;
  private readonly plans = new ReconcileCache();
  /** The next cycle plans every request afresh (set by the tick: the level-triggered safety net). */
  private fullDue = true;
  private agentsRecordedAt = '';
  /** Tasks the last cycle's plan walked (count-based tests). */
  tasksPlanned = 0;

  constructor(private readonly deps: OfferCycleDeps) {}

  /** Re-runs the loop soon (coalesced). */
  poke(): void {
    if (!this.deps.link.isLeader || this.scheduled) return;
    this.scheduled = true;
    // Outside the poking API request's write scope: the cycle's launches are not its writes.
    outsideWriteScope(() => setImmediate(() => {
      this.scheduled = false;
      void this.run();
    }));
  }

  start(): void {
    this.plans.reset();
    this.fullDue = true;
    this.agentsRecordedAt = '';
    this.tickTimer = setInterval(() => {
      this.fullDue = true;
      this.poke();
    }, TICK_MS);
  }

  stop(): void {
    this.offers.clear();
    this.plans.reset();
    if (this.tickTimer) clearInterval(this.tickTimer);
    if (this.dueTimer) clearTimeout(this.dueTimer);
    if (this.drainTimer) clearTimeout(this.drainTimer);
    this.tickTimer = null;
    this.dueTimer = null;
    this.drainTimer = null;
  }

  /** A new subscription starts unsuppressed and unfiltered. */
  subscribed(): void {
    this.appetite.reset();
  }

  /** Offers of a lost connection are void. */
  dropOffers(): void {
    this.offers.clear();
  }

  rescind(offerId: string): void {
    this.offers.delete(offerId);
  }

  onOffers(offers: Offer[]): void {
    const now = this.deps.now();
    for (const offer of offers) {
      this.offers.set(offer.id.value, offer);
      const attributes: Record<string, string> = {};
      for (const a of offer.attributes ?? []) attributes[a.name] = a.text?.value ?? String(a.scalar?.value ?? '');
      this.deps.state.agents.set(offer.agent_id.value, { agentId: offer.agent_id.value, hostname: offer.hostname, attributes, lastOfferAt: now });
      this.deps.machines.observeAgent(offer.agent_id.value, offer.hostname, rackOf(offer), attributes);
    }
    this.deps.events.emit('offers', offers);
    this.poke();
  }

  private async run(): Promise<void> {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    try {
      do {
        this.again = false;
        const started = performance.now();
        await this.cycle();
        // Cycles run back to back at 100,000 tasks (one per status update burst) left no time
        // for anything else. A cycle awaits nothing, so this is its CPU time.
        const took = performance.now() - started;
        if (this.again && took > THROTTLE_ABOVE_MS) await new Promise((r) => setTimeout(r, took));
      } while (this.again && this.deps.link.isLeader);
    } catch (err) {
      this.deps.log.error({ err: (err as Error).message, stack: (err as Error).stack }, 'scheduling cycle failed');
    } finally {
      this.running = false;
    }
  }

  private async cycle(): Promise<void> {
    const { state, link, transitions, log } = this.deps;
    const client = link.client;
    if (!link.isLeader || !client) return;
    const now = this.deps.now();
    const full = this.fullDue;
    this.fullDue = false;
    this.clearHealthyCrashes(now);
    const { machines } = this.deps;
    this.recordTaskAgents();
    const desired = this.deps.desired();
    state.pruneBackoffs(new Set(desired.map((d) => deployKey(d.requestId, d.deployId))));
    const replacement = {
      replaceOn: machines.decommissioningAgents(),
      isHealthy: (t: TaskRecord) => isHealthyReplacement(t, state.requests.get(t.requestId), state.deploys.get(deployKey(t.requestId, t.deployId)), now),
    };
    const planned = this.plans.plan({
      desired, tasks: state.tasks, crash: state.crash, launchBackoff: state.launchBackoff, replacement,
      keepUnreachable: this.deps.keepUnreachable?.(), now, backoffVersion: state.backoffVersion, full,
    });
    this.tasksPlanned = this.plans.visited;
    machines.advance((agentId) => (state.tasks.agents().get(agentId)?.live ?? 0) > 0);
    const frozen = applyPriorityFreeze(planned.launches, state.tasks.values(), state.requests, this.deps.priorityFreeze());
    const plan = { ...planned, launches: frozen.launches, kills: [...planned.kills, ...frozen.kills], waiting: new Map([...planned.waiting, ...frozen.held]) };
    for (const kill of plan.kills) void this.deps.kill(kill.taskId, kill.reason);

    const instancesByKey = new Map(desired.map((d) => [deployKey(d.requestId, d.deployId), d.instances]));
    const asks = new PlannedDemands(state, plan.launches, instancesByKey);
    // Per deploy: why its planned launches are not placed; merged with plan.waiting (backoffs) at the end.
    const reasons = new Map(asks.reasons);
    if (this.dueTimer) clearTimeout(this.dueTimer);
    this.dueTimer = plan.nextDueAt === null ? null : setTimeout(() => this.poke(), Math.max(0, plan.nextDueAt - now) + 10);

    if (!client.subscribed) {
      for (const g of asks.groups) reasons.set(g, 'not subscribed to a Mesos master yet');
      this.setReasons(reasons, plan.waiting);
      return;
    }
    if (asks.count > 0 && this.launchesInFlight >= LAUNCH_BATCHES_IN_FLIGHT) {
      // Backpressure: the offers wait for the store to take the launches written so far;
      // queueing batch after batch made every durable write (an API call's) wait behind them.
      for (const g of asks.groups) if (!reasons.has(g)) reasons.set(g, 'writing earlier launches to the state store');
      this.setReasons(reasons, plan.waiting);
      return;
    }
    const room = this.launchRoom();
    if (asks.count > 0 && room === 0) {
      // Offers held, as above; nothing pokes the cycle when the queue drains, so it looks again soon.
      for (const g of asks.groups) if (!reasons.has(g)) reasons.set(g, `waiting for Mesos to take ${client.waiting} queued calls (the oldest waiting ${client.oldestWaitMs} ms) and ${state.tasks.launchUpdatesOwed} updates of launches under way: launches wait above ${MAX_CALLS_QUEUED} or ${MAX_CALL_WAIT_MS} ms`);
      this.setReasons(reasons, plan.waiting);
      this.recheckRoom();
      return;
    }
    const offers = [...this.offers.values()];
    // An offer is used once: it leaves the pool before anything is awaited.
    this.offers.clear();
    if (asks.count === 0) {
      this.setReasons(reasons, plan.waiting);
      if (offers.length > 0) void this.decline(offers, REFUSE_WHEN_IDLE_S);
      if (this.appetite.idle(offers.length > 0, plan.waiting.size === 0) === 'SUPPRESS') {
        void this.offerCalls.send(() => client.call({ type: 'SUPPRESS', suppress: {} })).catch((err: Error) => log.warn({ err: err.message }, 'SUPPRESS failed'));
      }
      return;
    }
    if (this.appetite.hungry() === 'REVIVE') {
      void this.offerCalls.send(() => client.call({ type: 'REVIVE', revive: {} })).catch((err: Error) => {
        // Filters and suppression may still hold: the next cycle with a launch asks again.
        this.appetite.reviveFailed();
        log.warn({ err: err.message }, 'REVIVE failed');
      });
    }
    if (offers.length === 0) {
      for (const g of asks.groups) if (!reasons.has(g)) reasons.set(g, 'waiting for offers');
      this.setReasons(reasons, plan.waiting);
      return;
    }
    const demands = asks.all();
    const capped = demands.length > room;
    const ordered = byPriority(demands);
    // A capped cycle fills its share of the offers rather than put one task into each: 100,000
    // tasks over 10,000 offers then take 10,000 ACCEPTs of ten tasks, not 100,000 of one.
    const offered = capped ? offers.slice(0, Math.ceil(offers.length * room / demands.length)) : offers;
    const result = matchOffers({
      demands: capped ? ordered.slice(0, room) : demands, offers: offered, inactiveHosts: this.deps.inactiveHosts(), loads: state.tasks.loads(), agentStates: machines.heldAgents(),
      knownAgents: Math.max(state.knownAgentCount(), new Set(offers.map((o) => o.agent_id.value)).size),
    });
    for (const [group, { count, reason }] of result.unplaced) reasons.set(group, `${count} task(s) pending: ${reason}`);
    if (capped) for (const d of ordered.slice(room)) if (!reasons.has(d.group)) reasons.set(d.group, 'queued for the next scheduling cycle');
    this.setReasons(reasons, plan.waiting);

    const byOffer = new Map<string, { offer: Offer; tasks: TaskInfo[]; records: TaskRecord[] }>();
    for (const a of result.assignments) {
      const record = launchRecord(state, a, now, this.deps.executorCmd);
      if (typeof record === 'string') {
        state.pendingReasons.set(a.demand.group, record);
        continue;
      }
      try {
        transitions.changed(record, undefined);
      } catch (err) {
        // The store refused the record (too large): without it on record the task is not launched.
        state.pendingReasons.set(a.demand.group, `cannot record the task: ${(err as Error).message}`);
        continue;
      }
      let entry = byOffer.get(a.offer.id.value);
      if (!entry) byOffer.set(a.offer.id.value, (entry = { offer: a.offer, tasks: [], records: [] }));
      entry.tasks.push(record.taskInfo as TaskInfo);
      entry.records.push(record);
    }
    const unused = offers.filter((o) => !byOffer.has(o.id.value));
    if (capped && byOffer.size > 0) {
      // Untried offers first next time; a share that placed nothing declines them all instead,
      // so offers no demand fits are never held in a loop.
      for (const o of [...offers.slice(offered.length), ...offered.filter((x) => !byOffer.has(x.id.value))]) this.offers.set(o.id.value, o);
      this.again = true;
    } else if (unused.length > 0) {
      void this.decline(unused, REFUSE_WHILE_PENDING_S);
    }
    // Not awaited: the next cycle may plan while this batch is written (its tasks are on
    // record in memory already, so they are not launched twice), and writes stay in order.
    if (byOffer.size > 0) void this.launch(byOffer, client);
  }

  private launchRoom(): number {
    const client = this.deps.link.client;
    return client ? launchRoom({ queued: client.waiting, oldestWaitMs: client.oldestWaitMs }, this.deps.state.tasks.launchUpdatesOwed) : 0;
  }

  /**
   * Pokes the cycle once launches have room again. Looked at on a timer, not by running the
   * cycle: at 100,000 a cycle that only found no room cost about 50 ms, four times a second.
   */
  private recheckRoom(): void {
    if (this.drainTimer) return;
    this.drainTimer = setTimeout(() => {
      this.drainTimer = null;
      if (!this.deps.link.isLeader) return;
      if (this.launchRoom() > 0) this.poke();
      else this.recheckRoom();
    }, CALL_QUEUE_RECHECK_MS);
  }

  /**
   * Write-ahead: a task is on record before Mesos hears of it, so a crash right after the
   * ACCEPT leaves a known task to reconcile, never an unknown one to kill.
   */
  private async launch(byOffer: Map<string, { offer: Offer; tasks: TaskInfo[]; records: TaskRecord[] }>, client: NonNullable<MesosLink['client']>): Promise<void> {
    const { state, link, transitions, log } = this.deps;
    this.launchesInFlight++;
    try {
      await state.flush();
    } catch (err) {
      log.error({ err: (err as Error).message }, 'could not persist new tasks; not launching them');
      for (const { records, offer } of byOffer.values()) {
        for (const r of records) transitions.ended(r, { ...r, state: 'TASK_DROPPED', message: 'state store write failed before launch', updatedAt: this.deps.now() }, false);
        void this.decline([offer], REFUSE_WHILE_PENDING_S);
      }
      return;
    } finally {
      this.launchesInFlight--;
      this.poke();
    }
    if (!link.isLeader || link.client !== client) return;
    for (const { offer, tasks, records } of byOffer.values()) {
      client.call({
        type: 'ACCEPT',
        accept: { offer_ids: [offer.id], operations: [{ type: 'LAUNCH', launch: { task_infos: tasks } }], filters: { refuse_seconds: REFUSE_WHILE_PENDING_S } },
      }).catch((err: Error) => {
        log.warn({ err: err.message, offerId: offer.id.value, tasks: tasks.length }, 'ACCEPT failed; reconciling its tasks');
        void client.call({ type: 'RECONCILE', reconcile: { tasks: records.map((r) => ({ task_id: { value: r.taskId }, agent_id: { value: r.agentId } })) } }).catch(() => {});
      });
    }
  }

  /**
   * An agent holding a task is recorded in the machine book (it may never have offered to this
   * leader). Looked at only when a task's agent is new or the book changed: per cycle, walking
   * every task for this cost more than planning did.
   */
  private recordTaskAgents(): void {
    const { state, machines } = this.deps;
    const at = `${state.tasks.agentsAdded}/${machines.version}`;
    if (at === this.agentsRecordedAt) return;
    for (const [agentId, on] of state.tasks.agents()) if (!machines.agents.has(agentId)) machines.observeAgent(agentId, on.hostname, on.rackId);
    this.agentsRecordedAt = `${state.tasks.agentsAdded}/${machines.version}`;
  }

  /** A deploy's crash-loop backoff ends with a healthy run of one of its tasks; only deploys with one are looked at. */
  private clearHealthyCrashes(now: number): void {
    const { state } = this.deps;
    for (const key of [...state.crash.keys()]) {
      const slash = key.indexOf('/');
      const requestId = key.slice(0, slash);
      const deployId = key.slice(slash + 1);
      for (const t of state.tasks.ofRequest(requestId).values()) {
        if (t.deployId !== deployId || !isHealthyRun(t, now)) continue;
        state.clearCrash(key);
        break;
      }
    }
  }

  private setReasons(placing: Map<string, string>, waiting: ReadonlyMap<string, string>): void {
    // A deploy may have instances backing off and others waiting for offers: say both.
    const reasons = new Map(waiting);
    for (const [key, reason] of placing) reasons.set(key, reasons.has(key) ? `${reasons.get(key)}; ${reason}` : reason);
    const pending = this.deps.state.pendingReasons;
    for (const key of [...pending.keys()]) if (!reasons.has(key)) pending.delete(key);
    for (const [key, reason] of reasons) pending.set(key, reason);
  }

  private async decline(offers: Offer[], refuseSeconds: number): Promise<void> {
    const client = this.deps.link.client;
    if (!client) return;
    try {
      await this.offerCalls.send(() => client.call({ type: 'DECLINE', decline: { offer_ids: offers.map((o) => o.id), filters: { refuse_seconds: refuseSeconds } } }));
    } catch (err) {
      this.deps.log.debug({ err: (err as Error).message }, 'DECLINE failed');
    }
  }
}
