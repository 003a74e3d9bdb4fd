import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import pino from 'pino';
import { createApiRouter, type ApiRouter } from '../../../scheduler/api';
import { Scheduler } from '../../../scheduler/core';
import { MemoryStateStore } from '../../../scheduler/state';
import { until } from '../../support/kit';

/**
 * A store whose flushes for an API answer (of the request's own writes) wait until the test
 * settles them, one by one. Other parts flush everything; those pass at once.
 */
class GatedStore extends MemoryStateStore {
  readonly pending: { resolve: () => void; reject: (err: Error) => void }[] = [];

  override flushWrites(): Promise<void> {
    return new Promise((resolve, reject) => this.pending.push({ resolve, reject }));
  }
}

describe('a 2xx to a mutating API call means the write is stored', () => {
  let store: GatedStore;
  let router: ApiRouter;
  let server: http.Server;
  let url: string;

  beforeEach(async () => {
    store = new GatedStore();
    const log = pino({ level: 'silent' });
    router = createApiRouter(new Scheduler({ store, log }), { isWritable: () => true, log });
    const app = express();
    app.use('/api', router);
    server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    router.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  function post(): { settled: () => boolean; answer: Promise<{ status: number; body: Record<string, unknown> }> } {
    let done = false;
    const answer = fetch(`${url}/api/requests`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'web', requestType: 'SERVICE', instances: 1 }),
    }).then(async (res) => ({ status: res.status, body: await res.json() as Record<string, unknown> })).finally(() => { done = true; });
    return { settled: () => done, answer };
  }

  it('holds the answer until the flush resolves', async () => {
    const req = post();
    await until(() => store.pending.length === 1, 'the API to flush the store', 5000);
    // The handler has run (the request is in memory) but no answer may leave before the flush.
    expect(req.settled()).toBe(false);
    store.pending[0].resolve();
    const { status, body } = await req.answer;
    expect(status).toBe(200);
    expect((body.request as { id: string }).id).toBe('web');
  });

  it('answers 503 "state store unavailable ... retry" when the flush rejects', async () => {
    const req = post();
    await until(() => store.pending.length === 1, 'the API to flush the store', 5000);
    expect(req.settled()).toBe(false);
    store.pending[0].reject(new Error('ZooKeeper connection lost'));
    const { status, body } = await req.answer;
    expect(status).toBe(503);
    expect(body.message).toBe('state store unavailable: ZooKeeper connection lost; retry');
  });

  it('does not hold reads or refusals', async () => {
    expect((await fetch(`${url}/api/requests`)).status).toBe(200);
    const refused = await fetch(`${url}/api/requests/request/nope/scale`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"instances":2}' });
    expect(refused.status).toBe(404);
    expect(store.pending).toHaveLength(0);
  });
});
