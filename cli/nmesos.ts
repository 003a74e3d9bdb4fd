#!/usr/bin/env node
import { runNmesos } from './nmesos/run';

/** `nmesos`: Nmesos's command line on Griddle. Ctrl-C as in `griddle`: stop following, then exit. */
const stop = new AbortController();
process.once('SIGINT', () => {
  stop.abort();
  process.once('SIGINT', () => process.exit(130));
});
runNmesos(process.argv.slice(2), { streams: { stdout: process.stdout, stderr: process.stderr }, env: process.env, signal: stop.signal })
  .then((code) => {
    process.exitCode = stop.signal.aborted && code === 0 ? 130 : code;
  })
  .catch((e: unknown) => {
    process.stderr.write(`nmesos: unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 3;
  });
