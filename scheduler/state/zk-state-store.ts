import { PipelinedStore, type QueuedWrite } from './pipelined-store';
import { type Collection, decodeId, encodeId } from './state-store';
import { isZkCode, parseZkUrl, zookeeper, ZkSession } from './zk-session';

/** Bytes per multi-op transaction: the server refuses requests over jute.maxbuffer (1 MiB). */
const TX_MAX_BYTES = 900 * 1024;
const TX_MAX_OPS = 1000;
/** Transactions in flight at once on the session. */
const TX_IN_FLIGHT = 8;

/**
 * One znode per record at `<root>/<collection>/<id>`. A write batch becomes a few multi-op
 * transactions sent concurrently on one session (pipelined), not one round trip per record.
 * A transaction that fails as a whole (say a node created meanwhile by another writer) is
 * redone op by op, each op still pipelined.
 */
export class ZkStateStore extends PipelinedStore {
  readonly description: string;
  private known = new Set<string>();
  private collectionsReady = new Set<string>();

  private constructor(private readonly session: ZkSession, private readonly root: string, url: string, private readonly ownsSession: boolean) {
    super();
    this.description = url;
  }

  /** `url` is `zk://host:2181/griddle`; the path is the root (default `/griddle`). */
  static async open(url: string, session?: ZkSession): Promise<ZkStateStore> {
    const { hosts, path } = parseZkUrl(url);
    const root = path || '/griddle';
    const zk = session ?? await ZkSession.connect(hosts);
    await zk.mkdirp(root);
    return new ZkStateStore(zk, root, url, !session);
  }

  private pathOf(collection: Collection, id: string): string {
    return `${this.root}/${collection}/${encodeId(id)}`;
  }

  async load(collection: Collection): Promise<Map<string, unknown>> {
    const dir = `${this.root}/${collection}`;
    await this.ensureCollection(collection);
    const children = await this.session.getChildren(dir);
    const out = new Map<string, unknown>();
    const values = await Promise.all(children.map(async (name) => {
      try {
        return await this.session.getData(`${dir}/${name}`);
      } catch (err) {
        if (isZkCode(err, zookeeper.Exception.NO_NODE)) return null;
        throw err;
      }
    }));
    children.forEach((name, i) => {
      const data = values[i];
      if (data === null) return;
      this.known.add(`${dir}/${name}`);
      out.set(decodeId(name), JSON.parse(data.toString('utf8')));
    });
    return out;
  }

  private async ensureCollection(collection: string): Promise<void> {
    if (this.collectionsReady.has(collection)) return;
    await this.session.mkdirp(`${this.root}/${collection}`);
    this.collectionsReady.add(collection);
  }

  protected async writeBatch(batch: QueuedWrite[]): Promise<void> {
    await Promise.all([...new Set(batch.map((w) => w.collection))].map((c) => this.ensureCollection(c)));
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
      while (next < groups.length) await this.writeGroup(groups[next++]);
    };
    await Promise.all(Array.from({ length: Math.min(TX_IN_FLIGHT, groups.length) }, worker));
  }

  private async writeGroup(group: QueuedWrite[]): Promise<void> {
    const tx = this.session.client.transaction();
    for (const w of group) {
      const path = this.pathOf(w.collection, w.id);
      if (w.data === null) {
        if (this.known.has(path)) tx.remove(path);
      } else if (this.known.has(path)) {
        tx.setData(path, w.data);
      } else {
        tx.create(path, w.data, zookeeper.CreateMode.PERSISTENT);
      }
    }
    try {
      await this.session.commit(tx);
      this.afterWrite(group);
    } catch (err) {
      if (isZkCode(err, zookeeper.Exception.CONNECTION_LOSS) || isZkCode(err, zookeeper.Exception.SESSION_EXPIRED)) throw err;
      await Promise.all(group.map((w) => this.writeOne(w)));
    }
  }

  private afterWrite(group: QueuedWrite[]): void {
    for (const w of group) {
      const path = this.pathOf(w.collection, w.id);
      if (w.data === null) this.known.delete(path);
      else this.known.add(path);
    }
  }

  private async writeOne(w: QueuedWrite): Promise<void> {
    const path = this.pathOf(w.collection, w.id);
    if (w.data === null) {
      try {
        await this.session.remove(path);
      } catch (err) {
        if (!isZkCode(err, zookeeper.Exception.NO_NODE)) throw err;
      }
      this.known.delete(path);
      return;
    }
    try {
      await this.session.setData(path, w.data);
    } catch (err) {
      if (!isZkCode(err, zookeeper.Exception.NO_NODE)) throw err;
      try {
        await this.session.create(path, w.data);
      } catch (createErr) {
        if (!isZkCode(createErr, zookeeper.Exception.NODE_EXISTS)) throw createErr;
        await this.session.setData(path, w.data);
      }
    }
    this.known.add(path);
  }

  protected async closeBackend(): Promise<void> {
    if (this.ownsSession) this.session.close();
  }
}
