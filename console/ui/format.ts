/** Plain-text renderings shared by the pages: times, durations, sizes. */
export function duration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

export const age = (since: number | undefined, now = Date.now()): string => (since === undefined ? '–' : duration(now - since));

export const time = (at: number | undefined): string => (at === undefined ? '–' : new Date(at).toLocaleString());

export const shortState = (state: string): string => state.replace(/^TASK_/, '').toLowerCase();

export const num = (n: number, digits = 2): string => (Number.isInteger(n) ? String(n) : n.toFixed(digits));
