import { MemoryStateStore } from '../../../scheduler/state';
import {
  DEFAULT_DELIVERY_POLICY, type DeliveryPolicy, type HookDeliveryState, WebhookRegistry, afterFailure, afterSuccess, dueHooks,
  javaUrlEncode, nextWake, overflow, retryDelay, webhookId,
} from '../../../scheduler/webhooks';

const policy: DeliveryPolicy = { ...DEFAULT_DELIVERY_POLICY, baseDelayMs: 100, maxDelayMs: 1000, maxConcurrency: 2, maxQueue: 3 };
const hook = (id: string, over: Partial<HookDeliveryState> = {}): HookDeliveryState => ({ id, queued: 1, inFlight: false, failures: 0, nextAttemptAt: 0, ...over });

describe('webhook queue policy (fake clock: plain numbers)', () => {
  it('backs off exponentially from the base delay, capped', () => {
    expect([0, 1, 2, 3, 4, 5, 50].map((f) => retryDelay(f, policy))).toEqual([0, 100, 200, 400, 800, 1000, 1000]);
  });

  it('sends from due webhooks with something queued, one at a time each, within the concurrency bound', () => {
    const hooks = [hook('a'), hook('b', { queued: 0 }), hook('c', { inFlight: true }), hook('d', { nextAttemptAt: 500 }), hook('e'), hook('f')];
    // c is in flight: one free slot of two; a waited longest (tie broken by id).
    expect(dueHooks(hooks, 100, policy)).toEqual(['a']);
    expect(dueHooks(hooks.filter((h) => h.id !== 'c'), 100, policy)).toEqual(['a', 'e']);
    expect(dueHooks([hook('d', { nextAttemptAt: 500 })], 499, policy)).toEqual([]);
    expect(dueHooks([hook('d', { nextAttemptAt: 500 })], 500, policy)).toEqual(['d']);
  });

  it('wakes up for the earliest backoff to end, not for empty, busy or due webhooks', () => {
    const hooks = [hook('a', { nextAttemptAt: 900 }), hook('b', { nextAttemptAt: 300 }), hook('c', { queued: 0, nextAttemptAt: 200 }), hook('d', { inFlight: true, nextAttemptAt: 100 })];
    expect(nextWake(hooks, 250)).toBe(300);
    expect(nextWake(hooks, 1000)).toBeNull();
  });

  it('counts failures until a delivery resets them', () => {
    let h = hook('a', { queued: 2, inFlight: true });
    h = afterFailure(h, 1000, policy);
    expect(h).toMatchObject({ failures: 1, nextAttemptAt: 1100, inFlight: false });
    h = afterFailure({ ...h, inFlight: true }, 1100, policy);
    expect(h).toMatchObject({ failures: 2, nextAttemptAt: 1300 });
    expect(afterSuccess({ ...h, inFlight: true })).toMatchObject({ failures: 0, nextAttemptAt: 0, queued: 1, inFlight: false });
  });

  it('drops the oldest beyond the bound', () => {
    expect([0, 3, 4, 10].map((n) => overflow(n, policy))).toEqual([0, 0, 1, 7]);
  });

  it('derives ids as Singularity does: TYPE-<form-encoded uri>', () => {
    expect(webhookId('TASK', 'http://h:8080/a b?x=(1)')).toBe('TASK-http%3A%2F%2Fh%3A8080%2Fa+b%3Fx%3D%281%29');
    expect(javaUrlEncode("a-_.*!'~")).toBe('a-_.*%21%27%7E');
  });
});

describe('WebhookRegistry', () => {
  it('keeps one ordered queue per webhook of the type, persisted, and continues after a reload', async () => {
    const store = new MemoryStateStore();
    const reg = new WebhookRegistry(store, policy);
    const t = reg.add({ uri: 'http://x/t', type: 'TASK' }, 1).webhook;
    expect(reg.add({ uri: 'http://x/t', type: 'TASK' }, 2).result).toBe('EXISTED');
    const d = reg.add({ uri: 'http://x/d', type: 'DEPLOY' }, 3).webhook;
    reg.enqueue('TASK', { n: 1 }, 10);
    reg.enqueue('TASK', { n: 2 }, 11);
    reg.enqueue('DEPLOY', { n: 3 }, 12);
    reg.ack(reg.queue(t.id)[0]);

    const other = new WebhookRegistry(store, policy); // a new leader on the same store
    await other.load();
    expect(other.queue(t.id).map((u) => u.payload)).toEqual([{ n: 2 }]);
    expect(other.queue(d.id).map((u) => u.payload)).toEqual([{ n: 3 }]);
    other.enqueue('TASK', { n: 4 }, 13);
    expect(other.queue(t.id).map((u) => u.seq)).toEqual([2, 3]);
  });

  it('drops the oldest of a full queue and counts them; deleting a webhook deletes its queue', async () => {
    const store = new MemoryStateStore();
    const reg = new WebhookRegistry(store, policy);
    const t = reg.add({ uri: 'http://x/t', type: 'TASK' }, 1).webhook;
    for (let n = 1; n <= 5; n++) reg.enqueue('TASK', { n }, n);
    expect(reg.queue(t.id).map((u) => u.payload)).toEqual([{ n: 3 }, { n: 4 }, { n: 5 }]);
    expect(reg.droppedOf(t.id)).toBe(2);
    expect((await store.load('webhook-queue')).size).toBe(3);
    expect(reg.remove(t.id)).toBe('DELETED');
    expect(reg.remove(t.id)).toBe('DIDNT_EXIST');
    expect((await store.load('webhook-queue')).size).toBe(0);
  });
});
