/** Periodic reconciliation after the post-subscribe round. */
export const RECONCILE_INTERVAL_MS = 10 * 60_000;
const FIRST_RETRY_MS = 2000;
const MAX_RETRY_MS = 60_000;
/** Explicit rounds before giving up on tasks the master never answers for. */
const MAX_EXPLICIT_ROUNDS = 8;
const BATCH = 1000;

export interface ReconcileTarget { taskId: string; agentId?: string }

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
  private active = false;

  constructor(
    private readonly send: (tasks: ReconcileTarget[]) => Promise<void>,
    private readonly targets: () => ReconcileTarget[],
    private readonly onRoundDone: (phase: 'explicit' | 'implicit') => void = () => {},
  ) {}

  /** Starts over (after a subscribe). */
  start(): void {
    this.stop();
    this.active = true;
    this.round = 0;
    this.waiting = new Set(this.targets().map((t) => t.taskId));
    void this.explicitRound();
  }

  stop(): void {
    this.active = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Any status update for a task answers it. */
  answered(taskId: string): void {
    if (!this.waiting.delete(taskId) || this.waiting.size > 0 || !this.active || this.round === 0) return;
    // Everything answered: go on to implicit without waiting for the retry timer.
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    void this.implicitRound();
  }

  get unanswered(): number {
    return this.waiting.size;
  }

  private async explicitRound(): Promise<void> {
    if (!this.active) return;
    const known = new Map(this.targets().map((t) => [t.taskId, t]));
    for (const id of this.waiting) if (!known.has(id)) this.waiting.delete(id);
    if (this.waiting.size === 0 || this.round >= MAX_EXPLICIT_ROUNDS) {
      await this.implicitRound();
      return;
    }
    this.round++;
    const list = [...this.waiting].map((id) => known.get(id)!);
    try {
      for (let i = 0; i < list.length; i += BATCH) await this.send(list.slice(i, i + BATCH));
    } catch {
      // The retry below covers a failed send.
    }
    if (!this.active) return;
    this.onRoundDone('explicit');
    const delay = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** (this.round - 1));
    this.timer = setTimeout(() => void this.explicitRound(), delay);
  }

  private async implicitRound(): Promise<void> {
    if (!this.active) return;
    this.waiting.clear();
    try {
      await this.send([]);
    } catch {
      // The periodic round retries.
    }
    if (!this.active) return;
    this.onRoundDone('implicit');
    this.timer = setTimeout(() => void this.implicitRound(), RECONCILE_INTERVAL_MS);
  }
}
