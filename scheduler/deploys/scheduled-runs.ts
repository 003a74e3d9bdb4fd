import { Cron } from 'croner';
import type { DesiredDeployment, TaskRecord } from '../model';
import { LONG_RUNNING, type EmitEngineEvent } from './engine-types';
import { RunBook, type Run } from './run-book';
import type { SchedulerPort } from './scheduler-port';

/**
 * One-shot runs of ON_DEMAND, RUN_ONCE and SCHEDULED requests: queued by hand, by a RUN_ONCE
 * deploy or by a cron schedule; closed by their tasks' outcome (with retries).
 */
export class ScheduledRuns {
  private readonly runs = new RunBook();
  private readonly nextRunAt = new Map<string, { schedule: string; at: number | null }>();
  private runSeq = 0;

  constructor(
    private readonly scheduler: SchedulerPort,
    private readonly emit: EmitEngineEvent,
    private readonly now: () => number,
  ) {}

  openRuns(requestId: string): number {
    return this.runs.openRuns(requestId).length;
  }

  /** Open runs of a request, queued first; `taskId` is set while a task runs for one. */
  openRunList(requestId: string): readonly Readonly<Run>[] {
    return this.runs.openRuns(requestId);
  }

  runIdOf(taskId: string): string | undefined {
    return this.runs.runIdOf(taskId);
  }

  tasksOfRun(requestId: string, runId: string): string[] {
    return this.runs.tasksOfRun(requestId, runId);
  }

  isOpen(requestId: string, runId: string): boolean {
    return this.runs.openRuns(requestId).some((run) => run.runId === runId);
  }

  /** What the open runs of a request need running. */
  desired(requestId: string): DesiredDeployment[] {
    const byDeploy = new Set(this.runs.openRuns(requestId).map((run) => run.deployId));
    return [...byDeploy].map((deployId) => ({ requestId, deployId, instances: this.runs.desiredInstances(requestId, deployId) }));
  }

  /** Returns the run id. */
  queue(requestId: string, deployId: string, runId?: string): string {
    const id = runId ?? `${this.now()}_${++this.runSeq}`;
    this.runs.queue({ runId: id, requestId, deployId, queuedAt: this.now() });
    this.scheduler.poke();
    return id;
  }

  forget(requestId: string): void {
    this.runs.clear(requestId);
    this.nextRunAt.delete(requestId);
  }

  fireSchedules(): void {
    const now = this.now();
    for (const [requestId, r] of this.scheduler.requests) {
      const schedule = r.request.requestType === 'SCHEDULED' ? r.request.schedule : undefined;
      if (!schedule || r.state !== 'ACTIVE' || !r.activeDeployId) {
        this.nextRunAt.delete(requestId);
        continue;
      }
      let entry = this.nextRunAt.get(requestId);
      if (!entry || entry.schedule !== schedule) {
        entry = { schedule, at: nextCronTime(schedule, now) };
        this.nextRunAt.set(requestId, entry);
      }
      if (entry.at !== null && now >= entry.at) {
        // Like Singularity, a scheduled request never overlaps its own runs.
        if (this.runs.openRuns(requestId).length === 0) this.queue(requestId, r.activeDeployId);
        entry.at = nextCronTime(schedule, now);
      }
    }
  }

  taskChanged(task: TaskRecord): void {
    const r = this.scheduler.requests.get(task.requestId);
    if (!r || LONG_RUNNING.has(r.request.requestType)) return;
    const finished = this.runs.onTask(task, this.now(), r.request.numRetriesOnFailure ?? 0);
    if (!finished) return;
    this.emit({ type: 'run.finished', requestId: finished.requestId, deployId: finished.deployId, runId: finished.runId, outcome: finished.outcome, lastTaskState: finished.lastTaskState, taskId: finished.taskId });
    if (r.request.requestType === 'RUN_ONCE' && this.runs.openRuns(r.request.id).length === 0 && r.state === 'ACTIVE') {
      this.scheduler.putRequest({ ...r, state: 'FINISHED', updatedAt: this.now() });
      this.emit({ type: 'request.updated', requestId: r.request.id, state: 'FINISHED', action: 'run-once-finished' });
    }
    this.scheduler.poke();
  }
}

function nextCronTime(schedule: string, after: number): number | null {
  try {
    const next = new Cron(schedule, { paused: true }).nextRun(new Date(after));
    return next ? next.getTime() : null;
  } catch {
    return null;
  }
}
