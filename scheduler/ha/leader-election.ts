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
/**
 * Watches can be lost: a getChildren that fails with CONNECTION_LOSS registers none, and its
 * error may arrive after the reconnect that was meant to re-check. So every member also
 * re-checks on this period, level-triggered, and a lost watch delays a handover by at most this.
 */
const RECHECK_MS = 2000;
/** A leaving member deletes its znode; if ZooKeeper can't be reached, its session's end will. */
const LEAVE_TIMEOUT_MS = 2000;
/** A member that resigned joins again after this, behind the standbys already waiting. */
const REJOIN_AFTER_RESIGN_MS = 1000;
export const DEFAULT_SESSION_TIMEOUT_MS = 2000;

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
  /** True while a children watch of the current session is registered and has not fired. */
  private watchArmed = false;
  private recheck: NodeJS.Timeout | null = null;
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
    this.recheck = setInterval(() => {
      if (this.session) void this.check(this.session);
    }, RECHECK_MS);
    this.recheck.unref();
    await this.join();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.recheck) clearInterval(this.recheck);
    this.recheck = null;
    this.setLeading(false);
    const session = this.session;
    this.session = null;
    if (session && this.myNode) await this.removeNode(session, this.myNode);
    session?.close();
  }

  /**
   * Gives the leadership up: deletes this member's znode (the next member is told at once),
   * and joins again after a pause with a new znode, behind whoever is waiting.
   */
  async resign(why: string, rejoinAfterMs = REJOIN_AFTER_RESIGN_MS): Promise<void> {
    const session = this.session;
    const node = this.myNode;
    if (!session || this.stopped) return;
    this.options.log.warn({ why }, 'resigning the leadership');
    this.setLeading(false);
    this.session = null;
    this.myNode = null;
    if (node) await this.removeNode(session, node);
    session.close();
    await new Promise((r) => setTimeout(r, rejoinAfterMs));
    if (!this.stopped && !this.session) await this.rejoin();
  }

  private async removeNode(session: ZkSession, node: string): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => { timer = setTimeout(resolve, LEAVE_TIMEOUT_MS); });
    await Promise.race([session.remove(node).catch(() => {}), timeout]);
    clearTimeout(timer);
  }

  private async join(): Promise<void> {
    const session = await ZkSession.connect(this.options.hosts, { sessionTimeoutMs: this.options.sessionTimeoutMs ?? DEFAULT_SESSION_TIMEOUT_MS });
    if (this.stopped) {
      session.close();
      return;
    }
    this.session = session;
    this.watchArmed = false;
    session.client.on('disconnected', () => {
      if (this.session !== session) return;
      this.options.log.warn('ZooKeeper connection lost: stepping down until it is back');
      this.setLeading(false);
    });
    session.client.on('connected', () => {
      if (this.session !== session || !this.myNode) return;
      this.watchArmed = false; // re-arm: whether the client restored it is not ours to know
      void this.check(session);
    });
    session.onLost((why) => this.abandon(session, why));
    try {
      await session.mkdirp(this.dir);
      const info: LeaderInfo = { apiUrl: this.options.apiUrl, hostname: os.hostname(), pid: process.pid, since: Date.now() };
      this.myNode = await session.create(`${this.dir}/${PREFIX}`, Buffer.from(JSON.stringify(info)), zookeeper.CreateMode.EPHEMERAL_SEQUENTIAL);
    } catch (err) {
      // The caller retries with a new session: this one must not linger and reconnect forever.
      if (this.session === session) this.session = null;
      session.close();
      throw err;
    }
    await this.check(session);
  }

  /** Leaves a dead session behind and joins again with a new one (and a new znode). */
  private abandon(session: ZkSession, why: string): void {
    if (this.session !== session) return;
    this.options.log.warn(`${why}: rejoining the election`);
    this.setLeading(false);
    this.session = null;
    this.myNode = null;
    session.close();
    void this.rejoin();
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
      // One watch at a time: the periodic re-check must not pile up watchers on a quiet znode.
      const watcher = this.watchArmed ? undefined : (): void => {
        if (this.session === session) this.watchArmed = false;
        void this.check(session);
      };
      const order = electionOrder(await session.getChildren(this.dir, watcher));
      if (watcher && this.session === session) this.watchArmed = true;
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
