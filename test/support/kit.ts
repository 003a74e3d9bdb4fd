/**
 * The one place tests (and benchmarks) get ports, poll for conditions, build the project and
 * spawn its binaries from `dist/`.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { REPO_ROOT } from './repo-root';

export { REPO_ROOT };

// ---- ports ----

/** A port free right now on 127.0.0.1, for a process that binds it later (HAProxy, a container's host port). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Whether something accepts TCP connections on 127.0.0.1:`port` right now. */
export function portOpen(port: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

// ---- polling ----

/** What `until` waits for: a boolean, or a value that is there once it is neither undefined, null nor false. */
type Settled<T> = Exclude<T, undefined | null | false>;

export interface UntilOptions {
  /** Pause between probes (default 20 ms). */
  intervalMs?: number;
  /** A probe that throws counts as "not yet" (a server still starting) instead of failing the wait. */
  retryErrors?: boolean;
}

/**
 * Resolves with the probe's first settled answer (true, or a value that is neither undefined,
 * null nor false); rejects naming `what` after `timeoutMs`. `what` may be a function, to
 * describe the state at the time of the failure.
 */
export async function until<T>(
  probe: () => T | Promise<T>,
  what: string | (() => string),
  timeoutMs = 60_000,
  options: UntilOptions = {},
): Promise<Settled<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let value: T | undefined;
    try {
      value = await probe();
    } catch (err) {
      if (!options.retryErrors) throw err;
    }
    if (value !== undefined && value !== null && value !== false) return value as Settled<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${typeof what === 'string' ? what : what()} (${timeoutMs} ms)`);
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 20));
  }
}

/** Resolves once 127.0.0.1:`port` accepts connections. */
export async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  await until(() => portOpen(port), `a listener on port ${port}`, timeoutMs, { intervalMs: 200 });
}

// ---- building ----

const DIST = path.join(REPO_ROOT, 'dist');
const TSC = path.join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const TSCONFIG = path.join(REPO_ROOT, 'tsconfig.json');
/** Held while one process compiles; others wait for it, then find dist/ up to date. */
const LOCK = path.join(REPO_ROOT, '.griddle', 'build.lock');
/** Left by a compile that failed, so the next call compiles (and fails) again instead of trusting dist/. */
const FAILED = path.join(REPO_ROOT, '.griddle', 'build.failed');
const STALE_LOCK_MS = 5 * 60_000;

function sourceDirs(): string[] {
  const config = JSON.parse(fs.readFileSync(TSCONFIG, 'utf8')) as { include?: string[] };
  return (config.include ?? []).map((dir) => path.join(REPO_ROOT, dir));
}

function mtime(file: string): number | undefined {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
}

/** The first source whose compiled output is missing or older than it, or undefined when dist/ is current. */
function staleSource(): string | undefined {
  if (fs.existsSync(FAILED)) return 'the last build (it failed)';
  const configTime = mtime(TSCONFIG) ?? 0;
  const walk = (dir: string): string | undefined => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name === 'node_modules' || entry.name === 'dist') continue;
        const found = walk(file);
        if (found) return found;
      } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
        const out = path.join(DIST, path.relative(REPO_ROOT, file)).replace(/\.ts$/, '.js');
        const outTime = mtime(out);
        if (outTime === undefined || outTime < (mtime(file) ?? 0) || outTime < configTime) return file;
      }
    }
    return undefined;
  };
  for (const dir of sourceDirs()) {
    if (!fs.existsSync(dir)) continue;
    const found = walk(dir);
    if (found) return found;
  }
  return undefined;
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Takes the build lock, breaking one left by a dead process or held far too long. */
function lock(): void {
  fs.mkdirSync(path.dirname(LOCK), { recursive: true });
  for (;;) {
    try {
      fs.writeFileSync(LOCK, String(process.pid), { flag: 'wx' });
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = Number(fs.readFileSync(LOCK, { encoding: 'utf8', flag: 'r' }) || 0);
    let alive = holder > 0;
    if (alive) {
      try {
        process.kill(holder, 0);
      } catch {
        alive = false;
      }
    }
    if (!alive || Date.now() - (mtime(LOCK) ?? Date.now()) > STALE_LOCK_MS) fs.rmSync(LOCK, { force: true });
    else sleepSync(200);
  }
}

/**
 * Compiles the project (`tsc -p tsconfig.json`) when any source `.ts` is newer than its output
 * in `dist/` (or has none); spawned processes run `dist/`, so a test must never run stale code.
 * Cheap when dist/ is current (one walk comparing mtimes); several jest workers calling it at
 * once compile once: the others wait on the lock and then find dist/ current.
 */
export function ensureBuilt(): void {
  if (staleSource() === undefined) return;
  lock();
  try {
    const stale = staleSource();
    if (stale === undefined) return;
    try {
      execFileSync(process.execPath, [TSC, '-p', TSCONFIG], { cwd: REPO_ROOT, stdio: 'pipe' });
      fs.rmSync(FAILED, { force: true });
    } catch (err) {
      fs.writeFileSync(FAILED, '');
      const out = err as { stdout?: Buffer; stderr?: Buffer };
      throw new Error(`tsc failed (rebuilding for ${path.relative(REPO_ROOT, stale)}):\n${out.stdout?.toString() ?? ''}${out.stderr?.toString() ?? ''}`, { cause: err });
    }
  } finally {
    fs.rmSync(LOCK, { force: true });
  }
}

const CONSOLE_SRC = path.join(REPO_ROOT, 'console');
const CONSOLE_INDEX = path.join(DIST, 'ui', 'index.html');

function newestUnder(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestUnder(file) : mtime(file) ?? 0);
  }
  return newest;
}

/**
 * Builds the web console (`vite build`, as `npm run build` does) into dist/ui when any file
 * under console/ or contract/ is newer than its index.html; the browser tests load it from
 * the scheduler.
 */
export function ensureConsoleBuilt(): void {
  const built = (): boolean => (mtime(CONSOLE_INDEX) ?? 0) >= Math.max(newestUnder(CONSOLE_SRC), newestUnder(path.join(REPO_ROOT, 'contract')));
  if (built()) return;
  lock();
  try {
    if (built()) return;
    const vite = path.join(REPO_ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
    execFileSync(process.execPath, [vite, 'build', '--config', path.join(CONSOLE_SRC, 'vite.config.ts')], { cwd: REPO_ROOT, stdio: 'pipe' });
  } finally {
    fs.rmSync(LOCK, { force: true });
  }
}

/** The path of a compiled file under dist/ (e.g. `executor/main.js`), after making sure dist/ is current. */
export function built(relative: string): string {
  ensureBuilt();
  return path.join(DIST, relative);
}

// ---- spawning the binaries ----

/** Node running a built binary (`dist/<relative>`), its stdout handed over line by line. */
export function spawnBuilt(
  relative: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; onLine?: (line: string) => void; stderr?: 'ignore' | 'inherit' | 'pipe' } = {},
): ChildProcess {
  const child = spawn(process.execPath, [built(relative), ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    env: { ...process.env, GRIDDLE_LOG_JSON: '1', ...options.env },
    stdio: ['ignore', 'pipe', options.stderr ?? 'pipe'],
  });
  let buffered = '';
  child.stdout?.on('data', (d: Buffer) => {
    buffered += d.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) options.onLine?.(line);
  });
  child.stderr?.resume();
  return child;
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. */
export function stopProcess(child: ChildProcess | undefined, graceMs = 30_000): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
