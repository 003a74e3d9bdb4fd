import type { TaskStatus } from '../../mesos-proto';
import type { HealthResultNote, TaskRecord, TaskUpdateNote } from '../model';

/**
 * What a task record keeps of its status updates for the API's task history. Bounded: the
 * record is persisted with every change (one znode per task), so a task that flaps for days
 * keeps only its latest updates, and messages (a failed container's log tail) are cut short;
 * the full last message stays in `TaskRecord.message`.
 */
export const UPDATES_KEPT = 20;
export const HEALTH_RESULTS_KEPT = 5;
export const NOTE_MESSAGE_CHARS = 200;

const cut = (message: string | undefined): string | undefined =>
  message === undefined || message.length <= NOTE_MESSAGE_CHARS ? message : `${message.slice(0, NOTE_MESSAGE_CHARS - 1)}…`;

const keepLast = <T>(list: readonly T[] | undefined, item: T, max: number): T[] => [...(list ?? []), item].slice(-max);

/** Mesos timestamps are seconds (a double); the records' are milliseconds. */
export function statusTime(status: TaskStatus, now: number): number {
  return status.timestamp !== undefined && Number.isFinite(status.timestamp) && status.timestamp > 0 ? Math.round(status.timestamp * 1000) : now;
}

/**
 * `next` with the update noted: a change of state or message is a task update; a `healthy`
 * that differs from the task's last is a health result.
 */
export function noteStatus(previous: TaskRecord, next: TaskRecord, status: TaskStatus, now: number): TaskRecord {
  const at = statusTime(status, now);
  let out = next;
  if (previous.state !== next.state || previous.message !== next.message) {
    const note: TaskUpdateNote = { state: status.state, at, ...(status.message !== undefined ? { message: cut(status.message) } : {}), ...(status.reason !== undefined ? { reason: status.reason } : {}) };
    out = { ...out, updates: keepLast(previous.updates, note, UPDATES_KEPT) };
  }
  if (status.healthy !== undefined && status.healthy !== previous.healthy) {
    const note: HealthResultNote = { at, healthy: status.healthy, ...(status.message !== undefined ? { message: cut(status.message) } : {}) };
    out = { ...out, healthResults: keepLast(previous.healthResults, note, HEALTH_RESULTS_KEPT) };
  }
  return out;
}
