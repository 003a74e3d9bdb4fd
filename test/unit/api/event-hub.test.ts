import { EventHub, type HubEvent } from '../../../scheduler/api';

describe('EventHub', () => {
  it('numbers events and replays what came after Last-Event-ID', () => {
    const hub = new EventHub(10, () => 5);
    for (let i = 0; i < 4; i++) hub.publish('task.status', { requestId: i % 2 ? 'a' : 'b', n: i });
    expect(hub.since(2).events.map((e) => e.id)).toEqual([3, 4]);
    expect(hub.since(0, 'a').events.map((e) => e.data.n)).toEqual([1, 3]);
    expect(hub.since(2).gap).toBe(false);
  });

  it('is bounded and says when a resume point fell out of the buffer', () => {
    const hub = new EventHub(3);
    for (let i = 0; i < 10; i++) hub.publish('x', { n: i });
    expect(hub.since(0).events.map((e) => e.id)).toEqual([8, 9, 10]);
    expect(hub.since(0).gap).toBe(true);
    expect(hub.since(7).gap).toBe(false);
    expect(hub.since(10).events).toEqual([]);
  });

  it('delivers to subscribers by filter and forgets them on unsubscribe', () => {
    const hub = new EventHub();
    const got: HubEvent[] = [];
    const off = hub.subscribe({ requestId: 'a', deliver: (e) => got.push(e) });
    hub.publish('x', { requestId: 'a' });
    hub.publish('x', { requestId: 'b' });
    hub.publish('leader.changed', { isLeader: true });
    off();
    hub.publish('x', { requestId: 'a' });
    expect(got.map((e) => e.id)).toEqual([1]);
    expect(hub.subscriberCount).toBe(0);
  });
});
