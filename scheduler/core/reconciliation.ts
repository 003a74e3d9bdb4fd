/** Periodic reconciliation after the post-subscribe round. */
export const RECONCILE_INTERVAL_MS = 10 * 60_000;
const FIRST_RETRY_MS = 2000;
const MAX_RETRY_MS = 60_000;
/** Explicit rounds before giving up on tasks the master never answers for. */
const MAX_EXPLICIT_ROUNDS = 8;
const BATCH = 1000;

export interface ReconcileTarget { taskId: string; agentId?: string }

/** One reconciliation (since the last subscribe): when, how many rounds, how fast tasks were answered. */
export interface ReconcileStats {
  startedAt: number;
  /** Until the first implicit round was sent; null while explicit rounds still wait for answers. */
  finishedAt: number | null;
  iterations: number;
  /** Milliseconds from a task's latest explicit round to its status update, one per answered task. */
  responseLatenciesMs: number[];
}

/**
 * Task reconciliation, as Mesos recommends: after every subscribe, explicit reconciliation of
 * every task Griddle knows, again with backoff for the ones not yet answered; then implicit
 * (an empty list: the master reports every task it knows, which exposes tasks unknown to
 * Griddle); then implicit again every 10 minutes.
 */
export class Reconciler {
  private waiting = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private round = 0;
  /** Bumped by start/stop: a round still awaiting its send from an older start drops out. */
  private generation = 0;
  private current: ReconcileStats | null = null;
  private roundSentAt = 0;

  constructor(
    private readonly send: (tasks: ReconcileTarget[]) => Promise<void>,
    private readonly targets: () => ReconcileTarget[],
    private readonly onRoundDone: (phase: 'explicit' | 'implicit') => void = () => {},
    private readonly now: () => number = Date.now,
  ) {}

  /** A copy of the current reconciliation's numbers (null before the first subscribe). */
  stats(): ReconcileStats | null {
    return this.current && { ...this.current, responseLatenciesMs: [...this.current.responseLatenciesMs] };
  }

  /** Starts over (after a subscribe). */
  start(): void {
    this.stop();
    this.round = 0;
    this.current = { startedAt: this.now(), finishedAt: null, iterations: 0, responseLatenciesMs: [] };
    this.waiting = new Set(this.targets().map((t) => t.taskId));
    void this.explicitRound(this.generation);
  }

  stop(): void {
    this.generation++;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private later(delayMs: number, round: () => Promise<void>): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void round();
    }, delayMs);
  }

  /** Any status update for a task answers it. */
  answered(taskId: string): void {
    if (!this.waiting.delete(taskId)) return;
    if (this.current && this.current.responseLatenciesMs.length < 100_000) this.current.responseLatenciesMs.push(this.now() - this.roundSentAt);
    if (this.waiting.size > 0 || this.round === 0 || !this.timer) return;
    // Everything answered: go on to implicit without waiting for the retry timer.
    clearTimeout(this.timer);
    this.timer = null;
    void this.implicitRound(this.generation);
  }

  get unanswered(): number {
    return this.waiting.size;
  }

  private async explicitRound(generation: number): Promise<void> {
    if (generation !== this.generation) return;
    const known = new Map(this.targets().map((t) => [t.taskId, t]));
    for (const id of this.waiting) if (!known.has(id)) this.waiting.delete(id);
    if (this.waiting.size === 0 || this.round >= MAX_EXPLICIT_ROUNDS) {
      await this.implicitRound(generation);
      return;
    }
    this.round++;
    if (this.current) this.current.iterations++;
    this.roundSentAt = this.now();
    const list = [...this.waiting].map((id) => known.get(id)!);
    try {
      for (let i = 0; i < list.length; i += BATCH) await this.send(list.slice(i, i + BATCH));
    } catch {
      // The retry below covers a failed send.
    }
    if (generation !== this.generation) return;
    this.onRoundDone('explicit');
    const delay = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** (this.round - 1));
    this.later(delay, () => this.explicitRound(generation));
  }

  private async implicitRound(generation: number): Promise<void> {
    if (generation !== this.generation) return;
    this.waiting.clear();
    if (this.current && this.current.finishedAt === null) {
      this.current.iterations++;
      this.current.finishedAt = this.now();
    }
    try {
      await this.send([]);
    } catch {
      // The periodic round retries.
    }
    if (generation !== this.generation) return;
    this.onRoundDone('implicit');
    this.later(RECONCILE_INTERVAL_MS, () => this.implicitRound(generation));
  }
}
