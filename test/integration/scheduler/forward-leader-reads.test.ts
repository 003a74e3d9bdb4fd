import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { forwardWritesToLeader } from '../../../scheduler/ha';

/**
 * A standby serves reads itself but forwards writes, and the reads only the leader can answer
 * (task statistics come back from executors as framework messages, to the leader alone).
 */
describe('forwardWritesToLeader on a standby', () => {
  const servers: http.Server[] = [];
  const listen = async (handler: http.RequestListener): Promise<string> => {
    const server = http.createServer(handler);
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };
  afterAll(async () => {
    for (const s of servers) s.closeAllConnections();
    await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
  });

  it('forwards writes and the statistics read, and serves other reads locally', async () => {
    const leader = await listen((req, res) => res.end(`leader ${req.method} ${req.url}`));
    const app = express();
    app.use(forwardWritesToLeader({ isLeader: () => false, leaderUrl: () => leader }));
    app.use((req, res) => void res.send(`standby ${req.method} ${req.url}`));
    const standby = await listen(app);
    const text = async (method: string, p: string): Promise<string> => (await fetch(`${standby}${p}`, { method })).text();
    expect(await text('GET', '/api/tasks/task/t-1/statistics')).toBe('leader GET /api/tasks/task/t-1/statistics');
    expect(await text('GET', '/singularity/api/tasks/task/t-1/statistics/')).toBe('leader GET /singularity/api/tasks/task/t-1/statistics/');
    expect(await text('GET', '/api/tasks/task/t-1')).toBe('standby GET /api/tasks/task/t-1');
    expect(await text('GET', '/api/history/task/t-1')).toBe('standby GET /api/history/task/t-1');
    expect(await text('DELETE', '/api/tasks/task/t-1')).toBe('leader DELETE /api/tasks/task/t-1');
  });
});
