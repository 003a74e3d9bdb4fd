/**
 * Singularity-style task ids: `requestId-deployId-startedAt-instanceNo-host`. Request ids may
 * hold '-', so ids are parsed from the right; the host is sanitized to stay one field.
 */
export function makeTaskId(requestId: string, deployId: string, startedAt: number, instanceNo: number, host: string): string {
  const safeHost = host.replace(/[^A-Za-z0-9_.]/g, '_');
  return `${requestId}-${deployId}-${startedAt}-${instanceNo}-${safeHost}`;
}

export interface ParsedTaskId { requestId: string; deployId: string; startedAt: number; instanceNo: number; host: string }

/** Parses ids made by makeTaskId; deploy ids are `[A-Za-z0-9_]` so they hold no '-'. */
export function parseTaskId(taskId: string): ParsedTaskId | null {
  const match = /^(.+)-([A-Za-z0-9_]+)-(\d+)-(\d+)-([A-Za-z0-9_.]+)$/.exec(taskId);
  if (!match) return null;
  return { requestId: match[1], deployId: match[2], startedAt: Number(match[3]), instanceNo: Number(match[4]), host: match[5] };
}
