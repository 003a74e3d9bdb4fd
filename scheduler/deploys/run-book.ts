import { isTerminalState } from '../../mesos-proto';
import type { TaskRecord } from '../model';

/**
 * One-shot runs of ON_DEMAND, RUN_ONCE and SCHEDULED requests. The core keeps `instances` tasks
 * of a deployment running; for these request types the number it must keep is the number of
 * runs still open, so a finished task is not replaced. Tasks are matched to runs in launch
 * order; a failed task is retried `numRetriesOnFailure` times before its run is closed.
 */
export interface Run {
  runId: string;
  requestId: string;
  deployId: string;
  queuedAt: number;
  attempts: number;
  taskId?: string;
}

export interface FinishedRun extends Run {
  finishedAt: number;
  outcome: 'SUCCEEDED' | 'FAILED' | 'KILLED';
  lastTaskState: string;
}

/** Task → run assignments remembered (oldest forgotten first), for run-id lookups and history. */
const LEDGER_SIZE = 10_000;

export class RunBook {
  private readonly open = new Map<string, Run[]>();
  /** taskId → the run it ran for; kept after the run closes, in memory like the runs themselves. */
  private readonly ledger = new Map<string, { requestId: string; runId: string }>();

  queue(run: Omit<Run, 'attempts' | 'taskId'>): Run {
    const r: Run = { ...run, attempts: 0 };
    const list = this.open.get(run.requestId) ?? [];
    list.push(r);
    this.open.set(run.requestId, list);
    return r;
  }

  openRuns(requestId: string): readonly Run[] {
    return this.open.get(requestId) ?? [];
  }

  runIdOf(taskId: string): string | undefined {
    return this.ledger.get(taskId)?.runId;
  }

  /** The tasks that ran for a run, oldest first (a retried run has several). */
  tasksOfRun(requestId: string, runId: string): string[] {
    const out: string[] = [];
    for (const [taskId, r] of this.ledger) if (r.requestId === requestId && r.runId === runId) out.push(taskId);
    return out;
  }

  /** Instances the core must keep for this request's deploy. */
  desiredInstances(requestId: string, deployId: string): number {
    return this.openRuns(requestId).filter((r) => r.deployId === deployId).length;
  }

  /** Drops the open runs of a request (it was deleted, paused, or redeployed). */
  clear(requestId: string): Run[] {
    const runs = this.openRuns(requestId);
    this.open.delete(requestId);
    return [...runs];
  }

  /** Feeds one task change; returns the run it closed, if any. */
  onTask(task: TaskRecord, now: number, maxRetries: number): FinishedRun | undefined {
    const list = this.open.get(task.requestId);
    if (!list) return undefined;
    let run = list.find((r) => r.taskId === task.taskId);
    if (!run && !isTerminalState(task.state)) {
      run = list.find((r) => r.taskId === undefined && r.deployId === task.deployId);
      if (run) {
        run.taskId = task.taskId;
        run.attempts += 1;
        this.ledger.set(task.taskId, { requestId: run.requestId, runId: run.runId });
        if (this.ledger.size > LEDGER_SIZE) this.ledger.delete(this.ledger.keys().next().value as string);
      }
      return undefined;
    }
    if (!run || !isTerminalState(task.state)) return undefined;
    const killed = task.killRequestedAt !== undefined;
    if (task.state !== 'TASK_FINISHED' && !killed && run.attempts <= maxRetries) {
      run.taskId = undefined;
      return undefined;
    }
    list.splice(list.indexOf(run), 1);
    if (list.length === 0) this.open.delete(task.requestId);
    const outcome = task.state === 'TASK_FINISHED' ? 'SUCCEEDED' : killed ? 'KILLED' : 'FAILED';
    return { ...run, finishedAt: now, outcome, lastTaskState: task.state };
  }
}
