import { BUCKETS, maxBucketListingBytes, MAX_RECORD_BYTES, ZkLayout, ZkSession, ZkStateStore } from '../../../scheduler/state';
import { removeTree, uniqueRoot, ZK_HOSTS } from '../../support/zookeeper';

/**
 * The state layout's bounds, by count and size (never by time): no znode over 1 MB, and no
 * znode with more children than a listing can return. The stall at 100,000 tasks began with
 * every task a child of one znode: a listing of it (a standby's refresh, a store reloading
 * after a lost session) was a multi-megabyte reply, read at once with 100,000 getData behind it.
 */
const ONE_MB = 1024 * 1024;

async function tree(admin: ZkSession, path: string): Promise<{ maxChildren: number; maxListingBytes: number; maxDataBytes: number; leaves: number }> {
  const children = await admin.getChildren(path);
  const listingBytes = children.reduce((n, c) => n + Buffer.byteLength(c) + 4, 0);
  const out = { maxChildren: children.length, maxListingBytes: listingBytes, maxDataBytes: (await admin.getData(path)).length, leaves: children.length === 0 ? 1 : 0 };
  for (let i = 0; i < children.length; i += 500) {
    for (const sub of await Promise.all(children.slice(i, i + 500).map((c) => tree(admin, `${path}/${c}`)))) {
      out.maxChildren = Math.max(out.maxChildren, sub.maxChildren);
      out.maxListingBytes = Math.max(out.maxListingBytes, sub.maxListingBytes);
      out.maxDataBytes = Math.max(out.maxDataBytes, sub.maxDataBytes);
      out.leaves += sub.leaves;
    }
  }
  return out;
}

describe('ZkStateStore layout at size', () => {
  const root = uniqueRoot('layout');
  const url = `zk://${ZK_HOSTS}${root}`;
  let admin: ZkSession;

  beforeAll(async () => {
    admin = await ZkSession.connect(ZK_HOSTS);
  });

  afterAll(async () => {
    await removeTree(admin, root);
    admin.close();
  });

  it('20,000 task records: bounded children and listing bytes, one write operation per record plus each bucket once', async () => {
    const store = await ZkStateStore.open(url);
    const id = (i: number): string => `bench${i % 1000}-d1-${1_700_000_000_000 + i}-${i % 10}-agent${i % 10_000}.example.com-DEFAULT`;
    for (let i = 0; i < 20_000; i++) store.put('tasks', id(i), { i, state: 'TASK_STAGING' });
    await store.flush();
    const createOps = store.zkOps;
    const createMarks = store.bucketMarks;
    const buckets = (await admin.getChildren(`${root}/tasks`)).length;
    expect(buckets).toBeLessThanOrEqual(BUCKETS);
    // One create per record, one per bucket, and each transaction's mark of the buckets it
    // wrote (for standby reads): no read-modify-write, no index znode.
    expect(createOps).toBe(20_000 + buckets + createMarks);
    expect(createMarks).toBeLessThanOrEqual(20_000);
    // Known by id: the only paths it keeps are the buckets', none per record.
    expect(store.knownZnodes).toEqual({ records: 20_000, paths: buckets });
    for (let i = 0; i < 20_000; i++) store.put('tasks', id(i), { i, state: 'TASK_RUNNING' });
    await store.flush();
    expect(store.zkOps - createOps).toBe(20_000 + store.bucketMarks - createMarks);
    await store.close();

    const shape = await tree(admin, `${root}/tasks`);
    expect(shape.leaves).toBe(20_000);
    expect(shape.maxChildren).toBeLessThanOrEqual(BUCKETS);
    expect(shape.maxListingBytes).toBeLessThan(ONE_MB);
    expect(shape.maxDataBytes).toBeLessThanOrEqual(MAX_RECORD_BYTES);
    // Inside a bucket: about 20,000 / 4,096 records, within the bound the layout promises.
    const inBuckets = await Promise.all((await admin.getChildren(`${root}/tasks`)).map((b) => admin.getChildren(`${root}/tasks/${b}`)));
    expect(Math.max(...inBuckets.map((c) => c.length))).toBeLessThanOrEqual(Math.ceil(20_000 / BUCKETS + 6 * Math.sqrt(20_000 / BUCKETS) + 6));
  }, 120_000);

  it('the bound holds at any size the scheduler reaches: a bucket listing stays under 1 MB up to 10,000,000 records', () => {
    expect(maxBucketListingBytes(100_000, 200)).toBeLessThan(16 * 1024);
    expect(maxBucketListingBytes(10_000_000, 200)).toBeLessThan(ONE_MB);
  });

  it('reads state written in the layout before buckets, and moves each record on its next write', async () => {
    const legacyRoot = `${root}-legacy`;
    try {
      // What a scheduler before buckets left: records directly under the collection.
      await admin.mkdirp(`${legacyRoot}/requests`);
      await admin.create(`${legacyRoot}/requests/keep`, Buffer.from(JSON.stringify({ v: 'old-keep' })));
      await admin.create(`${legacyRoot}/requests/move`, Buffer.from(JSON.stringify({ v: 'old-move' })));
      await admin.create(`${legacyRoot}/requests/gone`, Buffer.from(JSON.stringify({ v: 'old-gone' })));
      await admin.mkdirp(`${legacyRoot}/deploys`);
      await admin.create(`${legacyRoot}/deploys/r1%2Fd1`, Buffer.from(JSON.stringify({ deploy: 'd1' })));

      const store = await ZkStateStore.open(`zk://${ZK_HOSTS}${legacyRoot}`);
      expect(Object.fromEntries(await store.load('requests'))).toEqual({ keep: { v: 'old-keep' }, move: { v: 'old-move' }, gone: { v: 'old-gone' } });
      expect(Object.fromEntries(await store.load('deploys'))).toEqual({ 'r1/d1': { deploy: 'd1' } });
      store.put('requests', 'move', { v: 'new-move' });
      store.delete('requests', 'gone');
      store.put('requests', 'fresh', { v: 'new' });
      await store.flush();
      // keep stays in the old layout (its path known); move and fresh are in buckets, by id; gone is gone.
      expect(store.knownZnodes.records).toBe(2);
      await store.close();

      const layout = new ZkLayout(legacyRoot);
      const names = await admin.getChildren(`${legacyRoot}/requests`);
      // The moved and the deleted record left the old place; the untouched one stays there.
      expect(names.filter((n) => !n.startsWith('@')).sort()).toEqual(['keep']);
      expect(JSON.parse((await admin.getData(layout.pathOf('requests', 'move'))).toString())).toEqual({ v: 'new-move' });

      const again = await ZkStateStore.open(`zk://${ZK_HOSTS}${legacyRoot}`);
      expect(Object.fromEntries(await again.load('requests'))).toEqual({ keep: { v: 'old-keep' }, move: { v: 'new-move' }, fresh: { v: 'new' } });
      await again.close();
    } finally {
      await removeTree(admin, legacyRoot);
    }
  });
});
