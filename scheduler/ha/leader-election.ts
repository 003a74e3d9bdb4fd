import { EventEmitter } from 'node:events';
import os from 'node:os';
import type { Logger } from '../../common/logger';
import { isZkCode, zookeeper, ZkSession } from '../state/zk-session';

export interface LeaderInfo { apiUrl: string; hostname: string; pid: number; since: number }

export interface LeaderElectionEvents {
  /** Fired on every change of this member's role; `false` comes before anything else can act. */
  leader: [isLeader: boolean];
}

const PREFIX = 'member-';

/** The lowest sequence number leads; the others each watch the one just before them. */
export function electionOrder(children: readonly string[]): string[] {
  return children.filter((c) => c.startsWith(PREFIX)).sort((a, b) => Number(a.slice(-10)) - Number(b.slice(-10)));
}

/**
 * Leader election with ephemeral sequential znodes under `<root>/leader`. Each member's znode
 * holds its API address, so standbys know where to forward writes. A member steps down the
 * moment its ZooKeeper connection drops (its session may be expiring on the server while it
 * cannot tell), and only leads again once it is connected and still holds the lowest znode;
 * after an expired session it rejoins with a new znode. So no two members ever act at once.
 */
export class LeaderElection extends EventEmitter<LeaderElectionEvents> {
  private session: ZkSession | null = null;
  private myNode: string | null = null;
  private leading = false;
  private stopped = false;
  private cachedLeader: LeaderInfo | null = null;
  private readonly dir: string;

  constructor(private readonly options: { hosts: string; root: string; apiUrl: string; log: Logger; sessionTimeoutMs?: number }) {
    super();
    this.dir = `${options.root}/leader`;
  }

  get isLeader(): boolean {
    return this.leading;
  }

  /** The leader's published info, as last seen (null while none is known). */
  get leader(): LeaderInfo | null {
    return this.cachedLeader;
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.join();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.setLeading(false);
    const session = this.session;
    this.session = null;
    if (session && this.myNode) {
      await session.remove(this.myNode).catch(() => {});
    }
    session?.close();
  }

  private async join(): Promise<void> {
    const session = await ZkSession.connect(this.options.hosts, { sessionTimeoutMs: this.options.sessionTimeoutMs ?? 5000 });
    if (this.stopped) {
      session.close();
      return;
    }
    this.session = session;
    session.client.on('disconnected', () => {
      if (this.session !== session) return;
      this.options.log.warn('ZooKeeper connection lost: stepping down until it is back');
      this.setLeading(false);
    });
    session.client.on('connected', () => {
      if (this.session !== session || !this.myNode) return;
      void this.check(session);
    });
    session.client.on('expired', () => {
      if (this.session !== session) return;
      this.options.log.warn('ZooKeeper session expired: rejoining the election');
      this.setLeading(false);
      this.session = null;
      this.myNode = null;
      session.close();
      void this.rejoin();
    });
    await session.mkdirp(this.dir);
    const info: LeaderInfo = { apiUrl: this.options.apiUrl, hostname: os.hostname(), pid: process.pid, since: Date.now() };
    this.myNode = await session.create(`${this.dir}/${PREFIX}`, Buffer.from(JSON.stringify(info)), zookeeper.CreateMode.EPHEMERAL_SEQUENTIAL);
    await this.check(session);
  }

  private async rejoin(): Promise<void> {
    for (let delay = 500; !this.stopped; delay = Math.min(delay * 2, 5000)) {
      try {
        await this.join();
        return;
      } catch (err) {
        this.options.log.warn({ err: (err as Error).message }, 'could not rejoin the election; retrying');
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  private async check(session: ZkSession): Promise<void> {
    if (this.session !== session || !this.myNode || this.stopped) return;
    try {
      const order = electionOrder(await session.getChildren(this.dir, () => void this.check(session)));
      const mine = this.myNode.slice(this.dir.length + 1);
      const index = order.indexOf(mine);
      if (index < 0) {
        // Our znode is gone (the session was replaced under us): start over.
        this.setLeading(false);
        this.session = null;
        session.close();
        void this.rejoin();
        return;
      }
      await this.refreshLeader(session, order[0]);
      if (this.session !== session) return;
      this.setLeading(index === 0 && session.client.getState() === zookeeper.State.SYNC_CONNECTED);
    } catch (err) {
      if (isZkCode(err, zookeeper.Exception.CONNECTION_LOSS)) return; // 'connected' triggers a new check
      this.options.log.warn({ err: (err as Error).message }, 'leader election check failed');
    }
  }

  private async refreshLeader(session: ZkSession, node: string): Promise<void> {
    try {
      this.cachedLeader = JSON.parse((await session.getData(`${this.dir}/${node}`)).toString('utf8')) as LeaderInfo;
    } catch (err) {
      if (!isZkCode(err, zookeeper.Exception.NO_NODE)) throw err;
      this.cachedLeader = null;
    }
  }

  private setLeading(value: boolean): void {
    if (this.leading === value) return;
    this.leading = value;
    this.options.log.info({ leader: value }, value ? 'elected leader' : 'not leader');
    this.emit('leader', value);
  }
}
