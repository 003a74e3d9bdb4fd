/**
 * Nmesos's `@deprecated-on` annotations: an env var written as
 * `OLD_FLAG: "x" # @deprecated-on 10-Jan-2020` may stay for a soft grace period (no word),
 * then is warned about until the hard grace period, after which every release and check of the
 * file is refused, so teams get a deadline to remove feature toggles.
 */

/** Nmesos's defaults for `-S` and `-H`, in days. */
export const DEFAULT_SOFT_GRACE_DAYS = 14;
export const DEFAULT_HARD_GRACE_DAYS = 28;

export interface DeprecatedEnvVar { key: string; deprecatedOn: Date; line: number }

export interface DeprecationFinding {
  key: string;
  line: number;
  /** Whole days since the annotation's date. */
  days: number;
  level: 'warning' | 'error';
  message: string;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const LINE = /^\s*([A-Z0-9_]+):.*#\s*@deprecated-on\s+(.*?)\s*$/;
const DATE = /^(\d{1,2})-([A-Za-z]{3})-(\d{4})$/;

export class DeprecationSyntaxError extends Error {
  constructor(readonly line: number, message: string) {
    super(message);
    this.name = 'DeprecationSyntaxError';
  }
}

/** `10-Jan-2020` (Nmesos's `dd-MMM-yyyy`) → midnight UTC of that day. */
export function parseDeprecationDate(text: string): Date | undefined {
  const m = DATE.exec(text.trim());
  if (!m) return undefined;
  const month = MONTHS.indexOf(m[2].toLowerCase());
  const day = Number(m[1]);
  if (month < 0 || day < 1) return undefined;
  const date = new Date(Date.UTC(Number(m[3]), month, day));
  return date.getUTCMonth() === month ? date : undefined;
}

/**
 * Every annotated line of a spec's text, commented-out lines excepted. Like Nmesos, this reads
 * the text and not the parsed YAML, so an annotation counts wherever in the file it is.
 */
export function findDeprecatedEnvVars(text: string): DeprecatedEnvVar[] {
  const out: DeprecatedEnvVar[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    if (raw.trim().startsWith('#') || !raw.includes('@deprecated-on')) return;
    const m = LINE.exec(raw);
    if (!m) throw new DeprecationSyntaxError(index + 1, 'has `@deprecated-on` but is not `ENV_VAR: value # @deprecated-on dd-Mon-yyyy`');
    const deprecatedOn = parseDeprecationDate(m[2]);
    if (!deprecatedOn) throw new DeprecationSyntaxError(index + 1, `\`@deprecated-on ${m[2]}\` is not a date like 10-Jan-2020`);
    out.push({ key: m[1], deprecatedOn, line: index + 1 });
  });
  return out;
}

const DAY_MS = 86_400_000;

/** Whole days from `from` to `to`, counted on UTC calendar days (Nmesos: ChronoUnit.DAYS between dates). */
export function daysBetween(from: Date, to: Date): number {
  const day = (d: Date): number => Math.floor(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) / DAY_MS);
  return day(to) - day(from);
}

/**
 * Nmesos's policy: fewer than `soft` days since the date is fine, fewer than `hard` is a
 * warning, `hard` or more is an error.
 */
export function judgeDeprecations(found: DeprecatedEnvVar[], today: Date, softDays: number, hardDays: number): DeprecationFinding[] {
  const out: DeprecationFinding[] = [];
  for (const d of found) {
    const days = daysBetween(d.deprecatedOn, today);
    if (days >= hardDays) {
      out.push({ key: d.key, line: d.line, days, level: 'error', message: `was deprecated ${days} day(s) ago, past the hard grace period of ${hardDays} day(s) (-H): remove it` });
    } else if (days >= softDays) {
      out.push({ key: d.key, line: d.line, days, level: 'warning', message: `was deprecated ${days} day(s) ago; releases stop at ${hardDays} day(s) (-H): remove it` });
    }
  }
  return out;
}
