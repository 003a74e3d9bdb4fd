import type { TaskRecord } from '../model';
import type { ReconcileTarget } from './reconciliation';
import { endsTask } from './status-policy';

/** Longest pause between two explicit reconciliations of one unsettled task. */
export const MAX_CHASE_INTERVAL_MS = 30_000;
/** How often the watch looks for due tasks. */
export const CHASE_TICK_MS = 1000;
/**
 * Tasks asked about per tick at most; the rest stay due for the next ticks. At 100,000
 * launches still STAGING after 15 s (normal while a burst is written and acknowledged), one
 * tick asked for all of them, and the 100,000 answers crowded out the launches' own updates.
 */
export const MAX_CHASES_PER_TICK = 500;

/**
 * Why a task's real state is unknown to Griddle, and how long to wait before asking Mesos
 * about it the first time (or null: it is settled).
 *
 * - UNREACHABLE: a partition-aware framework gets no status update when the agent comes back
 *   (the master just moves the task back to its active tasks), so only asking tells us that the
 *   task runs again, perhaps beside its replacement or as part of an old deploy.
 * - A kill decided but not ended: a KILL sent while the agent was cut off is lost, and nobody
 *   sends it again; the answer "still RUNNING" makes the status handler re-send it.
 * - STAGING/STARTING for long: a launch lost in a partition ends TASK_DROPPED only once asked.
 */
export function firstChaseDelayMs(task: TaskRecord): number | null {
  if (endsTask(task.state)) return null;
  if (task.state === 'TASK_UNREACHABLE') return 2000;
  if (task.killRequestedAt !== undefined) return 5000;
  if (task.state === 'TASK_STAGING' || task.state === 'TASK_STARTING') return 15_000;
  return null;
}

interface Chase { signature: string; asks: number; nextAt: number }

/**
 * Pure bookkeeping (no timers) of which unsettled tasks to reconcile explicitly and when: each
 * is asked after its first delay, then again with the pause doubling up to 30 s for as long as it
 * stays unsettled (an unreachable agent may return at any time). A change of state or of the kill
 * decision starts its schedule over.
 */
export class ChaseSchedule {
  private readonly chases = new Map<string, Chase>();

  /** The tasks due for a question at `now` (each then scheduled for its next one). */
  due(tasks: Iterable<TaskRecord>, now: number): ReconcileTarget[] {
    const due: { task: TaskRecord; chase: Chase; first: number }[] = [];
    const seen = new Set<string>();
    for (const task of tasks) {
      const first = firstChaseDelayMs(task);
      if (first === null) continue;
      seen.add(task.taskId);
      const signature = `${task.state}/${task.killRequestedAt ?? ''}`;
      let chase = this.chases.get(task.taskId);
      if (!chase || chase.signature !== signature) {
        chase = { signature, asks: 0, nextAt: now + first };
        this.chases.set(task.taskId, chase);
      }
      if (now >= chase.nextAt) due.push({ task, chase, first });
    }
    for (const id of this.chases.keys()) if (!seen.has(id)) this.chases.delete(id);
    // Over the cap, the least asked (then longest due) go first, so none is starved.
    if (due.length > MAX_CHASES_PER_TICK) due.sort((a, b) => a.chase.asks - b.chase.asks || a.chase.nextAt - b.chase.nextAt);
    return due.slice(0, MAX_CHASES_PER_TICK).map(({ task, chase, first }) => {
      chase.asks++;
      chase.nextAt = now + Math.min(MAX_CHASE_INTERVAL_MS, first * 2 ** chase.asks);
      return { taskId: task.taskId, agentId: task.agentId };
    });
  }

  clear(): void {
    this.chases.clear();
  }
}

/** Runs a ChaseSchedule on a timer while subscribed: one RECONCILE per tick with the due tasks. */
export class UnsettledTaskWatch {
  private readonly schedule = new ChaseSchedule();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly send: (tasks: ReconcileTarget[]) => Promise<void>,
    private readonly tasks: () => Iterable<TaskRecord>,
    private readonly now: () => number = Date.now,
  ) {}

  start(): void {
    this.stop();
    this.timer = setInterval(() => this.tick(), CHASE_TICK_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.schedule.clear();
  }

  private tick(): void {
    const due = this.schedule.due(this.tasks(), this.now());
    // A lost question is asked again on the task's next turn.
    if (due.length > 0) void this.send(due).catch(() => undefined);
  }
}
