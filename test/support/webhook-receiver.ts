import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A test HTTP endpoint for webhooks: records every POST body by path, in arrival order. It can
 * be stopped (connections refused) and started again on the same port, to play a receiver
 * that was down for a while, or answer errors (`failNext`) without recording, to play one that
 * is up but broken.
 */
export class WebhookReceiver {
  readonly received = new Map<string, unknown[]>();
  private server: http.Server | null = null;
  port = 0;
  /** POSTs still to be answered 503 (and not recorded). */
  failNext = 0;
  /** POSTs answered 503 so far. */
  refused = 0;

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  of(path: string): unknown[] {
    return this.received.get(path) ?? [];
  }

  async start(): Promise<void> {
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (this.failNext > 0) {
          this.failNext--;
          this.refused++;
          res.writeHead(503).end('receiver overloaded');
          return;
        }
        const list = this.received.get(req.url ?? '/') ?? [];
        list.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown);
        this.received.set(req.url ?? '/', list);
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
