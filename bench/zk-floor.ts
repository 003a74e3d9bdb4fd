/** ZooKeeper measurements the benchmarks share: the raw write floor and the shape of a state tree. */
import { randomBytes } from 'node:crypto';
import { mapWindowed, ZK_READ_WINDOW, type ZkSession } from '../scheduler/state';

/** Creates in flight at once: with all 254,000 of a full-size run in flight the connection closed with CONNECTION_LOSS. */
const RAW_IN_FLIGHT = 5000;

/** `count` creates of `bytes` bytes each, pipelined on one session: the fastest way to write those records. */
export async function rawCreates(session: ZkSession, count: number, bytes: number): Promise<{ count: number; bytes: number; ms: number }> {
  const root = `/griddle-bench-raw-${randomBytes(4).toString('hex')}`;
  await session.mkdirp(root);
  const data = Buffer.alloc(bytes, 'x');
  const start = process.hrtime.bigint();
  await mapWindowed(Array.from({ length: count }, (_, i) => i), RAW_IN_FLIGHT, (i) => session.create(`${root}/r${i}`, data));
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  await session.removeTree(root);
  return { count, bytes, ms };
}

export interface TreeShape {
  znodes: number;
  leaves: number;
  /** Names of the leaf znodes (record ids, encoded). */
  leafNames: string[];
  maxChildren: number;
  /** The largest getChildren reply: names plus their 4-byte length prefixes. */
  maxListingBytes: number;
  maxDataBytes: number;
  dataBytes: number;
}

/** Walks a subtree, a window of reads at a time. */
export async function stateTreeShape(session: ZkSession, path: string): Promise<TreeShape> {
  const shape: TreeShape = { znodes: 0, leaves: 0, leafNames: [], maxChildren: 0, maxListingBytes: 0, maxDataBytes: 0, dataBytes: 0 };
  let level = [path];
  while (level.length > 0) {
    const visited = await mapWindowed(level, ZK_READ_WINDOW, async (p) => ({ p, children: await session.getChildren(p), data: await session.getData(p) }));
    const next: string[] = [];
    for (const { p, children, data } of visited) {
      shape.znodes++;
      shape.maxChildren = Math.max(shape.maxChildren, children.length);
      shape.maxListingBytes = Math.max(shape.maxListingBytes, children.reduce((n, c) => n + Buffer.byteLength(c) + 4, 0));
      shape.maxDataBytes = Math.max(shape.maxDataBytes, data.length);
      if (children.length === 0 && p !== path) {
        shape.leaves++;
        shape.leafNames.push(p.slice(p.lastIndexOf('/') + 1));
        shape.dataBytes += data.length;
      }
      for (const c of children) next.push(`${p}/${c}`);
    }
    level = next;
  }
  return shape;
}
