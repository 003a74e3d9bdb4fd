import { ApiClient } from '../api/api-client';
import type { Terminal } from '../output/terminal';

/** Exit codes of every command (DESIGN.md's Deploy CLI section). */
export const EXIT = { ok: 0, deployFailed: 1, usage: 2, api: 3 } as const;

/** An error a command reports as one message and an exit code. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode: number) {
    super(message);
    this.name = 'CliError';
  }
}

export const DEFAULT_URL = 'http://127.0.0.1:7099';

/** --url, else GRIDDLE_URL, else the spec's `singularity.url`/`scheduler.url`, else local. */
export function resolveUrl(flag: string | undefined, env: NodeJS.ProcessEnv, specUrl: string | undefined): string {
  return flag ?? env.GRIDDLE_URL ?? specUrl ?? DEFAULT_URL;
}

export interface CommandContext {
  api: ApiClient;
  term: Terminal;
  now: () => number;
  /** Aborted on SIGINT (or by a test): watchers and followers stop. */
  signal: AbortSignal;
  /** How often followers poll besides reacting to events. */
  pollMs: number;
}

/** Resolves after `ms`, or at once when `signal` aborts; leaves no timer behind. */
export function sleep(ms: number, signal: AbortSignal, wake?: (resume: () => void) => void): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    wake?.(done);
  });
}
