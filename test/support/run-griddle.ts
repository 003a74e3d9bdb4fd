import { existsSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { runCli } from '../../cli';
import { REPO_ROOT } from './repo-root';

/**
 * Nmesos's example specs live in `../shared/reference/nmesos-examples` relative to the repo
 * root; a git worktree nested deeper finds the same directory further up.
 */
export function nmesosExamplesDir(): string {
  for (let dir = path.dirname(REPO_ROOT); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'shared', 'reference', 'nmesos-examples');
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) throw new Error(`no shared/reference/nmesos-examples above ${REPO_ROOT}`);
  }
}

export interface CliRun { code: number; stdout: string; stderr: string }

/** Runs `griddle <args>` in-process with captured, non-TTY output. */
export async function runGriddle(
  args: string[],
  env: NodeJS.ProcessEnv,
  options: { signal?: AbortSignal; pollMs?: number; onStdout?: (soFar: string) => void } = {},
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
  const code = await runCli(args, {
    streams: { stdout, stderr },
    env,
    signal: options.signal ?? new AbortController().signal,
    pollMs: options.pollMs ?? 50,
  });
  return { code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
}
