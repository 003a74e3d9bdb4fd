import { mapWindowed, readAll, ZK_READ_WINDOW } from './zk-reads';
import { isZkCode, zookeeper, type ZkSession } from './zk-session';

/** One bucket as last read: its zxid before the read began, and its records by znode name. */
interface BucketRead {
  mzxid: string;
  records: Map<string, unknown>;
}

/**
 * Reads buckets of records, re-reading only those written since the last read. The writer
 * sets a bucket's data in the same transaction as every write to a record in it
 * (zk-writer.ts), so an unchanged bucket zxid means unchanged records. A standby refresh at
 * 100,000 tasks was 100,000 getData of 2.5 KB each, every time; with nothing changed it is
 * one stat per bucket (at most 4,096 per collection), and a takeover reads only what changed
 * since the last refresh.
 *
 * The zxid is read before the bucket's content: content newer than its tag is read again next
 * time, content older than its tag could never be.
 */
export class BucketReads {
  private readonly buckets = new Map<string, BucketRead>();
  /** getData calls made for records (tests count them). */
  recordReads = 0;

  /** Forgets every bucket (the leader's memory is the truth; a kept copy would only pin old records). */
  clear(): void {
    this.buckets.clear();
  }

  /** The records of each bucket, by znode name; buckets gone meanwhile are left out. */
  async read(session: ZkSession, bucketPaths: readonly string[]): Promise<Map<string, Map<string, unknown>>> {
    const zxids = await mapWindowed(bucketPaths, ZK_READ_WINDOW, (b) => session.modifiedZxid(b));
    const out = new Map<string, Map<string, unknown>>();
    const stale: { bucket: string; mzxid: string }[] = [];
    bucketPaths.forEach((bucket, i) => {
      const mzxid = zxids[i];
      const kept = this.buckets.get(bucket);
      if (mzxid === null) this.buckets.delete(bucket);
      else if (kept?.mzxid === mzxid) out.set(bucket, kept.records);
      else stale.push({ bucket, mzxid });
    });
    const listings = await mapWindowed(stale, ZK_READ_WINDOW, async ({ bucket }) => {
      try {
        return await session.getChildren(bucket);
      } catch (err) {
        if (isZkCode(err, zookeeper.Exception.NO_NODE)) return [];
        throw err;
      }
    });
    const paths = stale.flatMap(({ bucket }, i) => listings[i].map((name) => `${bucket}/${name}`));
    this.recordReads += paths.length;
    const values = await readAll(session, paths);
    let at = 0;
    stale.forEach(({ bucket, mzxid }, i) => {
      const records = new Map<string, unknown>();
      for (const name of listings[i]) {
        const data = values[at++];
        if (data !== null) records.set(name, JSON.parse(data.toString('utf8')));
      }
      this.buckets.set(bucket, { mzxid, records });
      out.set(bucket, records);
    });
    return out;
  }
}
