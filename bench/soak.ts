/**
 * Chaos soak: the chaos suite's stack and service (test/chaos/harness), rolling deploys and
 * rollbacks back to back for a bounded time, each hit by a fault picked at random; prints JSON
 * counts: faults injected, convergence times after a fault (p50/p99), lost writes, duplicate
 * tasks, orphan containers, samples over instances + step, deploy outcomes.
 * Run: `npm run build && node dist/bench/soak.js [--minutes 10]`.
 */
import { FAULTS, type FaultName } from '../test/chaos/harness/faults';
import { removeContainers } from '../test/chaos/harness/observe';
import { ChaosRounds, setUpService, type RoundReport } from '../test/chaos/harness/scenario';
import { ChaosStack } from '../test/chaos/harness/stack';

function minutesArg(argv: string[]): number {
  const i = argv.indexOf('--minutes');
  if (i < 0) return 10;
  const n = Number(argv[i + 1]);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--minutes: expected a positive number, got '${argv[i + 1]}'`);
  return n;
}

function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function summary(minutes: number, reports: RoundReport[], errors: string[]): Record<string, unknown> {
  const count = <K extends string>(keys: K[]): Record<string, number> => keys.reduce<Record<string, number>>((acc, k) => ({ ...acc, [k]: (acc[k] ?? 0) + 1 }), {});
  const times = reports.flatMap((r) => (r.convergedAfterFaultMs === null ? [] : [r.convergedAfterFaultMs])).sort((a, b) => a - b);
  return {
    minutes, rounds: reports.length,
    faultsInjected: count(reports.filter((r) => !r.faultError).map((r) => r.fault)),
    faultErrors: reports.filter((r) => r.faultError).map((r) => `${r.fault}: ${r.faultError}`),
    convergenceMs: { p50: percentile(times, 50), p99: percentile(times, 99), neverConverged: reports.filter((r) => r.convergedAfterFaultMs === null).map((r) => r.fault) },
    ackedWrites: reports.reduce((n, r) => n + r.ackedWrites, 0),
    lostWrites: reports.reduce((n, r) => n + r.lostWrites.length, 0),
    duplicateTasks: reports.reduce((n, r) => n + r.duplicates.length, 0),
    orphanContainers: reports.reduce((n, r) => n + (Array.isArray(r.orphans) ? r.orphans.length : 0), 0),
    samplesOverInstancesPlusStep: reports.reduce((n, r) => n + r.overshoot.length, 0),
    deployStates: count(reports.map((r) => r.deployState)),
    roundErrors: errors,
  };
}

async function main(): Promise<void> {
  const minutes = minutesArg(process.argv.slice(2));
  const deadline = Date.now() + minutes * 60_000;
  const requestId = `soak-${process.pid}`;
  const stack = await ChaosStack.start();
  const reports: RoundReport[] = [];
  const errors: string[] = [];
  const stop = (): void => void stack.stop().then(() => removeContainers(requestId)).finally(() => process.exit(130));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    await setUpService(stack, requestId);
    const rounds = new ChaosRounds(stack, requestId);
    const names = Object.keys(FAULTS) as FaultName[];
    while (Date.now() < deadline) {
      const fault = names[Math.floor(Math.random() * names.length)];
      try {
        reports.push(await rounds.round(fault, Math.random() < 0.25 ? 'rollback' : 'deploy'));
      } catch (err) {
        errors.push(`${fault}: ${(err as Error).message}`);
      }
    }
  } finally {
    await stack.stop();
    await removeContainers(requestId);
  }
  process.stdout.write(`${JSON.stringify(summary(minutes, reports, errors), null, 2)}\n`);
}

main().then(() => process.exit(0), (err: unknown) => {
  process.stderr.write(`soak failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
