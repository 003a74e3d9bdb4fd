/**
 * `npm run bench`: runs every benchmark under bench/ one after another, each in its own
 * process from dist/, at a size that fits 2 cores in a few minutes (`--scale full`: issue 16's
 * 100,000 instances on 10,000 agents). Writes every benchmark's JSON to bench/results.json
 * (with `--only`, merged into the runs already there) and prints a Markdown table of each
 * figure beside its baseline from the same run and the ratio.
 *
 *   npm run bench [-- --scale quick|full] [--only api,discovery] [--out bench/results.json]
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchPlan, parseRunAllArgs, selectRuns, type BenchRun, type Scale } from './bench-plan';
import { formatTable, mergeResults, parseBenchOutput, type Results, type RunResult } from './bench-report';

const DIST_BENCH = __dirname;
const REPO = path.resolve(__dirname, '..', '..');

const load1m = (): number => Math.round(os.loadavg()[0] * 100) / 100;

/** Runs one benchmark; its stderr (progress, errors) goes to ours, its stdout is its result. */
function runOne(run: BenchRun, scale: Scale): Promise<RunResult> {
  const startedAt = new Date();
  const before = load1m();
  const child = spawn(process.execPath, [path.join(DIST_BENCH, `${run.name}.js`), ...run.args], {
    // A group of its own: a benchmark stopped at its time limit takes the processes it started with it.
    cwd: REPO, env: { ...process.env, ...run.env }, stdio: ['ignore', 'pipe', 'inherit'], detached: true,
  });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  const ticker = setInterval(() => {
    process.stderr.write(`[bench] ${run.name}: ${Math.round((Date.now() - startedAt.getTime()) / 1000)} s…\n`);
  }, 30_000);
  const timeout = setTimeout(() => {
    try {
      process.kill(-(child.pid as number), 'SIGTERM');
    } catch {
      child.kill('SIGTERM');
    }
  }, run.timeoutMinutes * 60_000);
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      clearInterval(ticker);
      clearTimeout(timeout);
      const base = {
        scale, startedAt: startedAt.toISOString(), seconds: Math.round((Date.now() - startedAt.getTime()) / 100) / 10,
        loadAverage1m: { before, after: load1m() }, cpus: os.cpus().length, args: run.args,
      };
      if (code !== 0) {
        const why = signal ? `stopped by ${signal}${signal === 'SIGTERM' ? ` after ${run.timeoutMinutes} min` : ''}` : `exit code ${code}`;
        resolve({ ...base, ok: false, error: `${why}; stdout ended: ${stdout.trim().slice(-300)}` });
        return;
      }
      try {
        resolve({ ...base, ok: true, output: parseBenchOutput(stdout) });
      } catch (err) {
        resolve({ ...base, ok: false, error: (err as Error).message });
      }
    });
  });
}

async function main(): Promise<void> {
  const options = parseRunAllArgs(process.argv.slice(2), path.join(REPO, 'bench', 'results.json'));
  const runs = selectRuns(benchPlan(options.scale), options.only);
  const previous = fs.existsSync(options.out) ? (JSON.parse(fs.readFileSync(options.out, 'utf8')) as Results) : undefined;
  const done: Record<string, RunResult> = {};
  for (const [i, run] of runs.entries()) {
    process.stderr.write(`[bench] ${i + 1}/${runs.length} ${run.name} ${run.args.join(' ')} (load ${load1m()} on ${os.cpus().length} cores)\n`);
    done[run.name] = await runOne(run, options.scale);
    const r = done[run.name]!;
    process.stderr.write(`[bench] ${run.name}: ${r.ok ? 'done' : `FAILED (${r.error?.split('\n')[0]})`} in ${r.seconds} s\n`);
    // Written after every benchmark, so an interrupted run keeps what it measured.
    fs.writeFileSync(options.out, `${JSON.stringify(mergeResults(previous, done, new Date()), null, 2)}\n`);
  }
  const results = mergeResults(previous, done, new Date());
  process.stdout.write(formatTable(results));
  process.stderr.write(`[bench] results in ${path.relative(process.cwd(), options.out) || options.out}\n`);
  if (Object.values(done).some((r) => !r.ok)) process.exitCode = 1;
}

main().catch((err: Error) => {
  process.stderr.write(`bench: ${err.message}\n`);
  process.exit(2);
});
