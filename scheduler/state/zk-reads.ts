import { isBucket } from './zk-layout';
import { isZkCode, zookeeper, type ZkSession } from './zk-session';

/**
 * Reads in flight at once on one session. Sending 100,000 getData at once queued them all in
 * the client and in the server (far past its globalOutstandingLimit of 1,000), with every
 * reply held in memory until the last one; a window keeps the pipeline full and both bounded.
 */
export const ZK_READ_WINDOW = 1000;

/** `fn` over every item with at most `window` calls pending; results in the items' order. */
export async function mapWindowed<T, R>(items: readonly T[], window: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(window, items.length) }, worker));
  return out;
}

export interface CollectionListing {
  /** Bucket znodes. */
  buckets: string[];
  /** Record znodes inside buckets. */
  bucketed: string[];
  /** Record znodes of the layout before buckets, directly under the collection. */
  legacy: string[];
}

/** Every record znode of a collection, both layouts. */
export async function listCollection(session: ZkSession, dir: string): Promise<CollectionListing> {
  const names = await session.getChildren(dir);
  const buckets = names.filter(isBucket).map((b) => `${dir}/${b}`);
  const legacy = names.filter((n) => !isBucket(n)).map((n) => `${dir}/${n}`);
  const listed = await mapWindowed(buckets, ZK_READ_WINDOW, async (bucket) => (await session.getChildren(bucket)).map((n) => `${bucket}/${n}`));
  return { buckets, bucketed: listed.flat(), legacy };
}

/** The data of each path, null where the znode went away meanwhile. */
export function readAll(session: ZkSession, paths: readonly string[]): Promise<(Buffer | null)[]> {
  return mapWindowed(paths, ZK_READ_WINDOW, async (path) => {
    try {
      return await session.getData(path);
    } catch (err) {
      if (isZkCode(err, zookeeper.Exception.NO_NODE)) return null;
      throw err;
    }
  });
}
