/**
 * Standby reads benchmark, printed as JSON: what a standby's store pays to re-read the leader's
 * state in ZooKeeper, and what a takeover pays, with N task records of a real record's size.
 * - a full load (what every refresh and every takeover cost before buckets were marked);
 * - with the reads kept (keepReads): the first load, a re-load with nothing changed, and a
 *   re-load after 1% of the records changed;
 * the floor, from the same run: pipelined getData of every record (ZK_READ_WINDOW in flight).
 * Run: `npm run build && node dist/bench/standby-reads.js [--records 30000] [--zk 127.0.0.1:2181]`.
 */
import { randomBytes } from 'node:crypto';
import { readAll, ZkLayout, ZkSession, ZkStateStore } from '../scheduler/state';
import { machineLoad, numberFlag, round3, wallMs } from './bench-kit';

const RECORDS = numberFlag(process.argv, 'records', 30_000);
const ZK = (() => {
  const i = process.argv.indexOf('--zk');
  return i >= 0 ? process.argv[i + 1]! : '127.0.0.1:2181';
})();
/** About the size of a task record with its TaskInfo (docs/performance.md measures 2.4–2.7 KB). */
const RECORD_PAD = 'x'.repeat(2400);
const id = (i: number): string => `bench-${i % 1000}-d1-${1_700_000_000_000 + i}-${i % 100}-agent${i % 10_000}.example.com-DEFAULT`;

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = wallMs();
  const value = await fn();
  return { ms: round3(wallMs() - started), value };
}

async function main(): Promise<void> {
  const root = `/griddle-bench-standby-${randomBytes(4).toString('hex')}`;
  const url = `zk://${ZK}${root}`;
  const load = machineLoad();
  const leader = await ZkStateStore.open(url, { sessionTimeoutMs: 30_000 });
  const standby = await ZkStateStore.open(url, { sessionTimeoutMs: 30_000 });
  const admin = await ZkSession.connect(ZK, { sessionTimeoutMs: 30_000 });
  try {
    for (let i = 0; i < RECORDS; i++) leader.put('tasks', id(i), { i, state: 'TASK_RUNNING', pad: RECORD_PAD });
    await leader.flush();

    const layout = new ZkLayout(root);
    const paths = Array.from({ length: RECORDS }, (_, i) => layout.pathOf('tasks', id(i)));
    const floor = await timed(() => readAll(admin, paths));

    standby.keepReads(false);
    const full = await timed(() => standby.load('tasks'));
    standby.keepReads(true);
    const first = await timed(() => standby.load('tasks'));
    const readsBefore = standby.recordReads;
    const unchanged = await timed(() => standby.load('tasks'));
    const readsUnchanged = standby.recordReads - readsBefore;
    const changedCount = Math.max(1, Math.floor(RECORDS / 100));
    for (let i = 0; i < changedCount; i++) leader.put('tasks', id(i * 100), { i, state: 'TASK_KILLED', pad: RECORD_PAD });
    await leader.flush();
    const readsBeforeChange = standby.recordReads;
    const afterChange = await timed(() => standby.load('tasks'));
    if (afterChange.value.size !== RECORDS || (afterChange.value.get(id(0)) as { state: string }).state !== 'TASK_KILLED') {
      throw new Error('the standby did not see the changed records');
    }
    console.log(JSON.stringify({
      records: RECORDS,
      recordBytes: Buffer.byteLength(JSON.stringify({ i: 0, state: 'TASK_RUNNING', pad: RECORD_PAD })),
      loadAverage1m: { before: load.loadAverage1m, after: machineLoad().loadAverage1m }, cpus: load.cpus,
      baseline: { what: 'pipelined getData of every record', ms: floor.ms },
      fullLoadMs: full.ms,
      keptReads: {
        firstLoadMs: first.ms,
        unchangedReloadMs: unchanged.ms, unchangedRecordReads: readsUnchanged,
        onePercentChanged: { records: changedCount, reloadMs: afterChange.ms, recordReads: standby.recordReads - readsBeforeChange },
      },
    }, null, 2));
  } finally {
    await leader.close();
    await standby.close();
    await admin.removeTree(root);
    admin.close();
  }
}

main().then(() => process.exit(0), (err: Error) => {
  console.error(err.stack ?? err.message);
  process.exit(1);
});
