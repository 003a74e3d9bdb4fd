import type { MachineState, SingularityMachineStateHistoryUpdate } from '../../contract';
import { effectiveState, isDecommissioning } from '../placement';
import type { StateStore } from '../state';

export type MachineKind = 'agent' | 'rack';

/** One agent or rack as operators manage it (persisted in `machines`, id `<kind>/<id>`). */
export interface MachineRecord {
  kind: MachineKind;
  id: string;
  /** Agents: hostname, rack and attributes from their latest offer. */
  host?: string;
  rackId?: string;
  attributes?: Record<string, string>;
  firstSeenAt: number;
  current: SingularityMachineStateHistoryUpdate;
  /** Newest first, at most HISTORY_LIMIT. */
  history: SingularityMachineStateHistoryUpdate[];
}

export type ChangeResult = 'changed' | 'not-found' | 'already' | 'illegal';

const HISTORY_LIMIT = 50;
const COLLECTION = 'machines';

/**
 * Singularity's transition rules (AbstractMachineManager): no change to the same state, no new
 * decommission of one already decommissioning, no jump from ACTIVE or FROZEN straight to
 * DECOMMISSIONING/DECOMMISSIONED (those the scheduler sets), no freeze while decommissioning.
 */
export function transitionProblem(from: MachineState, to: MachineState): 'already' | 'illegal' | null {
  if (from === to) return 'already';
  if (to === 'STARTING_DECOMMISSION' && isDecommissioning(from)) return 'illegal';
  if ((to === 'DECOMMISSIONING' || to === 'DECOMMISSIONED') && (from === 'FROZEN' || from === 'ACTIVE')) return 'illegal';
  if (to === 'FROZEN' && isDecommissioning(from)) return 'illegal';
  return null;
}

/**
 * Agents and racks with their maintenance states and state history. Agents are recorded the
 * first time they offer or hold a task; racks with their first agent. Writes go straight to the
 * store (a machine's state is an operator's decision: it must survive a failover).
 */
export class MachineBook {
  readonly agents = new Map<string, MachineRecord>();
  readonly racks = new Map<string, MachineRecord>();
  /** Moves on every write of the book; what is derived from all agents is kept until it does. */
  private writes = 0;
  private derived: { version: number; held: ReadonlyMap<string, MachineState>; decommissioning: ReadonlySet<string>; advancing: boolean } | null = null;

  constructor(private readonly store: StateStore, private readonly now: () => number) {}

  async load(): Promise<void> {
    const stored = await this.store.load(COLLECTION);
    this.agents.clear();
    this.racks.clear();
    this.writes++;
    for (const v of stored.values()) {
      const m = v as MachineRecord;
      (m.kind === 'agent' ? this.agents : this.racks).set(m.id, m);
    }
  }

  private save(m: MachineRecord): void {
    this.writes++;
    this.store.put(COLLECTION, `${m.kind}/${m.id}`, m);
  }

  book(kind: MachineKind): Map<string, MachineRecord> {
    return kind === 'agent' ? this.agents : this.racks;
  }

  private fresh(kind: MachineKind, id: string): MachineRecord {
    const at = this.now();
    const current: SingularityMachineStateHistoryUpdate = { objectId: id, state: 'ACTIVE', timestamp: at };
    return { kind, id, firstSeenAt: at, current, history: [current] };
  }

  /** An agent seen in an offer or holding a task: recorded (ACTIVE) when new, refreshed when it changed. */
  observeAgent(agentId: string, host: string, rackId: string, attributes?: Record<string, string>): void {
    const known = this.agents.get(agentId);
    if (!this.racks.has(rackId)) {
      const rack = this.fresh('rack', rackId);
      this.racks.set(rackId, rack);
      this.save(rack);
    }
    if (known && known.host === host && known.rackId === rackId && (!attributes || sameMap(known.attributes, attributes))) return;
    const next: MachineRecord = { ...(known ?? this.fresh('agent', agentId)), host, rackId, attributes: attributes ?? known?.attributes ?? {} };
    this.agents.set(agentId, next);
    this.save(next);
  }

  /** An operator's (or the decommission rule's) change, by Singularity's transition rules. */
  change(kind: MachineKind, id: string, state: MachineState, by: { user?: string; message?: string } = {}): ChangeResult {
    const m = this.book(kind).get(id);
    if (!m) return 'not-found';
    const problem = transitionProblem(m.current.state, state);
    if (problem) return problem;
    const update: SingularityMachineStateHistoryUpdate = { objectId: id, state, timestamp: this.now(), user: by.user, message: by.message };
    const next: MachineRecord = { ...m, current: update, history: [update, ...m.history].slice(0, HISTORY_LIMIT) };
    this.book(kind).set(id, next);
    this.save(next);
    return 'changed';
  }

  /** Forgets a machine (Singularity's DELETE); one that offers again comes back ACTIVE. */
  remove(kind: MachineKind, id: string): boolean {
    if (!this.book(kind).delete(id)) return false;
    this.writes++;
    this.store.delete(COLLECTION, `${kind}/${id}`);
    return true;
  }

  /** The state that governs an agent (its rack's when stricter); undefined when unknown. */
  stateOf(agentId: string): MachineState | undefined {
    const agent = this.agents.get(agentId);
    const rack = agent?.rackId === undefined ? undefined : this.racks.get(agent.rackId);
    return effectiveState(agent?.current.state, rack?.current.state);
  }

  /** Moves on every write of the book. */
  get version(): number {
    return this.writes;
  }

  /** Agents that take no new tasks, with the state that holds them (for placement). */
  heldAgents(): ReadonlyMap<string, MachineState> {
    return this.derive().held;
  }

  /** Agents whose tasks are replaced elsewhere. */
  decommissioningAgents(): ReadonlySet<string> {
    return this.derive().decommissioning;
  }

  /**
   * The scheduler's side of a decommission, level-triggered on every cycle: STARTING_DECOMMISSION
   * becomes DECOMMISSIONING as replacements start, and DECOMMISSIONING becomes DECOMMISSIONED once
   * no live task is left on the agent (on any agent of the rack). `busy`: whether an agent holds
   * a live task.
   */
  advance(busy: (agentId: string) => boolean): void {
    if (!this.derive().advancing) return;
    const busyRacks = new Set<string>();
    for (const a of this.agents.values()) if (a.rackId !== undefined && busy(a.id)) busyRacks.add(a.rackId);
    const by = { message: 'decommission: every task was replaced elsewhere' };
    for (const [kind, isBusy] of [['agent', busy], ['rack', (id: string) => busyRacks.has(id)]] as const) {
      for (const m of [...this.book(kind).values()]) {
        if (m.current.state === 'STARTING_DECOMMISSION') this.change(kind, m.id, 'DECOMMISSIONING', { message: 'decommission: replacing its tasks elsewhere' });
        const now = this.book(kind).get(m.id)!;
        if (now.current.state === 'DECOMMISSIONING' && !isBusy(m.id)) this.change(kind, m.id, 'DECOMMISSIONED', by);
      }
    }
  }

  /**
   * What the cycle asks of all agents each time, worked out again only after the book changed:
   * per cycle it walked every agent twice (0.6 s of CPU in the 30,000-task run on 3,000 agents).
   */
  private derive(): NonNullable<MachineBook['derived']> {
    if (this.derived?.version === this.writes) return this.derived;
    const held = new Map<string, MachineState>();
    const decommissioning = new Set<string>();
    for (const id of this.agents.keys()) {
      const s = this.stateOf(id);
      if (s !== undefined && s !== 'ACTIVE') held.set(id, s);
      if (isDecommissioning(s)) decommissioning.add(id);
    }
    let advancing = false;
    for (const m of [...this.agents.values(), ...this.racks.values()]) {
      if (m.current.state === 'STARTING_DECOMMISSION' || m.current.state === 'DECOMMISSIONING') advancing = true;
    }
    this.derived = { version: this.writes, held, decommissioning, advancing };
    return this.derived;
  }
}

function sameMap(a: Record<string, string> | undefined, b: Record<string, string>): boolean {
  if (!a) return false;
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}
