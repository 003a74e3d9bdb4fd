import path from 'node:path';
import { PassThrough } from 'node:stream';
import { runCli, runNmesos } from '../../cli';
import { REPO_ROOT } from './repo-root';

/** Nmesos's own example specs (MIT, see the README beside them), kept in the repository as fixtures. */
export const NMESOS_EXAMPLES = path.join(REPO_ROOT, 'test', 'fixtures', 'nmesos-examples');

export interface CliRun { code: number; stdout: string; stderr: string }

/** Runs `griddle <args>` (or, with `entry: 'nmesos'`, `nmesos <args>`) in-process with captured, non-TTY output. */
export async function runGriddle(
  args: string[],
  env: NodeJS.ProcessEnv,
  options: { signal?: AbortSignal; pollMs?: number; onStdout?: (soFar: string) => void; now?: () => number; entry?: 'griddle' | 'nmesos' } = {},
): Promise<CliRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (b: Buffer) => {
    out.push(b);
    options.onStdout?.(Buffer.concat(out).toString());
  });
  stderr.on('data', (b: Buffer) => err.push(b));
  const code = await (options.entry === 'nmesos' ? runNmesos : runCli)(args, {
    streams: { stdout, stderr },
    env,
    signal: options.signal ?? new AbortController().signal,
    pollMs: options.pollMs ?? 50,
    now: options.now,
  });
  return { code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
}
