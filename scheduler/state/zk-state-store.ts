import { PipelinedStore, type QueuedWrite } from './pipelined-store';
import { type Collection, decodeId } from './state-store';
import { KnownZnodes } from './known-znodes';
import { BucketReads } from './zk-bucket-reads';
import { isBucket, ZkLayout } from './zk-layout';
import { listCollection, readAll } from './zk-reads';
import { parseZkUrl, ZkSession } from './zk-session';
import { ZkRecordWriter } from './zk-writer';

const RECONNECT_MAX_DELAY_MS = 5000;

class SessionLostError extends Error {}

/**
 * One znode per record, in hashed buckets (zk-layout.ts), written by a ZkRecordWriter.
 *
 * A lost session (expired, or gone after a ZooKeeper restart) is replaced by a new one: the
 * old client may never deliver again, so writing on it would only hang. What the store knows
 * about existing znodes is read again, and the writes that failed meanwhile are sent again at
 * once on the new session.
 */
export class ZkStateStore extends PipelinedStore {
  readonly description: string;
  private collectionsReady = new Set<string>();
  private readonly layout: ZkLayout;
  private readonly writer: ZkRecordWriter;
  /** Null while a lost session is being replaced. */
  private session: ZkSession | null;
  /** Reject the batches in flight (one per lane) when their session is lost: the old client's callbacks may never come. */
  private readonly abortBatches = new Set<(err: Error) => void>();
  private closing = false;
  /** Buckets as last read, while a standby keeps its reads (keepReads). */
  private readonly bucketReads = new BucketReads();
  private keepingReads = false;
  private legacyRecordReads = 0;

  private constructor(session: ZkSession, root: string, url: string, private ownsSession: boolean) {
    super();
    this.description = url;
    this.layout = new ZkLayout(root);
    this.writer = new ZkRecordWriter(this.layout);
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
    for (const abort of this.abortBatches) abort(new SessionLostError(`${why}; reconnecting`));
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

  /** ZooKeeper write operations sent so far (records, buckets, moves out of the old layout, bucket marks). */
  get zkOps(): number {
    return this.writer.ops;
  }

  /** Of those, the bucket marks (one per bucket per transaction, in the transaction). */
  get bucketMarks(): number {
    return this.writer.bucketMarks;
  }

  /** What the writer knows to exist: records by id, and the paths it keeps (buckets, the layout before buckets). */
  get knownZnodes(): { records: number; paths: number } {
    const known = this.writer.known;
    return { records: known.recordCount, paths: known.buckets.size + known.legacy.size };
  }

  /** Which records exist, read again: writes of the lost session may or may not have landed. */
  private async reloadKnown(session: ZkSession): Promise<void> {
    const known = new KnownZnodes();
    for (const collection of this.collectionsReady) {
      const dir = this.layout.collectionDir(collection);
      await session.mkdirp(dir);
      known.addListing(collection, await listCollection(session, dir));
    }
    this.writer.known = known;
  }

  /**
   * While on, `load` keeps what it read and later reads again only the buckets written since
   * (a standby's refreshes, then its takeover); off forgets it all.
   */
  keepReads(on: boolean): void {
    this.keepingReads = on;
    if (!on) this.bucketReads.clear();
  }

  /** getData calls made for records so far (tests count them). */
  get recordReads(): number {
    return this.bucketReads.recordReads + this.legacyRecordReads;
  }

  async load(collection: Collection): Promise<Map<string, unknown>> {
    await this.ensureCollection(collection);
    const session = this.live();
    const dir = this.layout.collectionDir(collection);
    const names = await session.getChildren(dir);
    const legacy = names.filter((n) => !isBucket(n)).map((n) => `${dir}/${n}`);
    const out = new Map<string, unknown>();
    // Legacy first: a record found in both layouts was last written to its bucket.
    const legacyValues = await readAll(session, legacy);
    this.legacyRecordReads += legacy.length;
    legacy.forEach((path, i) => {
      const data = legacyValues[i];
      if (data === null) return;
      this.writer.known.legacy.add(path);
      out.set(decodeId(path.slice(path.lastIndexOf('/') + 1)), JSON.parse(data.toString('utf8')));
    });
    const buckets = await this.bucketReads.read(session, names.filter(isBucket).map((b) => `${dir}/${b}`));
    // Not kept: what was read is forgotten (every entry is tagged with its zxid, so a load
    // running beside this one may still use or drop it safely).
    if (!this.keepingReads) this.bucketReads.clear();
    for (const [bucket, records] of buckets) {
      this.writer.known.buckets.add(bucket);
      for (const [name, value] of records) {
        const id = decodeId(name);
        this.writer.known.addRecord(collection, id);
        out.set(id, value);
      }
    }
    return out;
  }

  private async ensureCollection(collection: string): Promise<void> {
    if (this.collectionsReady.has(collection)) return;
    await this.live().mkdirp(this.layout.collectionDir(collection));
    this.collectionsReady.add(collection);
  }

  protected async writeBatch(batch: QueuedWrite[]): Promise<void> {
    const session = this.live();
    let abort: (err: Error) => void = () => {};
    const aborted = new Promise<never>((_resolve, reject) => { abort = reject; });
    this.abortBatches.add(abort);
    aborted.catch(() => {});
    // While merely disconnected, requests wait in the client for the reconnect; when no
    // transaction completes for a session timeout the batch fails (flush rejects, the API
    // answers 503) and is retried. The deadline is on progress, not on the whole batch: a
    // large batch that ZooKeeper is taking in steadily must not be failed half-written.
    let timer: NodeJS.Timeout | undefined;
    let stalled: (err: Error) => void = () => {};
    const deadline = new Promise<never>((_resolve, reject) => { stalled = reject; });
    const arm = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => stalled(new Error('ZooKeeper did not answer within the session timeout')), session.negotiatedTimeoutMs);
    };
    arm();
    try {
      await Promise.all([...new Set(batch.map((w) => w.collection))].map((c) => this.ensureCollection(c)));
      await Promise.race([this.writer.writeAll(session, batch, arm), aborted, deadline]);
    } finally {
      clearTimeout(timer);
      this.abortBatches.delete(abort);
    }
  }

  protected async closeBackend(): Promise<void> {
    this.closing = true;
    if (this.ownsSession) this.session?.close();
    this.session = null;
  }
}
