/**
 * Which benchmarks `npm run bench` runs and with what size: `quick` fits 2 cores in a few
 * minutes, `full` is issue 16's 100,000 instances on 10,000 agents (and 100,000 endpoints).
 * The scale benchmarks are driven only through their size flags (`--agents`, `--instances`,
 * `--requests`, `--per-request`), so their internals can change without this plan changing. Pure.
 */
export type Scale = 'quick' | 'full';

export interface BenchRun {
  /** The benchmark's name, also its file: `dist/bench/<name>.js`. */
  name: string;
  args: string[];
  env: Record<string, string>;
  /** Minutes after which the run is stopped and reported as failed. */
  timeoutMinutes: number;
}

const run = (name: string, args: string[], timeoutMinutes: number, env: Record<string, string> = {}): BenchRun => ({ name, args, env, timeoutMinutes });

export function benchPlan(scale: Scale): BenchRun[] {
  if (scale === 'full') {
    return [
      run('discovery', ['--endpoints', '100000', '--burst', '10000'], 20),
      run('api', ['--tasks', '100000', '--seconds', '10'], 60),
      run('launch-latency', ['20'], 20),
      run('scheduling', ['--agents', '10000', '--instances', '100000'], 60),
      run('failover', [], 20, { BENCH_RUNS: '5' }),
      run('cluster-scale', ['--agents', '10000', '--requests', '1000', '--per-request', '100', '--failover'], 90),
      run('mesos-local', ['--agents', '10000', '--tasks-per-agent', '10'], 60),
      run('console', [], 30, { BENCH_REQUESTS: '1000', BENCH_TASKS: '100000', BENCH_RUNS: '7' }),
      run('soak', ['--minutes', '10'], 20),
      run('standby-reads', ['--records', '230000'], 30),
    ];
  }
  return [
    run('discovery', ['--endpoints', '20000', '--burst', '2000'], 10),
    run('api', ['--tasks', '2000', '--seconds', '3'], 10),
    run('launch-latency', ['10'], 10),
    run('scheduling', ['--agents', '200', '--instances', '2000'], 10),
    run('failover', [], 10, { BENCH_RUNS: '2' }),
    run('cluster-scale', ['--agents', '100', '--requests', '20', '--per-request', '10', '--failover'], 10),
    run('mesos-local', ['--agents', '200', '--tasks-per-agent', '10', '--offer-window-ms', '2000'], 10),
    run('console', [], 10, { BENCH_REQUESTS: '200', BENCH_TASKS: '2000', BENCH_RUNS: '3' }),
    run('soak', ['--minutes', '1'], 10),
    run('standby-reads', ['--records', '10000'], 10),
  ];
}

export interface RunAllOptions { scale: Scale; only?: string[]; out: string }

/** `--scale quick|full`, `--only a,b`, `--out file`; anything else is an error naming the flag. */
export function parseRunAllArgs(argv: readonly string[], defaultOut: string): RunAllOptions {
  const options: RunAllOptions = { scale: 'quick', out: defaultOut };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (flag === '--scale') {
      if (value !== 'quick' && value !== 'full') throw new Error(`--scale: expected quick or full, got '${value ?? ''}'`);
      options.scale = value;
    } else if (flag === '--only') {
      if (!value) throw new Error('--only: expected benchmark names, e.g. --only api,discovery');
      options.only = value.split(',').map((s) => s.trim()).filter(Boolean);
    } else if (flag === '--out') {
      if (!value) throw new Error('--out: expected a file path, e.g. --out bench/results.json');
      options.out = value;
    } else {
      throw new Error(`unknown flag '${flag}': use --scale quick|full, --only <names>, --out <file>`);
    }
    i++;
  }
  return options;
}

/** The plan narrowed to `only`; an unknown name is an error listing the known ones. */
export function selectRuns(plan: BenchRun[], only: string[] | undefined): BenchRun[] {
  if (!only) return plan;
  const known = new Set(plan.map((r) => r.name));
  const unknown = only.filter((n) => !known.has(n));
  if (unknown.length > 0) throw new Error(`--only: unknown benchmark ${unknown.join(', ')}; known: ${[...known].join(', ')}`);
  return plan.filter((r) => only.includes(r.name));
}
