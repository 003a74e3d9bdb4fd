import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { vaultTransport } from '../../../executor/vault-transport';

let server: http.Server;
let base: string;
const seen: { method?: string; url?: string; token?: string; body: string }[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += String(d)));
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, token: req.headers['x-vault-token'] as string | undefined, body });
      if (req.url === '/v1/standby') return res.writeHead(307, { Location: '/v1/active' }).end();
      if (req.url === '/v1/html') return res.writeHead(502, { 'Content-Type': 'text/html' }).end('<html>bad gateway</html>');
      if (req.url === '/v1/slow') return void setTimeout(() => res.end('{}'), 2_000).unref();
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ data: { echo: body ? (JSON.parse(body) as unknown) : null } }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  return new Promise<void>((r) => server.close(() => r()));
});

describe("node-vault's request-promise transport", () => {
  const request = vaultTransport.defaults({ json: true, strictSSL: true });

  it('sends the JSON body and headers, and parses the JSON answer', async () => {
    const res = await request({ method: 'POST', uri: `${base}/v1/auth/approle/login`, headers: { 'X-Vault-Token': 't-1' }, json: { role_id: 'r' } });
    expect(res).toEqual({ statusCode: 200, body: { data: { echo: { role_id: 'r' } } }, request: { path: '/v1/auth/approle/login' } });
    expect(seen.at(-1)).toMatchObject({ method: 'POST', token: 't-1' });
  });

  it("follows a standby's 307 to the active node, keeping method and body", async () => {
    const res = await request({ method: 'PUT', uri: `${base}/v1/standby`, json: { a: 1 } });
    expect(res.statusCode).toBe(200);
    expect(res.request.path).toBe('/v1/active');
    expect(seen.at(-1)).toMatchObject({ method: 'PUT', url: '/v1/active', body: '{"a":1}' });
  });

  it('passes a non-JSON answer through as text with its status', async () => {
    const res = await request({ method: 'GET', uri: `${base}/v1/html` });
    expect(res).toMatchObject({ statusCode: 502, body: '<html>bad gateway</html>' });
  });

  it('fails a request that takes longer than its timeout with ETIMEDOUT', async () => {
    await expect(request({ method: 'GET', uri: `${base}/v1/slow`, timeout: 100 })).rejects.toMatchObject({ code: 'ETIMEDOUT' });
  });
});
