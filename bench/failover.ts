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
import type { DestinationStream } from 'pino';
import { createLogger } from '../common/logger';
import { startMesosLocal } from '../mesos-local';
import { ZkSession } from '../scheduler/state';
import { health, kill, sessionExpiry, startScheduler, waitFor } from './bench-processes';
import { PrivateZooKeeper } from '../test/integration/scheduler/private-zookeeper';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const SESSION_MS = Number(process.env.BENCH_ZK_SESSION_MS ?? 2000);

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
      expiry.push(await sessionExpiry(admin, zk.hosts, `/bench-expiry-${run}`, SESSION_MS));
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
