/** Mesos's duration strings (stout's Duration): a number and a unit, e.g. `5secs`, `15mins`. */
const UNIT_MS: Record<string, number> = {
  ns: 1e-6, us: 1e-3, ms: 1, secs: 1000, mins: 60_000, hrs: 3_600_000, days: 86_400_000, weeks: 604_800_000,
};

export function parseMesosDuration(text: string): number {
  const match = /^\s*([0-9]*\.?[0-9]+(?:e[-+]?\d+)?)\s*(ns|us|ms|secs|mins|hrs|days|weeks)\s*$/i.exec(text);
  if (!match) throw new Error(`invalid Mesos duration '${text}' (expected a number and one of ns, us, ms, secs, mins, hrs, days, weeks)`);
  return Number(match[1]) * UNIT_MS[match[2].toLowerCase()];
}

/** Formats milliseconds the way Mesos prints durations in environment variables. */
export function formatMesosDuration(ms: number): string {
  for (const unit of ['weeks', 'days', 'hrs', 'mins', 'secs'] as const) {
    const size = UNIT_MS[unit];
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
