#!/usr/bin/env node
import { runCli } from './program';

/** `griddle`: the first Ctrl-C stops watching (deploys keep going on the server); a second one exits. */
const stop = new AbortController();
process.once('SIGINT', () => {
  stop.abort();
  process.once('SIGINT', () => process.exit(130));
});
runCli(process.argv.slice(2), { streams: { stdout: process.stdout, stderr: process.stderr }, env: process.env, signal: stop.signal })
  .then((code) => {
    process.exitCode = stop.signal.aborted && code === 0 ? 130 : code;
  })
  .catch((e: unknown) => {
    process.stderr.write(`griddle: unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 3;
  });
