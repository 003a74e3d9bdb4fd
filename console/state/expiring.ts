import type { SingularityExpiringFields } from '../../contract/expiring';
import type { SingularityExpiringMachineState } from '../../contract/singularity-machines';

/**
 * Durations typed by an operator ("90s", "30m", "1h30m", "2d") and what an expiring action
 * undoes when its time is up, in words: pure, so the pages only render them.
 */
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export type DurationInput = { ok: true; ms?: number } | { ok: false; error: string };

/** Empty means no duration (the action lasts until changed). */
export function parseDuration(text: string): DurationInput {
  const t = text.trim().toLowerCase().replace(/\s+/g, '');
  if (t === '') return { ok: true };
  if (!/^(\d+[smhd])+$/.test(t)) return { ok: false, error: `"${text.trim()}" is not a duration: write e.g. 90s, 30m, 1h30m or 2d` };
  let ms = 0;
  for (const [, n, unit] of t.matchAll(/(\d+)([smhd])/g)) ms += Number(n) * UNIT_MS[unit];
  if (ms <= 0) return { ok: false, error: 'the duration must be more than 0: write e.g. 30m, or leave it empty' };
  return { ok: true, ms };
}

/** The path segment of each kind (`DELETE /requests/request/{id}/<kind>` cancels its expiry). */
export type ExpiringKind = 'scale' | 'pause' | 'bounce' | 'skip-healthchecks' | 'priority';

export interface ExpiringView {
  kind: ExpiringKind;
  /** What was done, e.g. "scaled to 3". */
  action: string;
  /** What happens when the time is up, e.g. "back to 1 instance". */
  then: string;
  startMillis: number;
  /** Undefined when the action carried no duration (never so for one the API stored). */
  endsAt?: number;
  user?: string;
  message?: string;
}

const plural = (n: number, one: string): string => `${n} ${one}${n === 1 ? '' : 's'}`;
const endOf = (start: number, duration: number | undefined): number | undefined => (duration === undefined ? undefined : start + duration);

/** Every expiring action of a request parent, soonest to end first. */
export function expiringActions(p: SingularityExpiringFields): ExpiringView[] {
  const out: ExpiringView[] = [];
  const base = (a: { startMillis: number; user?: string; expiringAPIRequestObject: { durationMillis?: number; message?: string } }): Pick<ExpiringView, 'startMillis' | 'endsAt' | 'user' | 'message'> => ({
    startMillis: a.startMillis, endsAt: endOf(a.startMillis, a.expiringAPIRequestObject.durationMillis), user: a.user, message: a.expiringAPIRequestObject.message,
  });
  if (p.expiringScale) {
    const s = p.expiringScale;
    out.push({ kind: 'scale', action: `scaled to ${s.expiringAPIRequestObject.instances}`, then: s.revertToInstances === undefined ? 'the instances before it come back' : `back to ${plural(s.revertToInstances, 'instance')}`, ...base(s) });
  }
  if (p.expiringPause) out.push({ kind: 'pause', action: 'paused', then: 'unpaused', ...base(p.expiringPause) });
  if (p.expiringBounce) out.push({ kind: 'bounce', action: `bounce of deploy ${p.expiringBounce.deployId}`, then: 'abandoned if still rolling', ...base(p.expiringBounce) });
  if (p.expiringSkipHealthchecks) {
    const s = p.expiringSkipHealthchecks;
    out.push({ kind: 'skip-healthchecks', action: s.expiringAPIRequestObject.skipHealthchecks ? 'health checks skipped' : 'health checks on', then: `skipHealthchecks back to ${String(s.revertToSkipHealthchecks ?? false)}`, ...base(s) });
  }
  if (p.expiringPriority) {
    const s = p.expiringPriority;
    out.push({ kind: 'priority', action: `priority ${s.expiringAPIRequestObject.priority}`, then: s.revertToPriority === undefined ? 'back to the default priority' : `back to priority ${s.revertToPriority}`, ...base(s) });
  }
  return out.sort((a, b) => (a.endsAt ?? Infinity) - (b.endsAt ?? Infinity));
}

/** A machine's expiry in words: "back to ACTIVE at <end>" is rendered by the page from these. */
export function machineExpiry(e: SingularityExpiringMachineState | undefined): { revertTo: string; endsAt?: number } | undefined {
  if (!e) return undefined;
  return { revertTo: e.revertToState, endsAt: endOf(e.startMillis, e.expiringAPIRequestObject.durationMillis) };
}
