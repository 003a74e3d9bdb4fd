import type {
  SingularityAction, SingularityDisabledAction, SingularityDisasterDataPoint, SingularityDisasterType, SingularityDisastersData,
} from '../../contract';
import type { Logger } from '../../common';
import { isTerminalState } from '../../mesos-proto';
import type { SchedulerPort } from '../deploys';
import type { TaskRecord } from '../model';
import { type DisasterConfig, type DisasterInputs, DEFAULT_DISASTER_CONFIG, appendPoint, dataPoint, detectDisasters } from './disaster-detector';

const COLLECTION = 'disasters';
const SETTINGS_ID = 'settings';
const STATS_ID = 'stats';
const actionId = (a: SingularityAction): string => `action/${a}`;

/** States in which a task was lost to the infrastructure rather than ending on its own. */
const LOST_STATES: ReadonlySet<string> = new Set(['TASK_LOST', 'TASK_UNREACHABLE', 'TASK_GONE', 'TASK_DROPPED']);
/** Disasters during which UNREACHABLE tasks are not replaced (see docs/operations.md, Disasters). */
const HOLD_DISASTERS: ReadonlySet<SingularityDisasterType> = new Set(['LOST_AGENTS', 'LOST_SLAVES', 'LOST_TASKS']);
/** Singularity renamed slaves to agents; disabling either name disables the Griddle action. */
const ALIASES: Partial<Record<SingularityAction, SingularityAction>> = {
  FREEZE_SLAVE: 'FREEZE_AGENT', FREEZE_AGENT: 'FREEZE_SLAVE', ACTIVATE_SLAVE: 'ACTIVATE_AGENT', ACTIVATE_AGENT: 'ACTIVATE_SLAVE',
  DECOMMISSION_SLAVE: 'DECOMMISSION_AGENT', DECOMMISSION_AGENT: 'DECOMMISSION_SLAVE',
};

interface Settings { automatedActionsDisabled: boolean; manual: SingularityDisasterType[]; detected: SingularityDisasterType[] }

export interface DisasterOptions extends Partial<DisasterConfig> {
  /** Actions disabled while an automatically detected disaster is active (Singularity's disableActionsOnDisaster). */
  disableActionsOnDisaster?: SingularityAction[];
}

/** Agents with live tasks or offers, and agents whose every task became unreachable. Pure. */
export function agentCounts(tasks: Iterable<TaskRecord>, otherAgents: Iterable<string>): { active: number; lost: number } {
  const live = new Set<string>();
  const unreachable = new Set<string>();
  for (const t of tasks) {
    if (isTerminalState(t.state)) continue;
    (t.state === 'TASK_UNREACHABLE' ? unreachable : live).add(t.agentId);
  }
  for (const a of otherAgents) if (!unreachable.has(a)) live.add(a);
  const lost = [...unreachable].filter((a) => !live.has(a)).length;
  return { active: live.size, lost };
}

/**
 * Disasters (Singularity's DisastersResource): a data point every `runEveryMs` from the
 * scheduler's state, the disasters the detector finds in them, the ones operators declare, and
 * the actions operators (or detected disasters) disable. Settings, disabled actions and the recent
 * data points are persisted in the `disasters` collection, so a new leader keeps them.
 */
export class Disasters {
  readonly config: DisasterConfig;
  private readonly onDisaster: SingularityAction[];
  private settings: Settings = { automatedActionsDisabled: false, manual: [], detected: [] };
  private points: SingularityDisasterDataPoint[] = [];
  private readonly disabled = new Map<SingularityAction, SingularityDisabledAction>();
  private lostTaskTimes: number[] = [];
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly scheduler: SchedulerPort,
    private readonly pending: () => readonly { count: number; since: number }[],
    private readonly now: () => number,
    /** Only the leader detects: a standby's view of tasks and offers is partial. */
    private readonly isLeader: () => boolean,
    options: DisasterOptions = {},
    private readonly log?: Logger,
  ) {
    const { disableActionsOnDisaster, ...config } = options;
    this.config = { ...DEFAULT_DISASTER_CONFIG, ...config };
    this.onDisaster = disableActionsOnDisaster ?? [];
  }

  async start(): Promise<void> {
    this.scheduler.events.on('task', this.onTask);
    if (typeof this.scheduler.setUnreachableHold === 'function') this.scheduler.setUnreachableHold(() => this.holdsUnreachable());
    await this.load();
    this.timer = setInterval(() => this.poll(), this.config.runEveryMs);
    this.timer.unref();
  }

  stop(): void {
    this.scheduler.events.off('task', this.onTask);
    if (this.timer) clearInterval(this.timer);
  }

  async load(): Promise<void> {
    const stored = await this.scheduler.store.load(COLLECTION);
    this.disabled.clear();
    for (const [id, v] of stored) {
      if (id === SETTINGS_ID) this.settings = v as Settings;
      else if (id === STATS_ID) this.points = (v as { dataPoints: SingularityDisasterDataPoint[] }).dataPoints;
      else if (id.startsWith('action/')) this.disabled.set((v as SingularityDisabledAction).type, v as SingularityDisabledAction);
    }
  }

  private readonly onTask = (task: TaskRecord, previous: TaskRecord | undefined): void => {
    if (LOST_STATES.has(task.state) && previous?.state !== task.state) this.lostTaskTimes.push(task.updatedAt);
  };

  /** What the detector reads now. */
  inputs(): DisasterInputs {
    const now = this.now();
    this.lostTaskTimes = this.lostTaskTimes.filter((t) => now - t <= this.config.lostTaskWindowMs);
    const tasks = [...this.scheduler.tasks.values()];
    const retired = new Set([...this.scheduler.machines.agents.values()].filter((m) => m.current.state === 'DECOMMISSIONED').map((m) => m.id));
    const offering = [...this.scheduler.agents.keys()].filter((a) => !retired.has(a));
    const agents = agentCounts(tasks, offering);
    const activeTasks = tasks.filter((t) => !isTerminalState(t.state) && t.state !== 'TASK_UNREACHABLE').length;
    return { now, activeTasks, pending: this.pending(), activeAgents: agents.active, lostAgents: agents.lost, lostTaskTimes: this.lostTaskTimes };
  }

  /** One detector run: a data point, the detected disasters, and the actions they disable. */
  poll(): void {
    if (!this.isLeader()) return;
    const now = this.now();
    this.points = appendPoint(this.points, dataPoint(this.inputs(), this.config), this.config.statsHistorySize);
    const before = this.settings.detected.join();
    this.settings = { ...this.settings, detected: detectDisasters(this.points, this.config, now) };
    if (before !== this.settings.detected.join()) this.log?.warn({ disasters: this.settings.detected }, 'disasters detected changed');
    this.applyAutomaticActions();
    this.scheduler.store.put(COLLECTION, STATS_ID, { dataPoints: this.points });
    this.saveSettings();
    this.scheduler.poke();
  }

  /** Detected disasters disable the configured actions; they are re-enabled once none is active. */
  private applyAutomaticActions(): void {
    const on = !this.settings.automatedActionsDisabled && this.settings.detected.length > 0;
    for (const action of this.onDisaster) {
      const current = this.disabled.get(action);
      if (on && !current) this.disable(action, `disabled while disasters are active: ${this.settings.detected.join(', ')}`, null, true);
      if (!on && current?.automaticallyClearable) this.enable(action);
    }
  }

  /** Detected disasters count only while automated actions are enabled; declared ones always. */
  active(): SingularityDisasterType[] {
    const detected = this.settings.automatedActionsDisabled ? [] : this.settings.detected;
    return [...new Set([...this.settings.manual, ...detected])];
  }

  holdsUnreachable(): boolean {
    return this.active().some((d) => HOLD_DISASTERS.has(d));
  }

  data(): SingularityDisastersData {
    const active = new Set(this.active());
    const known = new Set([...this.settings.manual, ...this.settings.detected]);
    return {
      stats: [...this.points],
      disasters: [...known].map((type) => ({ type, active: active.has(type) })),
      automatedActionsDisabled: this.settings.automatedActionsDisabled,
    };
  }

  setAutomatedActionsDisabled(disabled: boolean): void {
    this.settings = { ...this.settings, automatedActionsDisabled: disabled };
    this.applyAutomaticActions();
    this.saveSettings();
    this.scheduler.poke();
  }

  /** An operator's disaster; as in Singularity, it also disables the configured actions. */
  add(type: SingularityDisasterType): void {
    if (!this.settings.manual.includes(type)) this.settings = { ...this.settings, manual: [...this.settings.manual, type] };
    for (const action of this.onDisaster) if (!this.disabled.has(action)) this.disable(action, `disabled for disaster ${type}`, null, false);
    this.saveSettings();
    this.scheduler.poke();
  }

  /** Clears a disaster by hand; a detected one comes back at the next data point if it still holds. */
  remove(type: SingularityDisasterType): void {
    this.settings = { ...this.settings, manual: this.settings.manual.filter((t) => t !== type), detected: this.settings.detected.filter((t) => t !== type) };
    this.saveSettings();
    this.scheduler.poke();
  }

  disabledActions(): SingularityDisabledAction[] {
    return [...this.disabled.values()];
  }

  /** The disabled entry that stops `action` (under either of its names), or undefined. */
  disabledEntry(action: SingularityAction): SingularityDisabledAction | undefined {
    const alias = ALIASES[action];
    return this.disabled.get(action) ?? (alias ? this.disabled.get(alias) : undefined);
  }

  disable(action: SingularityAction, message: string, user: string | null, automaticallyClearable: boolean): void {
    const entry: SingularityDisabledAction = { type: action, message, user, automaticallyClearable, expiresAt: null };
    this.disabled.set(action, entry);
    this.scheduler.store.put(COLLECTION, actionId(action), entry);
  }

  enable(action: SingularityAction): void {
    this.disabled.delete(action);
    this.scheduler.store.delete(COLLECTION, actionId(action));
  }

  private saveSettings(): void {
    this.scheduler.store.put(COLLECTION, SETTINGS_ID, this.settings);
  }
}
