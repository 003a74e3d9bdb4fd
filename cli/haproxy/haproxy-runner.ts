/**
 * `griddle haproxy`: follows the discovery catalog, renders the HAProxy configuration, checks it
 * with `haproxy -c`, then starts HAProxy or reloads it gracefully (`-x <socket> -sf <oldpid>`:
 * the new process takes over the listening sockets, the old one finishes its connections).
 * Reloads are batched by a hold-down. A configuration that fails the check is never applied.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import fs from 'node:fs/promises';
import net from 'node:net';
import { createLogger, type Logger } from '../../common';
import type { SidecarServicesByName } from '../../contract';
import { followCatalog, type CatalogFollower } from './catalog-follower';
import { renderHaproxyConfig } from './haproxy-config';
import { HoldDown } from './hold-down';

export interface RunHaproxyOptions {
  /**
   * Where the configuration is written (`--config`), before the reload that serves it: the
   * 'applied' event, not the file, says what HAProxy serves.
   */
  config: string;
  /**
   * The discovery listener to follow (`--follow`, default http://127.0.0.1:7777); `false` to feed
   * services through update() instead.
   */
  follow?: string | false;
  haproxyBin?: string;
  /** Minimum time between two reloads; changes in between are batched (default 1000 ms). */
  holdDownMs?: number;
  bindAddress?: string;
  /** The admin socket used for seamless reloads (default `<config>.sock`). */
  statsSocket?: string;
  log?: Logger;
}

export interface AppliedEvent { config: string; pid: number; reload: boolean }
export interface RejectedEvent { reason: string; config: string }

export interface HaproxyRunner extends EventEmitter {
  /** The pid of the HAProxy process serving the current configuration. */
  readonly pid: number | undefined;
  /**
   * Feeds services directly: parsed, or the JSON text of a watch document. Only the latest is
   * rendered, when the hold-down lets the next apply run.
   */
  update(services: SidecarServicesByName | string): void;
  stop(): Promise<void>;
}

function run(bin: string, args: string[]): Promise<{ ok: boolean; output: string }> {
  return new Promise((resolve) => {
    execFile(bin, args, { timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ ok: !err, output: `${stdout}${stderr}`.trim() || (err ? err.message : '') });
    });
  });
}

/** Asks HAProxy's admin socket which process answers it (`show info` → `Pid: N`). */
function socketPid(socket: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    const conn = net.connect(socket);
    let text = '';
    conn.setTimeout(1000, () => conn.destroy());
    conn.on('connect', () => conn.write('show info\n'));
    conn.on('data', (d) => { text += d.toString(); });
    conn.on('error', () => resolve(undefined));
    conn.on('close', () => {
      const m = /^Pid: (\d+)$/m.exec(text);
      resolve(m ? Number(m[1]) : undefined);
    });
  });
}

class Runner extends EventEmitter implements HaproxyRunner {
  private readonly bin: string;
  private readonly socket: string;
  private readonly log: Logger;
  private readonly holdDown: HoldDown;
  private readonly children = new Set<ChildProcess>();
  private current: ChildProcess | undefined;
  /** The newest services seen; rendered at the next apply. */
  private latestServices: SidecarServicesByName | string | undefined;
  private latest: string | undefined;
  private applied: string | undefined;
  /** The last configuration HAProxy refused: not checked again until the catalog changes it. */
  private refused: string | undefined;
  private follower: CatalogFollower | undefined;
  private stopping = false;
  private applying: Promise<void> = Promise.resolve();

  constructor(private readonly options: RunHaproxyOptions) {
    super();
    this.bin = options.haproxyBin ?? 'haproxy';
    this.socket = options.statsSocket ?? `${options.config}.sock`;
    this.log = options.log ?? createLogger('griddle-haproxy');
    this.holdDown = new HoldDown(options.holdDownMs ?? 1000, () => (this.applying = this.apply()));
  }

  get pid(): number | undefined {
    return this.current?.pid;
  }

  follow(url: string): void {
    this.follower = followCatalog(url, (json) => this.update(json), { log: this.log });
  }

  update(services: SidecarServicesByName | string): void {
    this.latestServices = services;
    this.holdDown.trigger();
  }

  /** Renders the newest services (a burst of watch documents costs one parse and one render). */
  private renderLatest(): void {
    const services = this.latestServices;
    if (services === undefined) return;
    this.latestServices = undefined;
    const parsed = typeof services === 'string' ? JSON.parse(services) as SidecarServicesByName : services;
    const rendered = renderHaproxyConfig(parsed, { bindAddress: this.options.bindAddress, statsSocket: this.socket });
    for (const warning of rendered.warnings) this.log.warn({ warning }, 'HAProxy configuration incomplete');
    this.latest = rendered.config;
  }

  private async apply(): Promise<void> {
    try {
      await this.applyLatest();
    } catch (err) {
      this.log.error({ err: (err as Error).message }, 'applying the HAProxy configuration failed');
      this.emit('rejected', { reason: (err as Error).message, config: this.latest ?? '' } satisfies RejectedEvent);
    }
  }

  private async applyLatest(): Promise<void> {
    this.renderLatest();
    const config = this.latest;
    if (config === undefined || this.stopping || (config === this.applied && this.current) || config === this.refused) return;
    const candidate = `${this.options.config}.new`;
    await fs.writeFile(candidate, config);
    const check = await run(this.bin, ['-c', '-f', candidate]);
    if (!check.ok) {
      this.refused = config;
      this.log.error({ reason: check.output, config: candidate }, 'HAProxy configuration failed validation; keeping the previous one');
      this.emit('rejected', { reason: check.output, config } satisfies RejectedEvent);
      return;
    }
    // stop() may have come while HAProxy checked the file: start nothing after it.
    if (this.stopping) return;
    await fs.rename(candidate, this.options.config);
    const previous = this.current;
    const args = ['-f', this.options.config];
    if (previous?.pid) args.push('-x', this.socket, '-sf', String(previous.pid));
    const child = this.spawnHaproxy(args);
    if (!(await this.waitReady(child))) {
      if (this.stopping) return;
      this.log.error({ args }, 'HAProxy did not start with the new configuration');
      this.emit('rejected', { reason: 'haproxy exited at start', config } satisfies RejectedEvent);
      return;
    }
    this.current = child;
    this.applied = config;
    const reload = previous !== undefined;
    this.log.info({ pid: child.pid, reload, config: this.options.config }, reload ? 'HAProxy reloaded' : 'HAProxy started');
    this.emit('applied', { config, pid: child.pid ?? 0, reload } satisfies AppliedEvent);
  }

  private spawnHaproxy(args: string[]): ChildProcess {
    const child = spawn(this.bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.children.add(child);
    const relay = (d: Buffer): void => {
      for (const line of d.toString().split('\n')) if (line.trim()) this.log.warn({ pid: child.pid, haproxy: line.trim() }, 'haproxy says');
    };
    child.stdout?.on('data', relay);
    child.stderr?.on('data', relay);
    child.on('exit', (code, signal) => {
      this.children.delete(child);
      if (child === this.current && !this.stopping) {
        this.log.error({ pid: child.pid, code, signal }, 'HAProxy exited; starting it again');
        this.current = undefined;
        this.holdDown.trigger();
      }
    });
    return child;
  }

  /** Ready when the admin socket answers from the new process; failed if it exits first. */
  private async waitReady(child: ChildProcess): Promise<boolean> {
    for (let i = 0; i < 200; i++) {
      if (child.exitCode !== null || child.signalCode !== null || this.stopping) return false;
      if ((await socketPid(this.socket)) === child.pid) return true;
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill('SIGKILL');
    return false;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.holdDown.stop();
    this.follower?.stop();
    await this.applying.catch(() => undefined);
    await Promise.all([...this.children].map((child) => new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    })));
    this.current = undefined;
    await fs.rm(this.socket, { force: true });
  }
}

/**
 * Starts following the catalog at `options.follow` and keeps HAProxy in step with it. Resolves
 * at once; listen for 'applied' / 'rejected' events, and call stop() to end HAProxy.
 */
export function runHaproxy(options: RunHaproxyOptions): HaproxyRunner {
  const runner = new Runner(options);
  if (options.follow !== false) runner.follow(options.follow ?? 'http://127.0.0.1:7777');
  return runner;
}
