import { isTerminalState } from '../../mesos-proto';
import type { RequestRecord, TaskRecord } from '../model';
import { LONG_RUNNING, type EmitEngineEvent } from './engine-types';
import type { SchedulerPort } from './scheduler-port';

/**
 * Singularity's SYSTEM_COOLDOWN: a SERVICE or WORKER request whose active deploy's tasks keep
 * crashing is marked as cooling down, so operators (and `/requests/cooldown`) see it. The core's
 * crash-loop backoff already spaces the relaunches; the state is the visible flag. It ends by
 * itself on the first healthy run, or by hand with `exit-cooldown`, which also lifts the backoff.
 */
export const COOLDOWN_AFTER_FAILURES = 3;

/** A task end that counts as a crash: it stopped on its own (not killed) and was not lost with its agent. */
export function isCrash(task: TaskRecord): boolean {
  return task.killRequestedAt === undefined && ['TASK_FAILED', 'TASK_ERROR', 'TASK_FINISHED'].includes(task.state);
}

/** A run that proves the deploy works: RUNNING and reported healthy (or RUNNING a minute without a verdict). */
export function isHealthyRun(task: TaskRecord, now: number): boolean {
  if (task.state !== 'TASK_RUNNING' || task.killRequestedAt !== undefined || task.healthy === false) return false;
  return task.healthy === true || (task.runningSince !== undefined && now - task.runningSince >= 60_000);
}

/** The state a request moves to after `failures` consecutive crashes (or a healthy run), or null to stay. */
export function cooldownTransition(state: RequestRecord['state'], failures: number, healthyRun: boolean): 'SYSTEM_COOLDOWN' | 'ACTIVE' | null {
  if (state === 'SYSTEM_COOLDOWN' && healthyRun) return 'ACTIVE';
  if (state === 'ACTIVE' && !healthyRun && failures >= COOLDOWN_AFTER_FAILURES) return 'SYSTEM_COOLDOWN';
  return null;
}

export class Cooldowns {
  /** Consecutive crashes per request (of its active deploy). */
  private readonly crashes = new Map<string, number>();

  constructor(private readonly scheduler: SchedulerPort, private readonly emit: EmitEngineEvent, private readonly now: () => number) {}

  taskChanged(task: TaskRecord): void {
    const r = this.scheduler.requests.get(task.requestId);
    if (!r || !LONG_RUNNING.has(r.request.requestType) || task.deployId !== r.activeDeployId) return;
    const healthy = isHealthyRun(task, this.now());
    if (healthy) this.crashes.delete(task.requestId);
    else if (isTerminalState(task.state) && isCrash(task)) this.crashes.set(task.requestId, (this.crashes.get(task.requestId) ?? 0) + 1);
    this.apply(r, healthy);
  }

  /** Catches runs that turn healthy by time alone (no health check). */
  tick(): void {
    const now = this.now();
    for (const r of this.scheduler.requests.values()) {
      if (r.state !== 'SYSTEM_COOLDOWN') continue;
      for (const t of this.scheduler.tasks.values()) {
        if (t.requestId === r.request.id && t.deployId === r.activeDeployId && isHealthyRun(t, now)) {
          this.crashes.delete(r.request.id);
          this.apply(r, true);
          break;
        }
      }
    }
  }

  /** `exit-cooldown`: ACTIVE again with a clean slate. */
  exit(r: RequestRecord): RequestRecord {
    this.crashes.delete(r.request.id);
    const next: RequestRecord = { ...r, state: 'ACTIVE', updatedAt: this.now() };
    this.scheduler.putRequest(next);
    this.emit({ type: 'request.updated', requestId: r.request.id, state: 'ACTIVE', action: 'exit-cooldown' });
    return next;
  }

  forget(requestId: string): void {
    this.crashes.delete(requestId);
  }

  private apply(r: RequestRecord, healthyRun: boolean): void {
    const to = cooldownTransition(r.state, this.crashes.get(r.request.id) ?? 0, healthyRun);
    if (!to) return;
    this.scheduler.putRequest({ ...r, state: to, updatedAt: this.now() });
    this.emit({ type: 'request.updated', requestId: r.request.id, state: to, action: to === 'ACTIVE' ? 'exited-cooldown' : 'entered-cooldown' });
  }
}
