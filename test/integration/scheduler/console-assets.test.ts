import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import { consoleAssets } from '../../../scheduler/ui';

/** `/ui`: the built console's files, index.html for every client-side route, and a clear 503 when not built. */
describe('the console assets under /ui', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'griddle-ui-'));
  const missing = path.join(dir, 'not-built');
  let server: http.Server;
  let base: string;

  beforeAll(async () => {
    fs.mkdirSync(path.join(dir, 'assets'));
    fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>console</title>');
    fs.writeFileSync(path.join(dir, 'assets', 'app-1234.js'), 'console.log(1)');
    const app = express();
    app.use('/ui', consoleAssets(dir));
    app.use('/missing', consoleAssets(missing));
    server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it.each(['/ui/', '/ui/requests/web', '/ui/tasks/web-1-2-3-host-DEFAULT', '/ui/events?requestId=web'])('%s answers index.html, not cached', async (p) => {
    const res = await fetch(`${base}${p}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(await res.text()).toContain('<title>console</title>');
  });

  it('serves hashed assets for good and a missing asset as 404, not the page', async () => {
    const js = await fetch(`${base}/ui/assets/app-1234.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('cache-control')).toMatch(/immutable/);
    expect((await fetch(`${base}/ui/assets/gone.js`)).status).toBe(404);
  });

  it('says how to build the console when it is not built', async () => {
    const res = await fetch(`${base}/missing/`);
    expect(res.status).toBe(503);
    expect(await res.text()).toMatch(/npm run build/);
  });
});
