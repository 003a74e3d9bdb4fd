/**
 * Master leader election in ZooKeeper the way Mesos does it: every master joins the group at
 * the `--zk` path with an ephemeral sequential znode `json.info_<seq>` holding its MasterInfo
 * as JSON; the lowest sequence leads. Schedulers detect the leader from the same znodes.
 */
import zookeeper from 'node-zookeeper-client';
import { dropPartialReplyOnDisconnect, type Logger } from '../common';
import type { MasterInfo } from '../mesos-proto';
import type { Leadership } from './master-http';

const PREFIX = 'json.info_';

export function parseZkUrl(url: string): { connect: string; path: string } {
  const match = /^zk:\/\/(?:[^@/]+@)?([^/]+)(\/.*)?$/.exec(url);
  if (!match) throw new Error(`--zk: expected zk://host:port[,host:port...]/path, got '${url}'`);
  const path = (match[2] ?? '/mesos').replace(/\/+$/, '') || '/mesos';
  return { connect: match[1], path };
}

export class ZkLeaderElection implements Leadership {
  private ourNode: string | null = null;
  private leading = false;
  private leaderInfo: MasterInfo | null = null;
  private closed = false;
  private lost = false;
  private downTimer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly client: zookeeper.Client,
    private readonly path: string,
    private readonly info: MasterInfo,
    private readonly log: Logger,
    private readonly onChange: (leading: boolean) => void,
  ) {}

  /**
   * `onExpired`: the ZooKeeper session is over, so this master's znode is gone (or about to be)
   * and another may lead; a Mesos master then exits ("lost candidacy") and is restarted by its
   * supervisor. Over means 'expired', or disconnected for longer than the session timeout: the
   * server has expired the session by then, and node-zookeeper-client may stay disconnected
   * for good after a server restart without ever reporting 'expired'. Mesos's ZooKeeper group
   * does the same ("Timed out waiting to reconnect to ZooKeeper. Forcing ZooKeeper session
   * expiration"); without it a master cut off from ZooKeeper would go on leading beside the
   * newly elected one, and frameworks still subscribed to it would hear nothing from agents
   * that followed the new one.
   */
  static async start(url: string, info: MasterInfo, log: Logger, onChange: (leading: boolean) => void, onExpired?: () => void, sessionTimeoutMs = 10_000): Promise<ZkLeaderElection> {
    const { connect, path } = parseZkUrl(url);
    const client = zookeeper.createClient(connect, { sessionTimeout: sessionTimeoutMs, retries: 3 });
    dropPartialReplyOnDisconnect(client);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        client.close();
        reject(new Error(`--zk: cannot connect to ZooKeeper at ${connect}`));
      }, 15_000);
      client.once('connected', () => {
        clearTimeout(timer);
        resolve();
      });
      client.connect();
    });
    const election = new ZkLeaderElection(client, path, info, log, onChange);
    const lose = (why: string): void => {
      if (election.closed || election.lost) return;
      election.lost = true;
      election.leading = false;
      clearTimeout(election.downTimer);
      log.warn(`${why}: leaving the master group`);
      onExpired?.();
    };
    client.on('disconnected', () => {
      // The timeout the server granted (it clamps the requested one).
      election.downTimer ??= setTimeout(() => lose('ZooKeeper unreachable for longer than the session timeout'), client.getSessionTimeout());
    });
    client.on('connected', () => {
      clearTimeout(election.downTimer);
      election.downTimer = undefined;
    });
    client.on('expired', () => lose('ZooKeeper session expired'));
    await election.join();
    return election;
  }

  isLeader(): boolean {
    return this.leading;
  }

  leader(): MasterInfo | null {
    return this.leading ? this.info : this.leaderInfo;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.downTimer);
    const node = this.ourNode;
    // Bounded: after a session expiry or with ZooKeeper down the removal may never be answered
    // (the znode goes with the session anyway).
    if (node) await Promise.race([new Promise<void>((resolve) => this.client.remove(node, () => resolve())), new Promise<void>((r) => setTimeout(r, 2000).unref())]);
    this.client.close();
  }

  private async join(): Promise<void> {
    await new Promise<void>((resolve, reject) => this.client.mkdirp(this.path, (err) => (err ? reject(err) : resolve())));
    this.ourNode = await new Promise<string>((resolve, reject) => {
      this.client.create(`${this.path}/${PREFIX}`, Buffer.from(JSON.stringify(this.info)), zookeeper.CreateMode.EPHEMERAL_SEQUENTIAL, (err, created) => (err ? reject(err) : resolve(created)));
    });
    this.log.info({ znode: this.ourNode }, 'joined the ZooKeeper master group');
    await this.watch();
  }

  private async watch(): Promise<void> {
    if (this.closed) return;
    const children = await new Promise<string[]>((resolve, reject) => {
      this.client.getChildren(this.path, () => void this.watch().catch((err: unknown) => this.log.error({ err }, 'ZooKeeper watch failed')), (err, list) => (err ? reject(err) : resolve(list)));
    });
    const members = children.filter((c) => c.startsWith(PREFIX)).sort((a, b) => sequence(a) - sequence(b));
    const first = members[0];
    const wasLeading = this.leading;
    this.leading = first !== undefined && `${this.path}/${first}` === this.ourNode;
    if (!this.leading && first !== undefined) {
      const data = await new Promise<Buffer | undefined>((resolve) => this.client.getData(`${this.path}/${first}`, (err, d) => resolve(err ? undefined : d)));
      try {
        this.leaderInfo = data ? (JSON.parse(data.toString('utf8')) as MasterInfo) : null;
      } catch {
        this.leaderInfo = null;
      }
    }
    if (this.leading !== wasLeading) {
      this.log.info({ leading: this.leading }, this.leading ? 'elected leading master' : 'not the leading master');
      this.onChange(this.leading);
    }
  }
}

function sequence(name: string): number {
  return Number(name.slice(name.lastIndexOf('_') + 1));
}
