/**
 * Singularity task ids: `requestId-deployId-startedAt-instanceNo-sanitizedHost-sanitizedRackId`.
 * Shared by the scheduler (which builds them) and its clients (which take them apart), so the
 * two sides cannot disagree about the grammar.
 *
 * Request ids may hold '-', so an id is split from the right, as Singularity does. Host and rack
 * are sanitized to stay one field each: Singularity replaces '-' with '_'; Griddle also replaces
 * anything outside `[A-Za-z0-9_.]`, so an id always fits the API's task id grammar.
 *
 * Griddle before 6-part ids made `requestId-deployId-startedAt-instanceNo-host` (no rack); such
 * tasks live on in stored state, so parsing accepts both forms (`legacy: true` for the old one).
 */

export const DEFAULT_RACK_ID = 'DEFAULT';

/** The agent attributes a rack id is read from, in order: Griddle's `rack`, then Singularity's default key `rackid`. */
export const RACK_ATTRIBUTES = ['rack', 'rackid'] as const;

export interface TaskIdParts {
  requestId: string;
  deployId: string;
  startedAt: number;
  instanceNo: number;
  sanitizedHost: string;
  /** Absent for a legacy 5-part id. */
  sanitizedRackId?: string;
}

export interface ParsedTaskId extends TaskIdParts {
  legacy: boolean;
}

/** One id field from a host name or a rack id. */
export function sanitizeIdPart(value: string): string {
  return value.replace(/[^A-Za-z0-9_.]/g, '_');
}

/** The 6-part id (5 parts when `sanitizedRackId` is absent: only to name legacy tasks). */
export function formatTaskId(p: TaskIdParts): string {
  const base = `${p.requestId}-${p.deployId}-${p.startedAt}-${p.instanceNo}-${p.sanitizedHost}`;
  return p.sanitizedRackId === undefined ? base : `${base}-${p.sanitizedRackId}`;
}

const DIGITS = /^\d+$/;
const DEPLOY_ID = /^(?!\.+$)[A-Za-z0-9_.]{1,50}$/;
const FIELD = /^[A-Za-z0-9_.]+$/;
const MAX_INSTANCE_NO = 2 ** 31 - 1; // Singularity reads instanceNo as a Java int

function fromParts(requestParts: string[], rest: string[], legacy: boolean): ParsedTaskId | null {
  const [deployId, startedAt, instanceNo, host, rack] = rest;
  const requestId = requestParts.join('-');
  if (!requestId || !DEPLOY_ID.test(deployId) || !DIGITS.test(startedAt) || !DIGITS.test(instanceNo) || !FIELD.test(host)) return null;
  if (!legacy && !FIELD.test(rack)) return null;
  const n = Number(instanceNo);
  if (n > MAX_INSTANCE_NO) return null;
  return {
    requestId, deployId, startedAt: Number(startedAt), instanceNo: n, sanitizedHost: host,
    ...(legacy ? {} : { sanitizedRackId: rack }), legacy,
  };
}

/**
 * Parses a 6-part id, else a legacy 5-part one. Knowing the request id (`requestId`) makes the
 * split exact; without it, an id that reads both ways is taken as 6-part (a legacy id reads as
 * 6-part only when its deploy id is all digits and its startedAt fits an int).
 */
export function parseTaskId(taskId: string, requestId?: string): ParsedTaskId | null {
  if (requestId !== undefined) {
    if (!taskId.startsWith(`${requestId}-`)) return null;
    const rest = taskId.slice(requestId.length + 1).split('-');
    if (rest.length === 5) return fromParts([requestId], rest, false);
    if (rest.length === 4) return fromParts([requestId], rest, true);
    return null;
  }
  const parts = taskId.split('-');
  if (parts.length >= 6) {
    const six = fromParts(parts.slice(0, -5), parts.slice(-5), false);
    if (six) return six;
  }
  return parts.length >= 5 ? fromParts(parts.slice(0, -4), parts.slice(-4), true) : null;
}

/**
 * What a 6-part id names in a store that may still hold the task under its legacy 5-part id:
 * the same id without its rack, when that rack is DEFAULT (legacy tasks had no rack, and their
 * id objects are served with DEFAULT). Null when there is no such alternative.
 */
export function legacyTaskIdOf(taskId: string): string | null {
  const suffix = `-${DEFAULT_RACK_ID}`;
  if (!taskId.endsWith(suffix)) return null;
  const parsed = parseTaskId(taskId);
  return parsed && !parsed.legacy ? taskId.slice(0, -suffix.length) : null;
}
