import express from 'express';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { runGriddle } from '../../support/run-griddle';
import { until } from '../../support/kit';

/** `griddle haproxy` against a Sidecar watch stream and the real haproxy binary. */
describe('griddle haproxy', () => {
  let server: Server;
  let url: string;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'griddle-haproxy-'));
    const app = express();
    app.get('/api/watch', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{}\n');
    });
    server = await new Promise((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)); });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await rm(dir, { recursive: true, force: true });
  });

  it('starts HAProxy with the rendered configuration and stops it when told', async () => {
    const config = path.join(dir, 'haproxy.cfg');
    const stop = new AbortController();
    let seen = '';
    const running = runGriddle(['haproxy', '--config', config, '--follow', url, '--json'], {}, { signal: stop.signal, onStdout: (out) => { seen = out; } });
    await until(() => seen.includes('"applied"'), 'HAProxy applied the configuration');
    stop.abort();
    const run = await running;
    expect(run.code).toBe(0);
    expect(readFileSync(config, 'utf8')).toMatch(/^global/m);
    const events = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as { event: string; reload: boolean });
    expect(events[0]).toMatchObject({ event: 'applied', reload: false });
    expect(existsSync(`${config}.sock`)).toBe(false);
  });

  it('needs --config', async () => {
    const run = await runGriddle(['haproxy'], {});
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("required option '--config <file>'");
  });
});
