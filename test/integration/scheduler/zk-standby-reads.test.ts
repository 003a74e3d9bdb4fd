import { ZkLayout, ZkSession, ZkStateStore } from '../../../scheduler/state';
import { removeTree, uniqueRoot, ZK_HOSTS } from '../../support/zookeeper';

/**
 * A standby's store keeps what it read and reads again only the buckets written since, on the
 * real ZooKeeper: counted in getData calls, never timed. Another store (the leader) writes.
 */
describe('ZkStateStore.keepReads: a standby re-reads only the buckets written since its last read', () => {
  const root = uniqueRoot('standby-reads');
  const url = `zk://${ZK_HOSTS}${root}`;
  let admin: ZkSession;
  let leader: ZkStateStore;
  let standby: ZkStateStore;
  const id = (i: number): string => `req${i % 50}-d1-${1_700_000_000_000 + i}-${i % 10}-agent${i}-DEFAULT`;

  beforeAll(async () => {
    admin = await ZkSession.connect(ZK_HOSTS);
    leader = await ZkStateStore.open(url);
    standby = await ZkStateStore.open(url);
    for (let i = 0; i < 2_000; i++) leader.put('tasks', id(i), { i, state: 'TASK_STAGING' });
    await leader.flush();
  }, 60_000);

  afterAll(async () => {
    await leader.close();
    await standby.close();
    await removeTree(admin, root);
    admin.close();
  });

  it('reads every record once, then nothing while nothing changed, then only the changed buckets', async () => {
    standby.keepReads(true);
    const first = await standby.load('tasks');
    expect(first.size).toBe(2_000);
    const afterFirst = standby.recordReads;
    expect(afterFirst).toBe(2_000);

    expect((await standby.load('tasks')).size).toBe(2_000);
    expect(standby.recordReads).toBe(afterFirst);

    // An update, a removal and a new record: three buckets at most are read again, all of each.
    leader.put('tasks', id(7), { i: 7, state: 'TASK_RUNNING' });
    leader.delete('tasks', id(8));
    leader.put('tasks', 'fresh', { i: -1, state: 'TASK_STAGING' });
    await leader.flush();
    const layout = new ZkLayout(root);
    const changed = new Set([id(7), id(8), 'fresh'].map((x) => ZkLayout.parentOf(layout.pathOf('tasks', x))));
    const inChanged = (await Promise.all([...changed].map((b) => admin.getChildren(b)))).reduce((n, c) => n + c.length, 0);
    const again = await standby.load('tasks');
    expect(standby.recordReads - afterFirst).toBe(inChanged);
    expect(inChanged).toBeLessThan(20);
    expect(again.get(id(7))).toEqual({ i: 7, state: 'TASK_RUNNING' });
    expect(again.has(id(8))).toBe(false);
    expect(again.get('fresh')).toEqual({ i: -1, state: 'TASK_STAGING' });
    expect(again.size).toBe(2_000);
  });

  it('sees a write that took the one-record path (the batch transaction failed), since that marks its bucket too', async () => {
    standby.keepReads(true);
    await standby.load('tasks');
    // A record the leader does not know exists: its batch create fails with NODE_EXISTS and is redone record by record.
    const layout = new ZkLayout(root);
    await admin.create(layout.pathOf('tasks', 'made-elsewhere'), Buffer.from(JSON.stringify({ v: 1 })));
    await standby.load('tasks');
    leader.put('tasks', 'made-elsewhere', { v: 2 });
    leader.put('tasks', id(9), { i: 9, state: 'TASK_RUNNING' });
    await leader.flush();
    const seen = await standby.load('tasks');
    expect(seen.get('made-elsewhere')).toEqual({ v: 2 });
    expect(seen.get(id(9))).toEqual({ i: 9, state: 'TASK_RUNNING' });
  });

  it('forgets what it kept when turned off: the next load reads everything', async () => {
    standby.keepReads(true);
    await standby.load('tasks');
    standby.keepReads(false);
    const before = standby.recordReads;
    const all = await standby.load('tasks');
    expect(standby.recordReads - before).toBe(all.size);
  });

  it('marks each bucket once per transaction, in the same transaction as the records', async () => {
    const store = await ZkStateStore.open(`${url}-marks`);
    try {
      const before = store.zkOps;
      for (let i = 0; i < 300; i++) store.put('requests', `r${i}`, { i });
      await store.flush();
      const buckets = (await admin.getChildren(`${root}-marks/requests`)).length;
      const ops = store.zkOps - before;
      // One create per record and per bucket, and a mark per bucket per transaction.
      expect(ops).toBeGreaterThanOrEqual(300 + 2 * buckets);
      expect(ops).toBeLessThanOrEqual(300 + buckets + 300);
    } finally {
      await store.close();
      await removeTree(admin, `${root}-marks`);
    }
  });
});
