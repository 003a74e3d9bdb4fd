import { encodeId } from './state-store';

/**
 * Where a record lives in ZooKeeper: `<root>/<collection>/@<bucket>/<encoded id>`, the bucket
 * being 3 hex digits of a hash of the id. That bounds the children of every znode:
 * a collection holds at most BUCKETS buckets, and a bucket holds about records / BUCKETS
 * records (~25 at 100,000 tasks), so no listing comes near ZooKeeper's 1 MiB packet limit
 * (see `maxBucketListingBytes`) and no read or write of one record touches a big znode.
 *
 * The layout before buckets kept records directly under the collection. Their names never
 * start with '@' (encodeURIComponent escapes it), so both kinds tell apart by name alone: the
 * store reads them as well, and moves each to its bucket the next time it is written.
 */
export const BUCKETS = 4096;
export const BUCKET_PREFIX = '@';

/** FNV-1a: cheap, stable across processes and versions (the bucket of a record must never move). */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function bucketOf(encodedId: string): string {
  return BUCKET_PREFIX + (fnv1a(encodedId) % BUCKETS).toString(16).padStart(3, '0');
}

export function isBucket(name: string): boolean {
  return name.startsWith(BUCKET_PREFIX);
}

export class ZkLayout {
  constructor(readonly root: string) {}

  collectionDir(collection: string): string {
    return `${this.root}/${collection}`;
  }

  bucketDir(collection: string, bucket: string): string {
    return `${this.root}/${collection}/${bucket}`;
  }

  /** The record's znode in the bucketed layout. */
  pathOf(collection: string, id: string): string {
    const name = encodeId(id);
    return `${this.root}/${collection}/${bucketOf(name)}/${name}`;
  }

  /** Where the layout before buckets kept the record. */
  legacyPathOf(collection: string, id: string): string {
    return `${this.root}/${collection}/${encodeId(id)}`;
  }

  /** The bucket znode a record path lives in. */
  static parentOf(path: string): string {
    return path.slice(0, path.lastIndexOf('/'));
  }
}

/**
 * Upper bound of a getChildren reply for a bucket when `records` records with ids of up to
 * `idBytes` bytes are spread over the buckets: the expected share plus a generous margin for
 * an uneven hash (six standard deviations of the binomial spread). Each name costs 4 bytes of
 * length prefix in the reply.
 */
export function maxBucketListingBytes(records: number, idBytes: number): number {
  const mean = records / BUCKETS;
  const worst = Math.ceil(mean + 6 * Math.sqrt(mean) + 6);
  return worst * (idBytes + 4) + 64;
}
