/**
 * The push to listener URLs on a hand-driven clock: the queue policy (bounded, drop oldest,
 * coalesce to the change that moves the rotation), retries with backoff, and one listener's
 * slowness never holding back another.
 */
import {
  backoffMs, Catalog, changesRotation, ListenerPush, PendingEvents, startStatePush,
  type PostJson, type PushPolicy, type SidecarChangeEvent, type SidecarStateChangedEvent,
} from '../../../scheduler/discovery';
import { SIDECAR_STATUS_CODE as S } from '../../../contract';
import { taskRecord } from '../../support/task-fixtures';
import { ManualTimers } from '../../support/manual-timers';
import { until } from '../../support/kit';

function event(id: string, previous: number, status: number): SidecarChangeEvent {
  return {
    Service: { ID: id, Name: 'demo', Image: 'i', Created: '', Hostname: 'h', Ports: [], Updated: '', ProxyMode: 'http', Status: status },
    PreviousStatus: previous,
    Time: '',
  };
}

const policy: PushPolicy = { maxPending: 3, initialBackoffMs: 100, maxBackoffMs: 1000, timeoutMs: 3000 };

describe('push policy', () => {
  it('backs off exponentially up to the cap', () => {
    expect([0, 1, 2, 3, 4, 5, 99].map((n) => backoffMs(n, policy))).toEqual([0, 100, 200, 400, 800, 1000, 1000]);
  });

  it("follows Sidecar's receiver rule for what moves the rotation", () => {
    expect(changesRotation(S.UNKNOWN, S.ALIVE)).toBe(true);
    expect(changesRotation(S.ALIVE, S.DRAINING)).toBe(true);
    expect(changesRotation(S.DRAINING, S.TOMBSTONE)).toBe(true);
    expect(changesRotation(S.ALIVE, S.UNHEALTHY)).toBe(true);
    expect(changesRotation(S.UNKNOWN, S.UNHEALTHY)).toBe(false);
    expect(changesRotation(S.UNHEALTHY, S.UNKNOWN)).toBe(false);
  });

  it('drops the oldest beyond the bound, counts drops, and coalesces to the latest rotation change', () => {
    const q = new PendingEvents(3);
    expect(q.offer(event('a', S.UNKNOWN, S.ALIVE))).toBe(0);
    q.offer(event('b', S.UNKNOWN, S.ALIVE));
    q.offer(event('c', S.UNKNOWN, S.UNHEALTHY));
    expect(q.offer(event('d', S.UNKNOWN, S.UNKNOWN))).toBe(1);
    expect(q.dropped).toBe(1);
    // b is the latest change a follower reloads for; c and d alone would not make it reload.
    expect(q.take()).toEqual({ event: event('b', S.UNKNOWN, S.ALIVE), coalesced: 3 });
    expect(q.take()).toBeUndefined();
  });

  it('puts a failed event back first, unless the queue filled meanwhile', () => {
    const q = new PendingEvents(2);
    q.requeue(event('a', S.UNKNOWN, S.ALIVE));
    q.offer(event('b', S.UNKNOWN, S.UNKNOWN));
    expect(q.take()?.event.Service.ID).toBe('a');
    q.offer(event('c', S.UNKNOWN, S.UNKNOWN));
    q.offer(event('d', S.UNKNOWN, S.UNKNOWN));
    q.requeue(event('a', S.UNKNOWN, S.ALIVE));
    expect(q.dropped).toBe(1);
    expect(q.take()?.event.Service.ID).toBe('d');
  });
});

/** A listener whose answers the test decides, one POST at a time. */
function scriptedPost(): { post: PostJson; calls: { url: string; body: string; answer(ok: boolean): void }[] } {
  const calls: { url: string; body: string; answer(ok: boolean): void }[] = [];
  const post: PostJson = (url, body) => new Promise<void>((resolve, reject) => {
    calls.push({ url, body, answer: (ok) => (ok ? resolve() : reject(new Error('503'))) });
  });
  return { post, calls };
}

describe('ListenerPush', () => {
  it('retries a failed POST with backoff and the latest state, then coalesces what queued while busy', async () => {
    const timers = new ManualTimers();
    const { post, calls } = scriptedPost();
    let state = 1;
    const push = new ListenerPush('http://l/update', () => `{"v":${state}}`, { policy, post, clock: timers });
    push.offer(event('a', S.UNKNOWN, S.ALIVE));
    timers.advance(0);
    expect(calls).toHaveLength(1);
    calls[0]!.answer(false);
    await until(() => timers.size === 1, 'the retry timer');
    state = 2;
    timers.advance(99);
    expect(calls).toHaveLength(1);
    timers.advance(1);
    expect(calls).toHaveLength(2);
    expect(JSON.parse(calls[1]!.body)).toEqual({ State: { v: 2 }, ChangeEvent: event('a', S.UNKNOWN, S.ALIVE) });
    // While that POST is in flight, two more changes queue and go out together.
    push.offer(event('b', S.UNKNOWN, S.ALIVE));
    push.offer(event('b', S.ALIVE, S.DRAINING));
    timers.advance(1000);
    expect(calls).toHaveLength(2);
    calls[1]!.answer(true);
    await until(() => timers.size === 1, 'the next delivery');
    timers.advance(0);
    expect(calls).toHaveLength(3);
    expect((JSON.parse(calls[2]!.body) as SidecarStateChangedEvent).ChangeEvent.Service.Status).toBe(S.DRAINING);
    calls[2]!.answer(true);
    await until(() => push.stats().delivered === 2, 'two deliveries');
    expect(push.stats()).toEqual({ url: 'http://l/update', delivered: 2, failures: 1, dropped: 0, pending: 0 });
    push.close();
  });

  it('keeps delivering to a healthy listener while another hangs, and bounds the hung one', async () => {
    const timers = new ManualTimers();
    const { post, calls } = scriptedPost();
    const catalog = new Catalog({ now: () => 1000 });
    const push = startStatePush(catalog, ['http://hung/', 'http://ok/'], { clusterName: 'c', hostname: 'h', policy, post, clock: timers });
    for (let i = 0; i < 6; i++) {
      catalog.applyTask(taskRecord(`t${i}`, { state: 'TASK_RUNNING', healthy: true }));
      timers.advance(0);
      for (const call of calls.filter((c) => c.url === 'http://ok/')) call.answer(true);
      await until(() => push.stats()[1]!.delivered === i + 1, `delivery ${i + 1} to the healthy listener`);
    }
    const [hung, ok] = push.stats();
    expect(ok).toMatchObject({ delivered: 6, dropped: 0, pending: 0 });
    // The hung one holds its first POST; of the 5 changes since, the oldest 2 were dropped.
    expect(hung).toMatchObject({ delivered: 0, pending: 3, dropped: 2 });
    const last = JSON.parse(calls.filter((c) => c.url === 'http://ok/').at(-1)!.body) as SidecarStateChangedEvent;
    expect(Object.keys(last.State.Servers['127.0.0.1']!.Services)).toHaveLength(6);
    expect(last.State.LastChanged).toBe(new Date(1005).toISOString());
    push.close();
  });
});
