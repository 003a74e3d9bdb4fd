import type { ApiEventFrame } from '../../../contract';
import { EventStream, type ResumeState, retryDelay } from '../../../console/state';
import { ManualTimers, flushPromises } from '../../support/manual-timers';

/** One fake `/api/events` answer whose body the test writes to and ends. */
class FakeAnswer {
  private controller?: ReadableStreamDefaultController<Uint8Array>;
  private ended = false;
  readonly response: Response;
  constructor(status = 200) {
    const body = new ReadableStream<Uint8Array>({ start: (c) => { this.controller = c; } });
    this.response = new Response(status === 200 ? body : null, { status });
  }
  send(text: string): void {
    this.controller?.enqueue(new TextEncoder().encode(text));
  }
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.controller?.close();
  }
}

function setup(answers: (FakeAnswer | Error)[], lastEventId?: number) {
  const timers = new ManualTimers();
  const calls: Record<string, string>[] = [];
  const frames: ApiEventFrame[] = [];
  const statuses: ResumeState['status'][] = [];
  let gaps = 0;
  const stream = new EventStream({
    url: '/api/events',
    clock: timers,
    random: () => 0,
    token: () => 'tok-123',
    fetch: (_url, init) => {
      calls.push(init.headers);
      const next = answers.shift();
      if (!next) return new Promise<Response>(() => undefined);
      if (next instanceof Error) return Promise.reject(next);
      init.signal.addEventListener('abort', () => next.end());
      return Promise.resolve(next.response);
    },
    onFrame: (f) => frames.push(f),
    onGap: () => gaps++,
    onStatus: (s) => statuses.push(s.status),
  }, lastEventId);
  return { stream, timers, calls, frames, statuses, gaps: () => gaps };
}

const settle = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) {
    await flushPromises();
    await new Promise((r) => setImmediate(r));
  }
};

const eventText = (id: number): string => `id: ${id}\nevent: leader.changed\ndata: {"id":${id},"type":"leader.changed","at":0,"isLeader":true}\n\n`;

describe('the console event stream', () => {
  it('sends the Bearer token, goes live, and hands over each frame once', async () => {
    const a = new FakeAnswer();
    const t = setup([a]);
    t.stream.start();
    await settle();
    a.send(`retry: 2000\n: connected\n\n${eventText(1)}${eventText(2).slice(0, 20)}`);
    await settle();
    a.send(eventText(2).slice(20));
    await settle();
    expect(t.calls[0]).toEqual({ accept: 'text/event-stream', authorization: 'Bearer tok-123' });
    expect(t.frames.map((f) => f.id)).toEqual([1, 2]);
    expect(t.stream.status).toMatchObject({ status: 'live', lastEventId: 2 });
    t.stream.stop();
  });

  it('after a drop shows the stream down, waits with backoff and resumes with Last-Event-ID', async () => {
    const first = new FakeAnswer();
    const second = new FakeAnswer();
    const t = setup([first, new Error('connection refused'), second], 7);
    t.stream.start();
    await settle();
    expect(t.calls[0]['last-event-id']).toBe('7');
    first.send(eventText(8));
    first.end();
    await settle();
    expect(t.stream.status.status).toBe('down');
    expect(t.calls).toHaveLength(1);
    await t.timers.advanceAsync(retryDelay(1, 0) - 1, settle);
    expect(t.calls).toHaveLength(1);
    await t.timers.advanceAsync(1, settle);
    expect(t.calls).toHaveLength(2);
    expect(t.calls[1]['last-event-id']).toBe('8');
    expect(t.stream.status).toMatchObject({ status: 'down', failures: 2 });
    await t.timers.advanceAsync(retryDelay(2, 0), settle);
    expect(t.calls).toHaveLength(3);
    expect(t.stream.status).toMatchObject({ status: 'live', failures: 0 });
    t.stream.stop();
  });

  it('treats 45 s of silence as a drop', async () => {
    const a = new FakeAnswer();
    const t = setup([a, new FakeAnswer()]);
    t.stream.start();
    await settle();
    a.send(': keep-alive\n\n');
    await settle();
    await t.timers.advanceAsync(44_999, settle);
    expect(t.stream.status.status).toBe('live');
    await t.timers.advanceAsync(1, settle);
    expect(t.statuses).toContain('down');
    await t.timers.advanceAsync(retryDelay(1, 0), settle);
    expect(t.calls).toHaveLength(2);
    t.stream.stop();
  });

  it('stops retrying on 401 until restarted after a login', async () => {
    const t = setup([new FakeAnswer(401), new FakeAnswer()]);
    t.stream.start();
    await settle();
    expect(t.stream.status.status).toBe('unauthorized');
    await t.timers.advanceAsync(60_000, settle);
    expect(t.calls).toHaveLength(1);
    t.stream.restart();
    await settle();
    expect(t.calls).toHaveLength(2);
    expect(t.stream.status.status).toBe('live');
    t.stream.stop();
  });

  it('passes a gap on so the page re-reads its state', async () => {
    const a = new FakeAnswer();
    const t = setup([a], 3);
    t.stream.start();
    await settle();
    a.send('event: gap\ndata: {"message":"dropped","lastEventId":3}\n\n');
    a.send(eventText(900));
    await settle();
    expect(t.gaps()).toBe(1);
    expect(t.frames.map((f) => f.id)).toEqual([900]);
    t.stream.stop();
  });

  it('backs off exponentially up to 10 s, with jitter', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => retryDelay(n, 0.999999))).toEqual([500, 1000, 2000, 4000, 8000, 10000, 10000]);
    expect(retryDelay(1, 0)).toBe(250);
  });
});
