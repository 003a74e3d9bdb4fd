/**
 * A TCP proxy in front of ZooKeeper for one client (a scheduler, a master), so a test can cut it off
 * from ZooKeeper (every connection dropped, new ones refused) while it still reaches the rest.
 * It also reads each session's id and password off the server's ConnectResponse, which is what
 * forcing that session to expire takes (zk-session-expiry.ts).
 */
import type net from 'node:net';
import { TcpProxy } from './tcp-proxy';

export interface ZkSessionCredentials { sessionId: Buffer; password: Buffer }

export class ZkProxy {
  private constructor(
    private readonly tcp: TcpProxy,
    /** The first session seen on each live connection (a connection carries one). */
    private readonly sessionsBySocket: Map<net.Socket, ZkSessionCredentials>,
  ) {}

  get port(): number {
    return this.tcp.port;
  }

  static async start(upstreamPort: number): Promise<ZkProxy> {
    const sessions = new Map<net.Socket, ZkSessionCredentials>();
    const heads = new Map<net.Socket, Buffer>();
    const tcp = await TcpProxy.start(upstreamPort, {
      onUpstreamData: (client, chunk) => {
        if (sessions.has(client)) return;
        const head = Buffer.concat([heads.get(client) ?? Buffer.alloc(0), chunk]);
        const session = parseConnectResponse(head);
        if (session) {
          heads.delete(client);
          sessions.set(client, session);
        } else heads.set(client, head);
      },
      onClose: (client) => {
        heads.delete(client);
        sessions.delete(client);
      },
    });
    return new ZkProxy(tcp, sessions);
  }

  /** Drops every connection and refuses new ones until restore(). */
  cutOff(): void {
    this.tcp.cutOff();
  }

  restore(): void {
    this.tcp.restore();
  }

  sessions(): ZkSessionCredentials[] {
    return [...this.sessionsBySocket.values()];
  }

  async close(): Promise<void> {
    await this.tcp.close();
  }
}

/** ZooKeeper's ConnectResponse: len, protocolVersion, timeOut, sessionId (int64), passwd (len + bytes). */
function parseConnectResponse(buf: Buffer): ZkSessionCredentials | null {
  if (buf.length < 4) return null;
  const length = buf.readInt32BE(0);
  if (buf.length < 4 + length || length < 20) return null;
  const passwordLength = buf.readInt32BE(20);
  if (passwordLength <= 0 || 24 + passwordLength > 4 + length) return null;
  return { sessionId: Buffer.from(buf.subarray(12, 20)), password: Buffer.from(buf.subarray(24, 24 + passwordLength)) };
}
