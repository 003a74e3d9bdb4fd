import { parseZkUrl, ZkSession } from '../state/zk-session';

/** The leading master's base URL, e.g. `http://10.0.0.5:5050`. */
export interface MasterDetector {
  detect(): Promise<string>;
  close(): void;
}

/** A fixed `http://host:5050` master (307 redirects are followed by the client). */
export class StaticMasterDetector implements MasterDetector {
  private readonly url: string;

  constructor(url: string) {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error(`--master: expected http://host:port or zk://host:port/mesos, got '${url}'`);
    this.url = `${parsed.protocol}//${parsed.host}`;
  }

  async detect(): Promise<string> {
    return this.url;
  }

  close(): void {}
}

interface MasterInfoJson {
  hostname?: string;
  ip?: number;
  port?: number;
  address?: { hostname?: string; ip?: string; port?: number };
}

/** Mesos masters register `json.info_<seq>` znodes; the lowest sequence number is the leader. */
export function leaderZnode(children: readonly string[]): string | null {
  const candidates = children.filter((c) => /^json\.info_\d+$/.test(c));
  if (candidates.length === 0) return null;
  return candidates.sort((a, b) => Number(a.slice(10)) - Number(b.slice(10)))[0];
}

/** MasterInfo JSON (as Mesos writes it into ZooKeeper) → base URL. */
export function masterUrlFromInfo(info: MasterInfoJson): string {
  const port = info.address?.port ?? info.port ?? 5050;
  let host = info.address?.hostname ?? info.address?.ip ?? info.hostname;
  if (!host && info.ip !== undefined) {
    // MasterInfo.ip is an IPv4 address as a uint32 in network byte order.
    const ip = info.ip >>> 0;
    host = [ip & 255, (ip >>> 8) & 255, (ip >>> 16) & 255, ip >>> 24].join('.');
  }
  if (!host) throw new Error('master info in ZooKeeper has no address');
  return `http://${host}:${port}`;
}

export class ZkMasterDetector implements MasterDetector {
  private session: ZkSession | null = null;
  private readonly hosts: string;
  private readonly path: string;

  constructor(url: string) {
    const { hosts, path } = parseZkUrl(url, '--master');
    this.hosts = hosts;
    this.path = path || '/mesos';
  }

  async detect(): Promise<string> {
    this.session ??= await ZkSession.connect(this.hosts);
    try {
      const leader = leaderZnode(await this.session.getChildren(this.path));
      if (!leader) throw new Error(`no Mesos master registered under ${this.hosts}${this.path}`);
      const data = await this.session.getData(`${this.path}/${leader}`);
      return masterUrlFromInfo(JSON.parse(data.toString('utf8')) as MasterInfoJson);
    } catch (err) {
      // A broken session is replaced on the next attempt.
      this.session.close();
      this.session = null;
      throw err;
    }
  }

  close(): void {
    this.session?.close();
    this.session = null;
  }
}

export function createMasterDetector(master: string): MasterDetector {
  return master.startsWith('zk://') ? new ZkMasterDetector(master) : new StaticMasterDetector(master);
}
