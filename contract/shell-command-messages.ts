/**
 * The framework messages that carry a task shell command between the scheduler and
 * griddle-executor (Mesos `MESSAGE` calls and events; `data` is base64 of this JSON). Mesos
 * passes `data` through untouched, so both sides agree here and nowhere else. The executor
 * imports this file alone (not `contract/index`), to stay light.
 */
import { decodeMessageJson, encodeMessageJson } from './framework-message-json';
import type { ShellCommandUpdateType } from './singularity-machines';

/** Scheduler → executor: run `argv` in the task's container, output to `outputFilename` in the sandbox. */
export interface ShellCommandRun {
  kind: 'griddle.shell-command.run';
  taskId: string;
  /** The command's allow-list name and its request timestamp: together, the run's id. */
  name: string;
  timestamp: number;
  argv: string[];
  outputFilename: string;
}

/** Executor → scheduler: one step of a run (ACKED, STARTED, FINISHED, FAILED or INVALID). */
export interface ShellCommandProgress {
  kind: 'griddle.shell-command.update';
  taskId: string;
  name: string;
  timestamp: number;
  updateType: ShellCommandUpdateType;
  message?: string;
  outputFilename?: string;
}

export type ShellCommandMessage = ShellCommandRun | ShellCommandProgress;

const UPDATE_TYPES: readonly string[] = ['INVALID', 'ACKED', 'STARTED', 'FINISHED', 'FAILED'];

export function encodeShellMessage(message: ShellCommandMessage): string {
  return encodeMessageJson(message);
}

/** The message in a MESSAGE's base64 `data`, or null when it is not one of these (other frameworks' data, garbage). */
export function decodeShellMessage(data: string): ShellCommandMessage | null {
  const m = decodeMessageJson(data);
  if (m === null) return null;
  if (typeof m.taskId !== 'string' || typeof m.name !== 'string' || typeof m.timestamp !== 'number') return null;
  if (m.kind === 'griddle.shell-command.run') {
    const ok = Array.isArray(m.argv) && m.argv.length > 0 && m.argv.every((a) => typeof a === 'string') && typeof m.outputFilename === 'string';
    return ok ? (m as unknown as ShellCommandRun) : null;
  }
  if (m.kind === 'griddle.shell-command.update') {
    return typeof m.updateType === 'string' && UPDATE_TYPES.includes(m.updateType) ? (m as unknown as ShellCommandProgress) : null;
  }
  return null;
}
