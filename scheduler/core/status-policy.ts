import { isTerminalState, type TaskState, type TaskStatus } from '../../mesos-proto';
import type { RequestType, TaskRecord } from '../model';
import { noteStatus } from './status-notes';

export interface StatusOutcome {
  task: TaskRecord;
  /** The task is over for Griddle: it moves to history and stops counting. */
  finished: boolean;
  /** The end counts as a crash for the deploy's crash-loop backoff. */
  crashed: boolean;
  /** The update said nothing new (a duplicate or a stale update after the end). */
  ignored: boolean;
}

/**
 * Ends that say the agent or the network failed, not the task: replaced at once, no backoff
 * (Singularity replaces TASK_LOST tasks without counting them against the request).
 */
const INFRASTRUCTURE_ENDS: ReadonlySet<TaskState> = new Set<TaskState>(['TASK_LOST', 'TASK_GONE', 'TASK_DROPPED', 'TASK_GONE_BY_OPERATOR', 'TASK_UNKNOWN']);

/** Mesos's terminal states plus TASK_UNKNOWN: a task the master does not know is gone for us. */
export function endsTask(state: TaskState): boolean {
  return isTerminalState(state) || state === 'TASK_UNKNOWN';
}

/**
 * Applies a status update to a task record. UNREACHABLE keeps the task (it may come back;
 * it just stops counting, see countsAsInstance). FAILED and ERROR are crashes, and so is a
 * long-running task (SERVICE, WORKER) that FINISHED on its own; a kill Griddle asked for is not.
 */
export function applyStatus(task: TaskRecord, status: TaskStatus, requestType: RequestType | undefined, now: number): StatusOutcome {
  if (endsTask(task.state)) return { task, finished: false, crashed: false, ignored: true };
  const changed: TaskRecord = { ...task, state: status.state, updatedAt: now };
  if (status.reason !== undefined) changed.reason = status.reason;
  else delete changed.reason;
  if (status.message !== undefined) changed.message = status.message;
  if (status.healthy !== undefined) changed.healthy = status.healthy;
  if (status.state === 'TASK_RUNNING' && changed.runningSince === undefined) changed.runningSince = now;
  const unchanged = task.state === changed.state && task.healthy === changed.healthy && task.message === changed.message;
  const next = unchanged ? changed : noteStatus(task, changed, status, now);
  if (!endsTask(status.state)) return { task: next, finished: false, crashed: false, ignored: unchanged };
  const requested = task.killRequestedAt !== undefined;
  let crashed = false;
  if (!requested && !INFRASTRUCTURE_ENDS.has(status.state)) {
    if (status.state === 'TASK_FAILED' || status.state === 'TASK_ERROR') crashed = true;
    if (status.state === 'TASK_FINISHED' && (requestType === 'SERVICE' || requestType === 'WORKER')) crashed = true;
  }
  return { task: next, finished: true, crashed, ignored: false };
}
