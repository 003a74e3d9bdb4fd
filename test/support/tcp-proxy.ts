/**
 * A TCP proxy on 127.0.0.1 in front of one upstream port, so a test can cut a client off
 * (every connection dropped, new ones refused) and let it back in: a real network fault for
 * whatever speaks through it (a scheduler's ZooKeeper session, a browser's event stream).
 */
import net from 'node:net';

export class TcpProxy {
  private readonly sockets = new Set<net.Socket>();
  private cut = false;

  private constructor(private readonly server: net.Server, readonly port: number) {}

  /** `onUpstreamData` sees each chunk the upstream sends to `client` (after it is forwarded). */
  static async start(upstreamPort: number, hooks: { onUpstreamData?: (client: net.Socket, chunk: Buffer) => void; onClose?: (client: net.Socket) => void } = {}): Promise<TcpProxy> {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const proxy = new TcpProxy(server, (server.address() as net.AddressInfo).port);
    server.on('connection', (client) => proxy.accept(client, upstreamPort, hooks));
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

  async close(): Promise<void> {
    this.cutOff();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: net.Socket, upstreamPort: number, hooks: { onUpstreamData?: (client: net.Socket, chunk: Buffer) => void; onClose?: (client: net.Socket) => void }): void {
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
        hooks.onClose?.(client);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => {
      client.write(chunk);
      hooks.onUpstreamData?.(client, chunk);
    });
  }
}
