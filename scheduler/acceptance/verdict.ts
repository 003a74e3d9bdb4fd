import type { AcceptanceCheck, AcceptanceComparison, PrometheusAcceptanceCheck } from '../../contract';

/**
 * Acceptance checks, the pure half: from what a hook or Prometheus answered to a verdict. The
 * I/O that gets the answers is `http-adapter.ts`; keeping this apart lets the rules be tested
 * on tables, without servers.
 *
 * Three verdicts, because "the check said no" and "the check could not say" need different
 * handling: a fail ends the deploy at once, an inconclusive answer is retried until the step's
 * deadline (Prometheus restarting must not roll back a good deploy, nor pass a bad one).
 */
export type VerdictKind = 'pass' | 'fail' | 'inconclusive';
export interface Verdict { kind: VerdictKind; reason: string }

/** What the adapter got back from one check. */
export type CheckAnswer =
  | { type: 'HTTP'; status: number; body: string }
  | { type: 'PROMETHEUS'; json: unknown }
  /** The request itself failed (refused, timed out, no Prometheus URL configured). */
  | { type: 'unreachable'; error: string };

export interface CheckVars { requestId: string; deployId: string }

export function describeCheck(check: AcceptanceCheck): string {
  return check.type === 'HTTP' ? `HTTP ${check.url}` : `PROMETHEUS ${check.query} ${check.comparison} ${check.threshold}`;
}

/** `{{requestId}}`, `{{deployId}}` and `{{window}}` filled in; other text is left alone. */
export function renderQuery(check: PrometheusAcceptanceCheck, vars: CheckVars): string {
  const window = `${check.windowSeconds ?? 300}s`;
  return check.query.replace(/\{\{\s*(requestId|deployId|window)\s*\}\}/g, (_, name: string) =>
    name === 'window' ? window : name === 'requestId' ? vars.requestId : vars.deployId);
}

/** Checks may name `{{requestId}}`/`{{deployId}}` in an HTTP hook's URL too (URL-encoded). */
export function renderUrl(url: string, vars: CheckVars): string {
  return url.replace(/\{\{\s*(requestId|deployId)\s*\}\}/g, (_, name: string) =>
    encodeURIComponent(name === 'requestId' ? vars.requestId : vars.deployId));
}

export function compare(value: number, comparison: AcceptanceComparison, threshold: number): boolean {
  switch (comparison) {
    case '<': return value < threshold;
    case '<=': return value <= threshold;
    case '>': return value > threshold;
    case '>=': return value >= threshold;
  }
}

const snippet = (s: string): string => (s.length > 200 ? `${s.slice(0, 200)}…` : s).trim();

function httpVerdict(status: number, body: string): Verdict {
  if (status >= 200 && status < 300) return { kind: 'pass', reason: `answered ${status}` };
  const text = snippet(body);
  return { kind: 'fail', reason: `answered ${status}${text ? `: ${text}` : ''}` };
}

interface PromSample { metric?: Record<string, string>; value?: [number, string] }

/** The samples of an instant query answer, or why the answer cannot be read. */
function samplesOf(json: unknown): { values: { labels: string; value: number }[] } | { problem: string } {
  if (typeof json !== 'object' || json === null) return { problem: 'Prometheus answered no JSON object' };
  const o = json as { status?: unknown; error?: unknown; data?: { resultType?: unknown; result?: unknown } };
  if (o.status !== 'success') return { problem: `Prometheus answered ${String(o.status)}: ${String(o.error ?? 'no error text')}` };
  const type = o.data?.resultType;
  const result = o.data?.result;
  if (type === 'scalar' && Array.isArray(result)) return { values: [{ labels: 'scalar', value: Number(result[1]) }] };
  if (type !== 'vector' || !Array.isArray(result)) return { problem: `Prometheus answered a ${String(type)}, not an instant vector` };
  return {
    values: (result as PromSample[]).map((s) => ({
      labels: `{${Object.entries(s.metric ?? {}).map(([k, v]) => `${k}="${v}"`).join(',')}}`,
      value: Number(s.value?.[1]),
    })),
  };
}

/**
 * Every sample must compare true: a query over several series (one per task, say) passes only
 * when each one does. No samples is inconclusive, not a pass: a typo in a label must not
 * wave a deploy through, and a fresh deploy may not have been scraped yet.
 */
function prometheusVerdict(check: PrometheusAcceptanceCheck, json: unknown): Verdict {
  // A query Prometheus cannot parse will not get better by asking again: fail now.
  const error = json as { status?: unknown; errorType?: unknown; error?: unknown } | null;
  if (error?.status === 'error' && error.errorType === 'bad_data') return { kind: 'fail', reason: `Prometheus rejected the query: ${String(error.error)}` };
  const read = samplesOf(json);
  if ('problem' in read) return { kind: 'inconclusive', reason: read.problem };
  if (read.values.length === 0) return { kind: 'inconclusive', reason: 'the query returned no samples (yet)' };
  const nan = read.values.find((s) => Number.isNaN(s.value));
  if (nan) return { kind: 'inconclusive', reason: `${nan.labels} is NaN` };
  const bad = read.values.find((s) => !compare(s.value, check.comparison, check.threshold));
  if (bad) return { kind: 'fail', reason: `${bad.labels} = ${bad.value}, wanted ${check.comparison} ${check.threshold}` };
  const shown = read.values.slice(0, 3).map((s) => s.value).join(', ');
  return { kind: 'pass', reason: `${read.values.length} sample(s) ${check.comparison} ${check.threshold} (${shown})` };
}

export function verdictOf(check: AcceptanceCheck, answer: CheckAnswer): Verdict {
  const v = ((): Verdict => {
    if (answer.type === 'unreachable') return { kind: 'inconclusive', reason: answer.error };
    if (check.type === 'HTTP' && answer.type === 'HTTP') return httpVerdict(answer.status, answer.body);
    if (check.type === 'PROMETHEUS' && answer.type === 'PROMETHEUS') return prometheusVerdict(check, answer.json);
    return { kind: 'inconclusive', reason: `a ${answer.type} answer to a ${check.type} check` };
  })();
  return { kind: v.kind, reason: `${describeCheck(check)}: ${v.reason}` };
}

/**
 * All checks together: any fail fails (the first one's reason, the one to act on), else any
 * inconclusive is inconclusive, else pass. A hook that cannot be reached is inconclusive like
 * an unreachable Prometheus: the step's deadline still bounds the wait.
 */
export function combineVerdicts(verdicts: readonly Verdict[]): Verdict {
  const fail = verdicts.find((v) => v.kind === 'fail');
  if (fail) return fail;
  const unsure = verdicts.filter((v) => v.kind === 'inconclusive');
  if (unsure.length) return { kind: 'inconclusive', reason: unsure.map((v) => v.reason).join('; ') };
  return { kind: 'pass', reason: verdicts.map((v) => v.reason).join('; ') || 'no checks' };
}
