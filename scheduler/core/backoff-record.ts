import type { CrashState } from './crash-backoff';
import type { LaunchBackoff } from './launch-backoff';

/** Record ids in the `framework` collection: `backoff/<requestId>/<deployId>`. */
export const BACKOFF_PREFIX = 'backoff/';

/** One deploy's backoffs as persisted: its crash-loop state and its instances' launch backoffs. */
export interface BackoffRecord {
  crash?: CrashState;
  /** By instance number. */
  launch?: Record<string, LaunchBackoff>;
}

/** The record of a deploy (key `requestId/deployId`), or undefined when it has no backoff left. */
export function backoffRecord(
  deploy: string, crash: ReadonlyMap<string, CrashState>, launch: ReadonlyMap<string, LaunchBackoff>,
): BackoffRecord | undefined {
  const record: BackoffRecord = {};
  const c = crash.get(deploy);
  if (c) record.crash = c;
  const prefix = `${deploy}/`;
  for (const [key, state] of launch) {
    // Instance numbers hold no '/', so a longer deploy id sharing the prefix does not match.
    const rest = key.startsWith(prefix) ? key.slice(prefix.length) : undefined;
    if (rest === undefined || rest.includes('/')) continue;
    (record.launch ??= {})[rest] = state;
  }
  return record.crash || record.launch ? record : undefined;
}

/** Puts a loaded record back into the maps (ignoring malformed entries from older writers). */
export function restoreBackoff(
  deploy: string, record: BackoffRecord, crash: Map<string, CrashState>, launch: Map<string, LaunchBackoff>,
): void {
  if (record.crash && typeof record.crash.failures === 'number') crash.set(deploy, record.crash);
  for (const [instanceNo, state] of Object.entries(record.launch ?? {})) {
    if (typeof state?.failures === 'number') launch.set(`${deploy}/${instanceNo}`, state);
  }
}
