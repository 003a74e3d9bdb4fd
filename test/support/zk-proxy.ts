/**
 * A TCP proxy in front of ZooKeeper for one client (a scheduler, a master), so a test can cut it off
 * from ZooKeeper (every connection dropped, new ones refused) while it still reaches the rest.
 * It also reads each session's id and password off the server's ConnectResponse, which is what
 * forcing that session to expire takes (zk-session-expiry.ts).
 */
import net from 'node:net';

export interface ZkSessionCredentials { sessionId: Buffer; password: Buffer }

export class ZkProxy {
  private readonly sockets = new Set<net.Socket>();
  private cut = false;
  /** The latest session seen on each live connection. */
  private readonly sessionsBySocket = new Map<net.Socket, ZkSessionCredentials>();

  private constructor(private readonly server: net.Server, readonly port: number) {}

  static async start(upstreamPort: number): Promise<ZkProxy> {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const proxy = new ZkProxy(server, (server.address() as net.AddressInfo).port);
    server.on('connection', (client) => proxy.accept(client, upstreamPort));
    return proxy;
  }

  /** Drops every connection and refuses new ones until restore(). */
  cutOff(): void {
    this.cut = true;
    for (const s of this.sockets) s.destroy();
  }

  restore(): void {
    this.cut = false;
  }

  sessions(): ZkSessionCredentials[] {
    return [...this.sessionsBySocket.values()];
  }

  async close(): Promise<void> {
    this.cutOff();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: net.Socket, upstreamPort: number): void {
    if (this.cut) {
      client.destroy();
      return;
    }
    const upstream = net.connect(upstreamPort, '127.0.0.1');
    for (const s of [client, upstream]) {
      this.sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => {
        this.sockets.delete(s);
        this.sessionsBySocket.delete(client);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    let head = Buffer.alloc(0);
    let parsed = false;
    upstream.on('data', (chunk: Buffer) => {
      client.write(chunk);
      if (parsed) return;
      head = Buffer.concat([head, chunk]);
      const session = parseConnectResponse(head);
      if (session) {
        parsed = true;
        this.sessionsBySocket.set(client, session);
      }
    });
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
