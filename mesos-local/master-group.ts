/**
 * The masters of one mesos-local: one, or several electing a leader in ZooKeeper as Mesos
 * masters do. Each has its own HTTP server and ZooKeeper session; the agents (one set, shared)
 * follow whichever master leads. Killing the leading master (a fault) closes its server and its
 * ZooKeeper session, so another master is elected and the agents re-register with it; a fresh
 * master (new id, empty state) then starts on the killed one's port as a standby, as a
 * supervisor restarting a crashed mesos-master would. A master whose session expires is
 * restarted the same way.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../common';
import { ZkLeaderElection } from './leader-election';
import { Master, type MasterOptions } from './master';
import { ALWAYS_LEADER, type Leadership } from './master-http';

export interface MasterGroupOptions {
  count: number;
  hostname: string;
  ip: string;
  bind: string;
  /** The first master's port (0 = ephemeral); master i listens on port + i otherwise... */
  port: number;
  /** ...except that agents take the ports after the first master, so later masters come after them. */
  portGap: number;
  zk?: string;
  master: Omit<MasterOptions, 'port' | 'hostname' | 'ip' | 'log'>;
  log: Logger;
  handler: (master: Master, leadership: Leadership) => http.RequestListener;
  /** A master became the leader: the agents follow it. */
  onLeader: (master: Master) => void;
}

interface MasterNode {
  master: Master;
  server: http.Server;
  election: ZkLeaderElection | null;
  port: number;
}

export class MasterGroup {
  private readonly nodes: MasterNode[] = [];
  private stopped = false;

  private constructor(private readonly options: MasterGroupOptions) {}

  static async start(options: MasterGroupOptions): Promise<MasterGroup> {
    if (options.count > 1 && !options.zk) throw new Error('more than one master needs --zk (they elect a leader in ZooKeeper)');
    const group = new MasterGroup(options);
    try {
      for (let i = 0; i < options.count; i++) {
        const port = options.port === 0 ? 0 : options.port + (i === 0 ? 0 : options.portGap + i);
        group.nodes.push(await group.startNode(port));
      }
    } catch (err) {
      await group.stop();
      throw err;
    }
    return group;
  }

  get urls(): string[] {
    return this.nodes.map((n) => `http://${this.options.hostname}:${n.port}`);
  }

  get first(): Master {
    return this.nodes[0].master;
  }

  /** The master that leads now (without ZooKeeper, the only one). */
  leading(): Master | null {
    const node = this.nodes.find((n) => (n.election ? n.election.isLeader() : true));
    return node?.master ?? null;
  }

  isLeader(): boolean {
    return this.leading() !== null;
  }

  /** Simulated in-place failover of the leading master (same process, same agents' view). */
  failoverInPlace(): void {
    this.leading()?.failover();
  }

  /** The leading master crashes and is restarted as a standby; another master takes over. */
  async killLeader(): Promise<void> {
    const index = this.nodes.findIndex((n) => n.election?.isLeader());
    if (index < 0) throw new Error('no leading master to kill (killing a master needs --masters > 1 and --zk)');
    await this.restart(index);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.nodes.map((n) => this.stopNode(n)));
  }

  private async restart(index: number): Promise<void> {
    const node = this.nodes[index];
    this.options.log.warn({ masterId: node.master.id, port: node.port }, 'master killed');
    await this.stopNode(node);
    // As a supervisor restarting a crashed mesos-master: again and again while ZooKeeper (which
    // a new master must join) cannot be reached.
    for (let attempt = 1; !this.stopped; attempt++) {
      try {
        const fresh = await this.startNode(node.port);
        if (this.stopped) await this.stopNode(fresh);
        else this.nodes[index] = fresh;
        return;
      } catch (err) {
        this.options.log.error({ err, attempt, port: node.port }, 'could not restart a master; trying again');
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  private async startNode(port: number): Promise<MasterNode> {
    const { options } = this;
    const server = http.createServer();
    server.keepAliveTimeout = 65_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, options.bind, () => resolve());
    });
    const bound = (server.address() as AddressInfo).port;
    const master = new Master({ ...options.master, hostname: options.hostname, ip: options.ip, port: bound, log: options.log.child({ component: 'master', port: bound }) });
    let election: ZkLeaderElection | null = null;
    let leadership: Leadership = ALWAYS_LEADER;
    if (options.zk) {
      try {
        election = await ZkLeaderElection.start(options.zk, master.masterInfo(), options.log.child({ component: 'zk', port: bound }), (leading) => {
          if (!leading) return;
          master.electedTime = Date.now();
          options.onLeader(master);
        }, () => void this.restartExpired(master));
      } catch (err) {
        master.stop();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        throw err;
      }
      leadership = election;
    } else {
      master.electedTime = Date.now();
    }
    server.on('request', options.handler(master, leadership));
    return { master, server, election, port: bound };
  }

  private async restartExpired(master: Master): Promise<void> {
    const index = this.nodes.findIndex((n) => n.master === master);
    if (index < 0 || this.stopped) return;
    await this.restart(index);
  }

  private async stopNode(node: MasterNode): Promise<void> {
    node.master.stop();
    await new Promise<void>((resolve) => {
      node.server.close(() => resolve());
      node.server.closeAllConnections();
    });
    await node.election?.close();
  }
}
