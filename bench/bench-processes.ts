import fs from 'node:fs';
/**
 * The processes the benchmarks start and stop: mesos-local and griddle-scheduler from dist/,
 * a polling wait, and the floor of every failover (a SIGKILLed client's ZooKeeper session
 * expiring). Shared by bench/scheduling.ts, bench/failover.ts and bench/cluster-scale.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { zookeeper, type ZkSession } from '../scheduler/state';

const DIST = path.resolve(__dirname, '..');

/** Reads stdout until `pattern` matches a line; resolves with the match. The rest of stdout is drained. */
function waitForLine(child: ChildProcess, pattern: RegExp, what: string): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const onData = (chunk: Buffer): void => {
      buffered += chunk.toString();
      const m = pattern.exec(buffered);
      if (m) {
        child.stdout!.off('data', onData);
        keepLog(child, what);
        resolve(m);
      }
      buffered = buffered.slice(Math.max(0, buffered.lastIndexOf('\n')));
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${what} exited ${code}`)));
  });
}

/**
 * BENCH_CHILD_LOG_DIR: each child's log lines (warnings and up) go to `<dir>/<what>-<pid>.log`,
 * to see why a long run stalled; otherwise they are read and dropped.
 */
function keepLog(child: ChildProcess, what: string): void {
  const dir = process.env.BENCH_CHILD_LOG_DIR;
  if (!dir) {
    child.stdout!.resume();
    return;
  }
  fs.mkdirSync(dir, { recursive: true });
  const out = fs.createWriteStream(path.join(dir, `${what}-${child.pid ?? 0}.log`));
  let partial = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) if (!line.includes('"level":30') && !line.includes('"level":20')) out.write(`${line}\n`);
  });
}

/** BENCH_CHILD_NODE_ARGS, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`: node flags for mesos-local and the schedulers. */
function childNodeArgs(): string[] {
  return process.env.BENCH_CHILD_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
}

export interface MesosLocalProcess { url: string; child: ChildProcess; stop: () => Promise<void> }

/** griddle-mesos-local in its own process, simulated containerizer; `args` are extra flags. */
export async function spawnMesosLocal(agents: number, args: string[] = []): Promise<MesosLocalProcess> {
  const child = spawn(process.execPath, [
    ...childNodeArgs(), path.join(DIST, 'mesos-local', 'main.js'), '--port', '0', '--agents', String(agents), '--containerizer', 'simulated', ...args,
  ], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, GRIDDLE_LOG_JSON: '1', GRIDDLE_LOG_LEVEL: 'info' } });
  const m = await waitForLine(child, /"masterUrl":"([^"]+)"/, 'mesos-local');
  return { url: m[1], child, stop: () => kill(child, 'SIGTERM') };
}

export interface SchedulerProcess { child: ChildProcess; url: string }

/** griddle-scheduler on free ports; resolves once it logs its API address. */
export async function startScheduler(args: string[]): Promise<SchedulerProcess> {
  const child = spawn(process.execPath, [...childNodeArgs(), path.join(DIST, 'scheduler', 'main.js'), '--port', '0', '--discovery-port', '0', '--grpc-port', '0', ...args], {
    // The 'started' line (info) carries the API address.
    env: { ...process.env, GRIDDLE_LOG_JSON: '1', GRIDDLE_LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'inherit'],
  });
  const m = await waitForLine(child, /^.*griddle-scheduler started.*$/m, 'griddle-scheduler');
  return { child, url: (JSON.parse(m[0]) as { api: string }).api };
}

export interface Health {
  role: string; subscribed: boolean; eventLoopDelayMs?: { p99: number; max: number }; memoryMb?: Record<string, number>;
  mesosCalls?: { waiting: number; oldestWaitMs: number; coalesced: number };
  standbyReadAgoMs?: number | null;
}

export async function health(m: SchedulerProcess): Promise<Health | null> {
  try {
    return await (await fetch(`${m.url}/healthz`)).json() as Health;
  } catch {
    return null;
  }
}

export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 60_000, pollMs = 10): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

export function kill(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill(signal);
  return exited;
}

/** The floor of a failover: a bare ZooKeeper client's ephemeral znode outliving its SIGKILLed process. */
export async function sessionExpiry(admin: ZkSession, hosts: string, node: string, sessionMs: number): Promise<number> {
  const script = `const z=require(${JSON.stringify(require.resolve('node-zookeeper-client'))});const c=z.createClient(${JSON.stringify(hosts)},{sessionTimeout:${sessionMs}});`
    + `c.once('connected',()=>c.create(${JSON.stringify(node)},Buffer.alloc(0),z.CreateMode.EPHEMERAL,(e)=>{if(e)throw e;process.stdout.write('ready\\n')}));c.connect();`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));
  let goneAt = 0;
  const gone = new Promise<void>((resolve) => {
    void admin.exists(node, (event) => {
      if (event.getType() === zookeeper.Event.NODE_DELETED) {
        goneAt = Date.now();
        resolve();
      }
    });
  });
  await kill(child, 'SIGKILL');
  const killedAt = Date.now();
  await gone;
  return goneAt - killedAt;
}
