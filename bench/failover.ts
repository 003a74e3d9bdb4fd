/**
 * Failover benchmark, printed as JSON: after `kill -9` of the leader of two griddle-scheduler
 * processes, how long until the standby serves the API as leader, and until it is subscribed
 * to Mesos again (polling `/healthz`), p50/max over BENCH_RUNS runs. The physical floor, from
 * the same run: how long ZooKeeper takes to expire the session of a SIGKILLed process (its
 * ephemeral znode disappearing, seen through a watch) with the same session timeout. A
 * failover can never beat that; the ratio says how much Griddle adds on top.
 * ZooKeeper is private (tickTime 500 ms, so a 2 s session is allowed); Mesos is mesos-local.
 * Run: `npm run build && node dist/bench/failover.js` (env BENCH_RUNS, BENCH_ZK_SESSION_MS).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { DestinationStream } from 'pino';
import { createLogger } from '../common/logger';
import { startMesosLocal } from '../mesos-local';
import { zookeeper, ZkSession } from '../scheduler/state';
import { PrivateZooKeeper } from '../test/integration/scheduler/private-zookeeper';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const SESSION_MS = Number(process.env.BENCH_ZK_SESSION_MS ?? 2000);
const DIST = path.resolve(__dirname, '..');

interface Member { child: ChildProcess; url: string }

function startScheduler(args: string[]): Promise<Member> {
  const child = spawn(process.execPath, [path.join(DIST, 'scheduler', 'main.js'), '--port', '0', '--discovery-port', '0', '--grpc-port', '0', ...args], {
    // The 'started' line (info) carries the API address.
    env: { ...process.env, GRIDDLE_LOG_JSON: '1', GRIDDLE_LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const line = buffered.split('\n').find((l) => l.includes('griddle-scheduler started'));
      if (line) resolve({ child, url: (JSON.parse(line) as { api: string }).api });
      buffered = buffered.slice(buffered.lastIndexOf('\n') + 1);
    });
    child.once('exit', (code) => reject(new Error(`griddle-scheduler exited ${code}`)));
  });
}

async function health(m: Member): Promise<{ role: string; subscribed: boolean } | null> {
  try {
    return await (await fetch(`${m.url}/healthz`)).json() as { role: string; subscribed: boolean };
  } catch {
    return null;
  }
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 60_000, pollMs = 10): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

function kill(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill(signal);
  return exited;
}

/** One scheduler failover: ms from the SIGKILL to the standby serving as leader, and to subscribed. */
async function failover(hosts: string, master: string, run: number): Promise<{ servingMs: number; subscribedMs: number }> {
  const args = ['--zk', `zk://${hosts}/bench-${run}`, '--master', master, '--zk-session-timeout', String(SESSION_MS)];
  const leader = await startScheduler(args);
  await waitFor('the first leader', async () => (await health(leader))?.subscribed === true);
  const standby = await startScheduler(args);
  await waitFor('the standby', async () => (await health(standby))?.role === 'standby');
  await kill(leader.child, 'SIGKILL');
  const killedAt = Date.now();
  let servingMs = -1;
  await waitFor('the standby to lead and subscribe', async () => {
    const h = await health(standby);
    if (h?.role === 'leader' && servingMs < 0) servingMs = Date.now() - killedAt;
    return h?.role === 'leader' && h.subscribed;
  });
  const subscribedMs = Date.now() - killedAt;
  await kill(standby.child, 'SIGTERM');
  return { servingMs, subscribedMs };
}

/** The floor: a bare ZooKeeper client's ephemeral znode outliving its SIGKILLed process. */
async function sessionExpiry(admin: ZkSession, hosts: string, run: number): Promise<number> {
  const node = `/bench-expiry-${run}`;
  const script = `const z=require(${JSON.stringify(require.resolve('node-zookeeper-client'))});const c=z.createClient(${JSON.stringify(hosts)},{sessionTimeout:${SESSION_MS}});`
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

function stats(values: number[]): { p50: number; max: number; all: number[] } {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: sorted[Math.floor((sorted.length - 1) / 2)], max: sorted[sorted.length - 1], all: values };
}

async function main(): Promise<void> {
  const zk = await PrivateZooKeeper.start();
  const local = await startMesosLocal({ port: 0, agents: 1, containerizer: 'simulated', allocationIntervalMs: 200, log: createLogger('mesos-local', { destination: { write: () => true } as unknown as DestinationStream }) });
  const admin = await ZkSession.connect(zk.hosts);
  try {
    const serving: number[] = [];
    const subscribed: number[] = [];
    const expiry: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const r = await failover(zk.hosts, local.masterUrl, run);
      serving.push(r.servingMs);
      subscribed.push(r.subscribedMs);
      expiry.push(await sessionExpiry(admin, zk.hosts, run));
    }
    const s = stats(subscribed);
    const e = stats(expiry);
    process.stdout.write(`${JSON.stringify({
      runs: RUNS, zkTickTimeMs: 500, zkSessionTimeoutMs: SESSION_MS,
      killToServingAsLeaderMs: stats(serving), killToSubscribedMs: s,
      baselineSessionExpiryMs: e, ratioSubscribedToExpiryP50: Number((s.p50 / e.p50).toFixed(2)),
    }, null, 2)}\n`);
  } finally {
    admin.close();
    await local.stop();
    await zk.destroy();
  }
}

main().then(() => process.exit(0), (err: Error) => {
  process.stderr.write(`bench/failover: ${err.message}\n`);
  process.exit(1);
});
