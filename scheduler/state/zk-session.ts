import zookeeper from 'node-zookeeper-client';
import { batchWritesPerTick, dropPartialReplyOnDisconnect } from '../../common';

/** `zk://h1:2181,h2:2181/griddle` → hosts `h1:2181,h2:2181`, path `/griddle`. */
export function parseZkUrl(url: string, flag = '--zk'): { hosts: string; path: string } {
  const match = /^zk:\/\/([^/]+)(\/.*)?$/.exec(url.trim());
  if (!match) throw new Error(`${flag}: expected zk://host:port[,host:port...]/path, got '${url}'`);
  const root = (match[2] ?? '').replace(/\/+$/, '');
  return { hosts: match[1], path: root };
}

export type ZkError = Error & { code?: number };

export function isZkCode(err: unknown, code: number): boolean {
  return typeof err === 'object' && err !== null && (err as ZkError).code === code;
}

/**
 * Promise wrappers over one node-zookeeper-client session. The library pipelines every request
 * on the session's single connection, so calling these without awaiting each one keeps many
 * requests in flight.
 */
export class ZkSession {
  readonly client: zookeeper.Client;
  /** When the connection last dropped; null while connected. */
  private downSince: number | null = null;

  private constructor(readonly hosts: string, readonly sessionTimeoutMs: number) {
    this.client = zookeeper.createClient(hosts, { sessionTimeout: sessionTimeoutMs, spinDelay: 200, retries: 0 });
    dropPartialReplyOnDisconnect(this.client);
    batchWritesPerTick(this.client);
    this.client.on('disconnected', () => { this.downSince ??= Date.now(); });
    this.client.on('connected', () => { this.downSince = null; });
    this.client.on('expired', () => { this.downSince ??= 0; });
  }

  /** The timeout the server granted (it clamps the request to [2, 20] × its tickTime by default). */
  get negotiatedTimeoutMs(): number {
    return this.client.getSessionTimeout() || this.sessionTimeoutMs;
  }

  /** How long the connection has been down (0 while connected); an expired session counts as down for ever. */
  disconnectedForMs(now = Date.now()): number {
    return this.downSince === null ? 0 : now - this.downSince;
  }

  /**
   * Calls `listener` once when this session is over: 'expired', or disconnected for longer than
   * twice the session timeout. node-zookeeper-client can stay DISCONNECTED for good after the
   * server restarts, without ever reporting 'expired'; by then the server has expired the
   * session anyway, so waiting longer only keeps a dead session around.
   */
  onLost(listener: (why: string) => void): void {
    let lost: NodeJS.Timeout | null = null;
    let done = false;
    const end = (why: string): void => {
      if (lost) clearTimeout(lost);
      lost = null;
      if (done) return;
      done = true;
      listener(why);
    };
    this.client.on('disconnected', () => {
      if (lost || done) return;
      lost = setTimeout(() => end('ZooKeeper connection lost for longer than the session timeout'), this.sessionTimeoutMs * 2);
      lost.unref();
    });
    this.client.on('connected', () => {
      if (lost) clearTimeout(lost);
      lost = null;
    });
    this.client.on('expired', () => end('ZooKeeper session expired'));
  }

  static async connect(hosts: string, options: { sessionTimeoutMs?: number; connectTimeoutMs?: number } = {}): Promise<ZkSession> {
    const session = new ZkSession(hosts, options.sessionTimeoutMs ?? 10_000);
    const timeoutMs = options.connectTimeoutMs ?? 30_000;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        session.client.close();
        reject(new Error(`ZooKeeper ${hosts}: not connected after ${timeoutMs} ms`));
      }, timeoutMs);
      session.client.once('connected', () => {
        clearTimeout(timer);
        resolve();
      });
      session.client.connect();
    });
    return session;
  }

  close(): void {
    this.client.close();
  }

  mkdirp(path: string): Promise<void> {
    return new Promise((resolve, reject) => this.client.mkdirp(path, (err) => (err ? reject(err) : resolve())));
  }

  create(path: string, data: Buffer | null, mode: number = zookeeper.CreateMode.PERSISTENT): Promise<string> {
    return new Promise((resolve, reject) =>
      this.client.create(path, data ?? Buffer.alloc(0), mode, (err, created) => (err ? reject(err) : resolve(created))));
  }

  setData(path: string, data: Buffer): Promise<void> {
    return new Promise((resolve, reject) => this.client.setData(path, data, (err) => (err ? reject(err) : resolve())));
  }

  getData(path: string): Promise<Buffer> {
    return new Promise((resolve, reject) =>
      this.client.getData(path, (err, data) => (err ? reject(err) : resolve(data ?? Buffer.alloc(0)))));
  }

  remove(path: string): Promise<void> {
    return new Promise((resolve, reject) => this.client.remove(path, (err) => (err ? reject(err) : resolve())));
  }

  exists(path: string, watcher?: (event: zookeeper.Event) => void): Promise<boolean> {
    return new Promise((resolve, reject) => {
      const cb = (err: Error | zookeeper.Exception | null, stat: zookeeper.Stat): void => (err ? reject(err) : resolve(Boolean(stat)));
      if (watcher) this.client.exists(path, watcher, cb);
      else this.client.exists(path, cb);
    });
  }

  /** The zxid of the znode's last change (hex), null when there is no znode: every write to it changes it. */
  modifiedZxid(path: string): Promise<string | null> {
    return new Promise((resolve, reject) =>
      this.client.exists(path, (err, stat) => (err ? reject(err) : resolve(stat ? stat.mzxid.toString('hex') : null))));
  }

  getChildren(path: string, watcher?: (event: zookeeper.Event) => void): Promise<string[]> {
    return new Promise((resolve, reject) => {
      const cb = (err: Error | zookeeper.Exception | null, children: string[]): void => (err ? reject(err) : resolve(children));
      if (watcher) this.client.getChildren(path, watcher, cb);
      else this.client.getChildren(path, cb);
    });
  }

  /** Deletes a subtree (ZooKeeper has no recursive delete); a missing path is fine. */
  async removeTree(path: string): Promise<void> {
    let children: string[];
    try {
      children = await this.getChildren(path);
    } catch (err) {
      if (isZkCode(err, zookeeper.Exception.NO_NODE)) return;
      throw err;
    }
    for (let i = 0; i < children.length; i += 500) {
      await Promise.all(children.slice(i, i + 500).map((c) => this.removeTree(`${path}/${c}`)));
    }
    try {
      await this.remove(path);
    } catch (err) {
      if (!isZkCode(err, zookeeper.Exception.NO_NODE)) throw err;
    }
  }

  commit(tx: zookeeper.Transaction): Promise<void> {
    return new Promise((resolve, reject) => tx.commit((err) => (err ? reject(err) : resolve())));
  }
}

export { zookeeper };
