import type { AcceptanceCheck } from '../../contract';
import { type CheckAnswer, type CheckVars, type Verdict, combineVerdicts, renderQuery, renderUrl, verdictOf } from './verdict';

/**
 * Acceptance checks, the I/O half: asks each hook or Prometheus once and hands the answers to
 * the pure verdict rules. Nothing here decides anything.
 */

export interface AcceptanceAdapterOptions {
  /** Prometheus base URL for checks that name none (--prometheus-url, GRIDDLE_PROMETHEUS_URL). */
  prometheusUrl?: string;
  /** For checks without timeoutSeconds. */
  defaultTimeoutSeconds?: number;
}

/** Runs all of a deploy's checks once and answers their combined verdict. */
export type AcceptanceRunner = (checks: readonly AcceptanceCheck[], vars: CheckVars) => Promise<Verdict>;

const DEFAULT_TIMEOUT_SECONDS = 10;
const BODY_LIMIT = 64 * 1024;

function errorText(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as Error & { cause?: unknown }).cause;
    return cause instanceof Error ? `${err.message}: ${cause.message}` : err.message;
  }
  return String(err);
}

async function get(url: string, timeoutSeconds: number): Promise<{ status: number; body: string }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutSeconds * 1000), headers: { accept: 'application/json, text/plain, */*' } });
  const text = await res.text();
  return { status: res.status, body: text.slice(0, BODY_LIMIT) };
}

export async function answerCheck(check: AcceptanceCheck, vars: CheckVars, options: AcceptanceAdapterOptions = {}): Promise<CheckAnswer> {
  const timeout = check.timeoutSeconds ?? options.defaultTimeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
  try {
    if (check.type === 'HTTP') {
      const res = await get(renderUrl(check.url, vars), timeout);
      return { type: 'HTTP', status: res.status, body: res.body };
    }
    const base = check.prometheusUrl ?? options.prometheusUrl;
    if (!base) return { type: 'unreachable', error: 'no Prometheus URL: start the scheduler with --prometheus-url or give the check a prometheusUrl' };
    const url = `${base.replace(/\/+$/, '')}/api/v1/query?query=${encodeURIComponent(renderQuery(check, vars))}`;
    const res = await get(url, timeout);
    let json: unknown;
    try {
      json = JSON.parse(res.body);
    } catch {
      return { type: 'unreachable', error: `Prometheus answered ${res.status} without JSON` };
    }
    return { type: 'PROMETHEUS', json };
  } catch (err) {
    return { type: 'unreachable', error: `request failed: ${errorText(err)}` };
  }
}

export function acceptanceRunner(options: AcceptanceAdapterOptions = {}): AcceptanceRunner {
  return async (checks, vars) => {
    const answers = await Promise.all(checks.map((c) => answerCheck(c, vars, options)));
    return combineVerdicts(checks.map((c, i) => verdictOf(c, answers[i])));
  };
}
