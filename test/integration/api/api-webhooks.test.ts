import { MemoryStateStore } from '../../../scheduler/state';
import { arr, call, deployAndWait, obj, serviceRequest, startHarness, useHarness, type Json } from '../../support/api-harness';
import { until } from '../../support/kit';
import { WebhookReceiver } from '../../support/webhook-receiver';

/** Webhooks against the API harness and a test receiver: every event, also those sent while it was down, in order. */

const fast = { policy: { baseDelayMs: 50, maxDelayMs: 200, timeoutMs: 1000 } };
const summaryOf = async (h: Parameters<typeof call>[0], id: string): Promise<Json | undefined> =>
  arr((await call(h, 'GET', '/api/webhooks/summary')).json).find((s) => obj(s.webhook).id === id);

describe('webhooks', () => {
  const h = useHarness({ webhooks: fast });
  const rx = new WebhookReceiver();
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    await rx.start();
    for (const type of ['REQUEST', 'DEPLOY', 'TASK']) {
      const res = await call(h, 'POST', '/api/webhooks', { uri: rx.url(`/${type}`), type });
      expect(res.json).toBe('CREATED');
      ids[type] = `${type}-${encodeURIComponent(rx.url(`/${type}`))}`;
    }
  });
  afterAll(() => rx.stop());

  it('registers as Singularity does: id TYPE-<encoded uri>, EXISTED on a repeat, listed with a summary', async () => {
    expect((await call(h, 'POST', '/api/webhooks', { uri: rx.url('/TASK'), type: 'TASK' })).json).toBe('EXISTED');
    const list = arr((await call(h, 'GET', '/api/webhooks')).json);
    expect(list.map((w) => w.id).sort()).toEqual(Object.values(ids).sort());
    expect(list[0]).toEqual(expect.objectContaining({ uri: expect.any(String), type: expect.any(String), timestamp: expect.any(Number) }));
    expect((await call(h, 'POST', '/api/webhooks', { uri: 'not a url', type: 'TASK' })).status).toBe(400);
  });

  it("a receiver sees every event of a deploy, including those sent while it was down, in order per webhook", async () => {
    await call(h, 'POST', '/api/requests', serviceRequest('hooked', 2));
    expect((await deployAndWait(h, 'hooked', 'v1')).deployState).toBe('SUCCEEDED');
    await until(() => rx.of('/DEPLOY').length === 2 && rx.of('/TASK').filter((u) => obj(u).taskState === 'TASK_RUNNING').length === 2, 'v1 delivered', 10_000);
    expect(rx.of('/DEPLOY').map((u) => obj(u).eventType)).toEqual(['STARTING', 'FINISHED']);
    expect(obj(rx.of('/REQUEST')[0])).toMatchObject({ eventType: 'CREATED', request: { id: 'hooked' } });

    await rx.stop();
    expect((await deployAndWait(h, 'hooked', 'v2')).deployState).toBe('SUCCEEDED');
    await until(async () => Number((await summaryOf(h, ids.DEPLOY))?.queueSize) === 2, 'both v2 deploy updates queued', 10_000);
    const down = await summaryOf(h, ids.DEPLOY);
    expect(down).toMatchObject({ queueSize: 2, lastError: expect.stringMatching(/ECONNREFUSED|fetch failed/) });
    const queuedTasks = arr((await call(h, 'GET', `/api/webhooks/task?webhookId=${encodeURIComponent(ids.TASK)}`)).json);
    expect(queuedTasks.length).toBeGreaterThan(0);
    expect(arr((await call(h, 'GET', `/api/webhooks/deploy?webhookId=${encodeURIComponent(ids.DEPLOY)}`)).json).map((u) => u.eventType)).toEqual(['STARTING', 'FINISHED']);

    await rx.start(); // same port
    await until(async () => arr((await call(h, 'GET', '/api/webhooks/summary')).json).every((s) => s.queueSize === 0), 'queues drained', 10_000);
    const deploys = rx.of('/DEPLOY').map((u) => `${String(obj(obj(u).deployMarker).deployId)} ${String(obj(u).eventType)}`);
    expect(deploys).toEqual(['v1 STARTING', 'v1 FINISHED', 'v2 STARTING', 'v2 FINISHED']);
    // The task updates queued while it was down arrived, in the order they were queued.
    const got = rx.of('/TASK').map((u) => JSON.stringify(u));
    const want = queuedTasks.map((u) => JSON.stringify(u));
    const at = got.indexOf(want[0]);
    expect(got.slice(at, at + want.length)).toEqual(want);
    expect(await summaryOf(h, ids.DEPLOY)).toMatchObject({ queueSize: 0, failures: 0 });
  });

  it('DELETE ?webhookId= removes a webhook and its queue', async () => {
    await call(h, 'POST', '/api/webhooks', { uri: 'http://127.0.0.1:9/gone', type: 'REQUEST' });
    const id = `REQUEST-${encodeURIComponent('http://127.0.0.1:9/gone')}`;
    expect((await call(h, 'DELETE', `/api/webhooks?webhookId=${encodeURIComponent(id)}`)).json).toBe('DELETED');
    expect((await call(h, 'DELETE', `/api/webhooks?webhookId=${encodeURIComponent(id)}`)).json).toBe('DIDNT_EXIST');
    expect((await call(h, 'DELETE', '/api/webhooks')).status).toBe(400);
  });
});

describe('webhooks across a failover', () => {
  it('a new scheduler on the same store loads the webhooks and delivers what the old one queued', async () => {
    const store = new MemoryStateStore();
    const rx = new WebhookReceiver();
    await rx.start();
    await rx.stop(); // a port known to be closed: the receiver is down
    const a = await startHarness({ store, webhooks: fast });
    const uri = rx.url('/req');
    await call(a, 'POST', '/api/webhooks', { uri, type: 'REQUEST' });
    for (const n of [1, 2, 3]) await call(a, 'POST', '/api/requests', serviceRequest(`fo-${n}`, 1));
    await until(async () => arr((await call(a, 'GET', '/api/webhooks/summary')).json)[0]?.queueSize === 3, 'three queued on the old leader', 10_000);
    const old = await until(async () => {
      const s = arr((await call(a, 'GET', '/api/webhooks/summary')).json)[0];
      return Number(s?.failures) >= 2 ? s : undefined;
    }, 'two failed attempts on the old leader', 10_000);
    await a.close();
    const stored = obj((await store.load('webhook-status')).get(String(obj(old.webhook).id)));
    expect(Number(stored.failures)).toBeGreaterThanOrEqual(2);
    expect(stored.lastError).toEqual(expect.stringMatching(/ECONNREFUSED|fetch failed/));

    const b = await startHarness({ store, webhooks: fast });
    try {
      await until(async () => arr((await call(b, 'GET', '/api/webhooks')).json).length === 1, 'webhook loaded by the new leader', 5000);
      // The backoff and the last error carry over: the count goes on from the old leader's.
      const carried = arr((await call(b, 'GET', '/api/webhooks/summary')).json)[0];
      expect(carried.lastError).toEqual(expect.stringMatching(/ECONNREFUSED|fetch failed/));
      expect(Number(carried.failures)).toBeGreaterThanOrEqual(Number(old.failures));
      await rx.start();
      await until(() => rx.of('/req').length >= 3, 'queued updates delivered by the new leader', 10_000);
      expect(rx.of('/req').slice(0, 3).map((u) => obj(obj(u).request).id)).toEqual(['fo-1', 'fo-2', 'fo-3']);
      await until(async () => arr((await call(b, 'GET', '/api/webhooks/summary')).json)[0]?.queueSize === 0, 'queue empty', 5000);
      expect(arr((await call(b, 'GET', '/api/webhooks/summary')).json)[0]).toMatchObject({ failures: 0, lastError: expect.any(String) });
      expect(obj((await store.load('webhook-status')).get(arr((await call(b, 'GET', '/api/webhooks')).json)[0].id as string))).toMatchObject({ failures: 0 });
    } finally {
      await b.close();
      await rx.stop();
    }
  });
});
