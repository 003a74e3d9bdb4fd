import { InvalidArgumentError } from 'commander';

/** Commander argument parsers shared by the commands: each names the flag and the form it wants. */

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `90s`, `30m`, `1h`, `2d`, `1h30m` or plain milliseconds → milliseconds (commander argParser). */
export function parseDuration(value: string): number {
  const parts = [...value.matchAll(/(\d+)(ms|s|m|h|d)/g)];
  const total = /^\d+$/.test(value) ? Number(value) : parts.reduce((sum, m) => sum + Number(m[1]) * UNITS[m[2]], 0);
  if (!(total > 0) || (!/^\d+$/.test(value) && parts.map((m) => m[0]).join('') !== value)) {
    throw new InvalidArgumentError(`expected a duration like 90s, 30m, 1h or 1h30m, got '${value}'`);
  }
  return total;
}

export const positiveInt = (what: string) => (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${what} must be a whole number >= 0, got '${value}'`);
  return n;
};

/** A level in [min, 1] (priorities), `min` excluded when `open` (a freeze at 0 would freeze nothing). */
export const unitInterval = (what: string, open = false) => (value: string): number => {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n > 1 || (open ? n <= 0 : n < 0)) {
    throw new InvalidArgumentError(`${what} must be a number ${open ? 'above 0' : 'from 0'} up to 1 (0.3 is the default priority), got '${value}'`);
  }
  return n;
};
