import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local HTTP server playing acceptance hooks: `/status/<code>` answers that code, and every
 * call is recorded (path and query) so a test can see which deploy asked.
 */
export interface AcceptanceHook {
  url: string;
  calls: string[];
  close(): Promise<void>;
}

export async function startAcceptanceHook(): Promise<AcceptanceHook> {
  const calls: string[] = [];
  const server = http.createServer((req, res) => {
    calls.push(req.url ?? '');
    const code = Number(/^\/status\/(\d{3})/.exec(req.url ?? '')?.[1] ?? 404);
    res.writeHead(code, { 'content-type': 'text/plain' });
    res.end(code < 300 ? 'accepted' : 'error budget spent');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
