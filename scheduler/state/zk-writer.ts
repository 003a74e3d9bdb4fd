import { KnownZnodes } from './known-znodes';
import type { QueuedWrite } from './pipelined-store';
import { ZkLayout } from './zk-layout';
import { isZkCode, zookeeper, type ZkSession } from './zk-session';

/** Bytes per multi-op transaction: the server refuses requests over jute.maxbuffer (1 MiB). */
const TX_MAX_BYTES = 900 * 1024;
const TX_MAX_OPS = 1000;
/** Transactions in flight at once on the session. */
const TX_IN_FLIGHT = 8;
/** A bucket's data: only its zxid matters (the mark of a write to a record in it). */
const BUCKET_MARK = Buffer.alloc(0);

/**
 * Turns a batch of record writes into ZooKeeper operations: a few multi-op transactions sent
 * concurrently on one session (pipelined), not one round trip per record. A transaction that
 * fails as a whole (say a node created meanwhile by another writer) is redone op by op.
 * A record still at its place of the layout before buckets is moved by its next write: the
 * create in its bucket and the removal of the old znode go in the same transaction.
 */
export class ZkRecordWriter {
  /** Record znodes (either layout) and bucket znodes known to exist. */
  known = new KnownZnodes();
  /** ZooKeeper write operations sent (records, buckets, moves, bucket marks), for the tests that count them. */
  ops = 0;
  /** Of those, the bucket marks: one per bucket per transaction. */
  bucketMarks = 0;

  constructor(private readonly layout: ZkLayout) {}

  /** `progress` is called after each committed transaction. */
  async writeAll(session: ZkSession, batch: QueuedWrite[], progress: () => void): Promise<void> {
    await this.ensureBuckets(session, batch);
    const groups: QueuedWrite[][] = [];
    let current: QueuedWrite[] = [];
    let bytes = 0;
    for (const w of batch) {
      const size = (w.data?.length ?? 0) + 200;
      if (current.length > 0 && (bytes + size > TX_MAX_BYTES || current.length >= TX_MAX_OPS)) {
        groups.push(current);
        current = [];
        bytes = 0;
      }
      current.push(w);
      bytes += size;
    }
    if (current.length > 0) groups.push(current);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < groups.length) {
        await this.writeGroup(session, groups[next++]);
        progress();
      }
    };
    await Promise.all(Array.from({ length: Math.min(TX_IN_FLIGHT, groups.length) }, worker));
  }

  /** Buckets are created once, before the records that go into them (at most BUCKETS per collection, ever). */
  private async ensureBuckets(session: ZkSession, batch: QueuedWrite[]): Promise<void> {
    const missing = new Set<string>();
    for (const w of batch) {
      if (w.data === null) continue;
      const bucket = ZkLayout.parentOf(this.layout.pathOf(w.collection, w.id));
      if (!this.known.buckets.has(bucket)) missing.add(bucket);
    }
    await Promise.all([...missing].map(async (bucket) => {
      this.ops++;
      try {
        await session.create(bucket, null);
      } catch (err) {
        if (!isZkCode(err, zookeeper.Exception.NODE_EXISTS)) throw err;
      }
      this.known.buckets.add(bucket);
    }));
  }

  private async writeGroup(session: ZkSession, group: QueuedWrite[]): Promise<void> {
    const tx = session.client.transaction();
    let ops = 0;
    const touched = new Set<string>();
    for (const w of group) {
      const path = this.layout.pathOf(w.collection, w.id);
      const there = this.known.hasRecord(w.collection, w.id);
      const legacy = this.layout.legacyPathOf(w.collection, w.id);
      const legacyThere = this.known.legacy.has(legacy);
      const writes = w.data !== null || there;
      if (w.data === null) {
        if (there) tx.remove(path);
      } else if (there) {
        tx.setData(path, w.data);
      } else {
        tx.create(path, w.data, zookeeper.CreateMode.PERSISTENT);
      }
      if (writes) touched.add(ZkLayout.parentOf(path));
      if (legacyThere) tx.remove(legacy);
      ops += (writes ? 1 : 0) + (legacyThere ? 1 : 0);
    }
    // Each bucket written is marked in the same transaction (see BucketReads).
    for (const bucket of touched) tx.setData(bucket, BUCKET_MARK);
    this.bucketMarks += touched.size;
    this.ops += ops + touched.size;
    try {
      if (ops > 0) await session.commit(tx);
      for (const w of group) this.settled(w);
    } catch (err) {
      if (isZkCode(err, zookeeper.Exception.CONNECTION_LOSS) || isZkCode(err, zookeeper.Exception.SESSION_EXPIRED)) throw err;
      await Promise.all(group.map((w) => this.writeOne(session, w)));
    }
  }

  private settled(w: QueuedWrite): void {
    if (w.data === null) this.known.deleteRecord(w.collection, w.id);
    else this.known.addRecord(w.collection, w.id);
    this.known.legacy.delete(this.layout.legacyPathOf(w.collection, w.id));
  }

  private async writeOne(session: ZkSession, w: QueuedWrite): Promise<void> {
    const path = this.layout.pathOf(w.collection, w.id);
    if (w.data !== null) await this.upsert(session, path, w.data);
    else await this.removeIfThere(session, path, true);
    const legacy = this.layout.legacyPathOf(w.collection, w.id);
    if (this.known.legacy.has(legacy)) await this.removeIfThere(session, legacy, false);
    this.settled(w);
  }

  /** One op on a record, with its bucket's mark in the same transaction. */
  private marked(session: ZkSession, path: string, op: (tx: zookeeper.Transaction) => zookeeper.Transaction): Promise<void> {
    this.ops += 2;
    this.bucketMarks++;
    return session.commit(op(session.client.transaction()).setData(ZkLayout.parentOf(path), BUCKET_MARK));
  }

  private async upsert(session: ZkSession, path: string, data: Buffer): Promise<void> {
    const update = (tx: zookeeper.Transaction): zookeeper.Transaction => tx.setData(path, data);
    const create = (tx: zookeeper.Transaction): zookeeper.Transaction => tx.create(path, data, zookeeper.CreateMode.PERSISTENT);
    try {
      await this.marked(session, path, update);
      return;
    } catch (err) {
      if (!isZkCode(err, zookeeper.Exception.NO_NODE)) throw err;
    }
    try {
      await this.marked(session, path, create);
    } catch (err) {
      if (isZkCode(err, zookeeper.Exception.NODE_EXISTS)) await this.marked(session, path, update);
      else if (isZkCode(err, zookeeper.Exception.NO_NODE)) {
        // The bucket is gone (removed by hand, or by a store that cleared the tree).
        await session.mkdirp(ZkLayout.parentOf(path));
        await this.marked(session, path, create);
      } else throw err;
    }
  }

  /** `bucketed`: the record's bucket is marked with the removal; a record of the old layout has no bucket. */
  private async removeIfThere(session: ZkSession, path: string, bucketed: boolean): Promise<void> {
    try {
      if (bucketed) await this.marked(session, path, (tx) => tx.remove(path));
      else {
        this.ops++;
        await session.remove(path);
      }
    } catch (err) {
      if (!isZkCode(err, zookeeper.Exception.NO_NODE)) throw err;
    }
  }
}
