import { PipelinedStore, type QueuedWrite } from './pipelined-store';
import { type Collection, decodeId, encodeId } from './state-store';
import { isZkCode, parseZkUrl, zookeeper, ZkSession } from './zk-session';

/** Bytes per multi-op transaction: the server refuses requests over jute.maxbuffer (1 MiB). */
const TX_MAX_BYTES = 900 * 1024;
const TX_MAX_OPS = 1000;
/** Transactions in flight at once on the session. */
const TX_IN_FLIGHT = 8;
const RECONNECT_MAX_DELAY_MS = 5000;

class SessionLostError extends Error {}

/**
 * One znode per record at `<root>/<collection>/<id>`. A write batch becomes a few multi-op
 * transactions sent concurrently on one session (pipelined), not one round trip per record.
 * A transaction that fails as a whole (say a node created meanwhile by another writer) is
 * redone op by op, each op still pipelined.
 *
 * A lost session (expired, or gone after a ZooKeeper restart) is replaced by a new one: the
 * old client may never deliver again, so writing on it would only hang. What the store knows
 * about existing znodes is read again, and the writes that failed meanwhile are sent again at
 * once on the new session.
 */
export class ZkStateStore extends PipelinedStore {
  readonly description: string;
  private known = new Set<string>();
  private collectionsReady = new Set<string>();
  /** Null while a lost session is being replaced. */
  private session: ZkSession | null;
  /** Rejects the batch in flight when its session is lost: the old client's callbacks may never come. */
  private abortBatch: ((err: Error) => void) | null = null;
  private closing = false;

  private constructor(session: ZkSession, private readonly root: string, url: string, private ownsSession: boolean) {
    super();
    this.description = url;
    this.session = session;
    this.watch(session);
  }

  /** `url` is `zk://host:2181/griddle`; the path is the root (default `/griddle`). */
  static async open(url: string, options: { session?: ZkSession; sessionTimeoutMs?: number } = {}): Promise<ZkStateStore> {
    const { hosts, path } = parseZkUrl(url);
    const root = path || '/griddle';
    const zk = options.session ?? await ZkSession.connect(hosts, { sessionTimeoutMs: options.sessionTimeoutMs });
    await zk.mkdirp(root);
    return new ZkStateStore(zk, root, url, !options.session);
  }

  /** How long the store has been unable to reach ZooKeeper (0 when it can). */
  unavailableForMs(now = Date.now()): number {
    return this.session ? this.session.disconnectedForMs(now) : Number.POSITIVE_INFINITY;
  }

  /** The session timeout ZooKeeper granted the store. */
  get sessionTimeoutMs(): number {
    return this.session?.negotiatedTimeoutMs ?? 0;
  }

  private live(): ZkSession {
    if (!this.session) throw new SessionLostError('ZooKeeper session lost; reconnecting');
    return this.session;
  }

  private watch(session: ZkSession): void {
    session.onLost((why) => void this.replaceSession(session, why));
  }

  private async replaceSession(old: ZkSession, why: string): Promise<void> {
    if (this.session !== old || this.closing) return;
    this.session = null;
    this.abortBatch?.(new SessionLostError(`${why}; reconnecting`));
    if (this.ownsSession) old.close();
    for (let delay = 200; !this.closing; delay = Math.min(delay * 2, RECONNECT_MAX_DELAY_MS)) {
      try {
        const next = await ZkSession.connect(old.hosts, { sessionTimeoutMs: old.sessionTimeoutMs, connectTimeoutMs: Math.max(old.sessionTimeoutMs, 2000) });
        try {
          await this.reloadKnown(next);
        } catch (err) {
          next.close();
          throw err;
        }
        if (this.closing) {
          next.close();
          return;
        }
        this.session = next;
        this.ownsSession = true;
        this.watch(next);
        this.retryNow();
        return;
      } catch {
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  /** Which records exist, read again: writes of the lost session may or may not have landed. */
  private async reloadKnown(session: ZkSession): Promise<void> {
    const known = new Set<string>();
    for (const collection of this.collectionsReady) {
      const dir = `${this.root}/${collection}`;
      await session.mkdirp(dir);
      for (const name of await session.getChildren(dir)) known.add(`${dir}/${name}`);
    }
    this.known = known;
  }

  private pathOf(collection: Collection, id: string): string {
    return `${this.root}/${collection}/${encodeId(id)}`;
  }

  async load(collection: Collection): Promise<Map<string, unknown>> {
    const dir = `${this.root}/${collection}`;
    await this.ensureCollection(collection);
    const session = this.live();
    const children = await session.getChildren(dir);
    const out = new Map<string, unknown>();
    const values = await Promise.all(children.map(async (name) => {
      try {
        return await session.getData(`${dir}/${name}`);
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
    await this.live().mkdirp(`${this.root}/${collection}`);
    this.collectionsReady.add(collection);
  }

  protected async writeBatch(batch: QueuedWrite[]): Promise<void> {
    const session = this.live();
    const aborted = new Promise<never>((_resolve, reject) => { this.abortBatch = reject; });
    aborted.catch(() => {});
    // While merely disconnected, requests wait in the client for the reconnect; past the
    // session timeout the batch fails (flush rejects, the API answers 503) and is retried.
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error('ZooKeeper did not answer within the session timeout')), session.negotiatedTimeoutMs);
    });
    try {
      await Promise.race([this.writeAll(session, batch), aborted, deadline]);
    } finally {
      clearTimeout(timer);
      this.abortBatch = null;
    }
  }

  private async writeAll(session: ZkSession, batch: QueuedWrite[]): Promise<void> {
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
      while (next < groups.length) await this.writeGroup(session, groups[next++]);
    };
    await Promise.all(Array.from({ length: Math.min(TX_IN_FLIGHT, groups.length) }, worker));
  }

  private async writeGroup(session: ZkSession, group: QueuedWrite[]): Promise<void> {
    const tx = session.client.transaction();
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
      await session.commit(tx);
      this.afterWrite(group);
    } catch (err) {
      if (isZkCode(err, zookeeper.Exception.CONNECTION_LOSS) || isZkCode(err, zookeeper.Exception.SESSION_EXPIRED)) throw err;
      await Promise.all(group.map((w) => this.writeOne(session, w)));
    }
  }

  private afterWrite(group: QueuedWrite[]): void {
    for (const w of group) {
      const path = this.pathOf(w.collection, w.id);
      if (w.data === null) this.known.delete(path);
      else this.known.add(path);
    }
  }

  private async writeOne(session: ZkSession, w: QueuedWrite): Promise<void> {
    const path = this.pathOf(w.collection, w.id);
    if (w.data === null) {
      try {
        await session.remove(path);
      } catch (err) {
        if (!isZkCode(err, zookeeper.Exception.NO_NODE)) throw err;
      }
      this.known.delete(path);
      return;
    }
    try {
      await session.setData(path, w.data);
    } catch (err) {
      if (!isZkCode(err, zookeeper.Exception.NO_NODE)) throw err;
      try {
        await session.create(path, w.data);
      } catch (createErr) {
        if (!isZkCode(createErr, zookeeper.Exception.NODE_EXISTS)) throw createErr;
        await session.setData(path, w.data);
      }
    }
    this.known.add(path);
  }

  protected async closeBackend(): Promise<void> {
    this.closing = true;
    if (this.ownsSession) this.session?.close();
    this.session = null;
  }
}
