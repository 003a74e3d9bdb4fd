import { type CollectionListing } from './zk-reads';
import { decodeId } from './state-store';

/**
 * Which znodes a ZkRecordWriter knows to exist, so it creates, sets or removes without asking.
 * A record of the bucketed layout is known by its id, per collection: the id is the string the
 * scheduler's own record holds, so knowing costs a set entry. Its full path, kept before, cost
 * a string of its own (about 170 bytes with its pieces; three records per task, 5 MB at
 * 10,000 tasks). Buckets (at most BUCKETS per collection) and the layout before buckets
 * (shrinking as those records move) stay paths.
 */
export class KnownZnodes {
  readonly buckets = new Set<string>();
  /** Record znodes of the layout before buckets. */
  readonly legacy = new Set<string>();
  private readonly records = new Map<string, Set<string>>();

  hasRecord(collection: string, id: string): boolean {
    return this.records.get(collection)?.has(id) ?? false;
  }

  addRecord(collection: string, id: string): void {
    let ids = this.records.get(collection);
    if (!ids) this.records.set(collection, ids = new Set());
    ids.add(id);
  }

  deleteRecord(collection: string, id: string): void {
    this.records.get(collection)?.delete(id);
  }

  /** Record znodes known in the bucketed layout, over every collection. */
  get recordCount(): number {
    let n = 0;
    for (const ids of this.records.values()) n += ids.size;
    return n;
  }

  /** A collection's buckets and the records of both layouts as listed. */
  addListing(collection: string, listing: CollectionListing): void {
    for (const bucket of listing.buckets) this.buckets.add(bucket);
    for (const path of listing.legacy) this.legacy.add(path);
    for (const path of listing.bucketed) this.addRecord(collection, decodeId(path.slice(path.lastIndexOf('/') + 1)));
  }
}
