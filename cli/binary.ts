import type { CliDeps } from './program';

/**
 * The process around a CLI entry point (`griddle`, `nmesos`): the first Ctrl-C stops watching
 * (deploys keep going on the server), a second one exits; the exit code is the command's.
 */
export function runBinary(name: string, run: (argv: string[], deps: CliDeps) => Promise<number>): void {
  const stop = new AbortController();
  process.once('SIGINT', () => {
    stop.abort();
    process.once('SIGINT', () => process.exit(130));
  });
  run(process.argv.slice(2), { streams: { stdout: process.stdout, stderr: process.stderr }, env: process.env, signal: stop.signal })
    .then((code) => {
      process.exitCode = stop.signal.aborted && code === 0 ? 130 : code;
    })
    .catch((e: unknown) => {
      process.stderr.write(`${name}: unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 3;
    });
}
