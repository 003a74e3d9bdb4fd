/**
 * What `npm run bench` writes and prints: each benchmark's JSON kept in `bench/results.json`
 * (a partial run merges into the file), and a Markdown table of figures, each beside its
 * baseline from the same run and the ratio. Pure.
 */
import { figuresOf, type Figure } from './bench-figures';
import type { Scale } from './bench-plan';

export interface RunResult {
  scale: Scale;
  ok: boolean;
  startedAt: string;
  seconds: number;
  /** The 1-minute load average before and after: the machine is shared, figures move with it. */
  loadAverage1m: { before: number; after: number };
  cpus: number;
  args: string[];
  output?: unknown;
  error?: string;
}

export interface Results {
  generatedAt: string;
  runs: Record<string, RunResult>;
  figures: Figure[];
}

/**
 * The JSON object a benchmark printed: its whole stdout, or else the last top-level object in
 * it (a line starting with `{` through the end), so progress lines before it do no harm.
 */
export function parseBenchOutput(stdout: string): unknown {
  const text = stdout.trim();
  try {
    return JSON.parse(text);
  } catch {
    const starts = [...text.matchAll(/^\{/gm)].map((m) => m.index);
    for (const start of starts.reverse()) {
      try {
        return JSON.parse(text.slice(start));
      } catch {
        // an earlier `{` line may start the object
      }
    }
    throw new Error(`no JSON object in the benchmark's output (${text.length} characters, ending '${text.slice(-80)}')`);
  }
}

/** Runs from this invocation replace the same benchmarks' earlier runs; the others are kept. */
export function mergeResults(previous: Results | undefined, runs: Record<string, RunResult>, now: Date): Results {
  const merged = { ...(previous?.runs ?? {}), ...runs };
  const figures = Object.entries(merged).flatMap(([name, r]) => (r.ok ? figuresOf(name, r.output) : []));
  return { generatedAt: now.toISOString(), runs: merged, figures };
}

function cell(value: number | null | undefined, unit = ''): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const abs = Math.abs(value);
  const text = abs >= 100 ? Math.round(value).toLocaleString('en-US') : abs >= 1 ? String(Math.round(value * 100) / 100) : String(Math.round(value * 1000) / 1000);
  return unit ? `${text} ${unit}` : text;
}

const escape = (s: string): string => s.replace(/\|/g, '\\|');

/** The Markdown table: one row per figure, then one per failed benchmark. */
export function formatTable(results: Results): string {
  const rows = [
    '| benchmark | scale | figure | value | baseline (same run) | baseline value | ratio | target |',
    '|---|---|---|---:|---|---:|---:|---|',
  ];
  for (const f of results.figures) {
    const load = results.runs[f.bench]?.loadAverage1m;
    const scale = `${results.runs[f.bench]?.scale ?? ''}${load ? ` (load ${cell(load.before)}/${results.runs[f.bench]?.cpus ?? '?'})` : ''}`;
    rows.push(`| ${f.bench} | ${scale} | ${escape(f.figure)} | ${cell(f.value, f.unit)} | ${escape(f.baseline ?? '—')} | ${cell(f.baselineValue, f.unit)} | ${cell(f.ratio)}${f.ratio !== undefined && f.ratio !== null ? '×' : ''} | ${escape(f.target ?? '')} |`);
  }
  for (const [name, r] of Object.entries(results.runs)) {
    if (!r.ok) rows.push(`| ${name} | ${r.scale} | **failed** | — | ${escape((r.error ?? '').split('\n')[0]!.slice(0, 160))} | — | — | |`);
  }
  return `${rows.join('\n')}\n`;
}
