import type { ApiEventFrame } from '../../contract/events';
import { SseParser } from '../../contract/sse-parser';
import {
  type ResumeState, SILENCE_LIMIT_MS, dropped, initialResume, opened, received, reconnecting, retryDelay, streamHeaders,
} from './resume';

/** Timers and time, given so the tests drive them by hand. */
export interface StreamClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface EventStreamDeps {
  /** The stream's URL, e.g. `/api/events`. */
  url: string;
  fetch: (url: string, init: { headers: Record<string, string>; signal: AbortSignal }) => Promise<Response>;
  clock: StreamClock;
  random?: () => number;
  token?: () => string | undefined;
  onFrame: (frame: ApiEventFrame) => void;
  /** The server dropped events we had not seen: re-read state. */
  onGap: () => void;
  onStatus?: (state: ResumeState) => void;
}

/**
 * `/api/events` over fetch rather than EventSource, so the Bearer token goes in a header.
 * Resumes with `Last-Event-ID` after every drop, retrying with backoff, and treats 45 s of
 * silence (the server's keep-alive comes every 15 s) as a drop.
 */
export class EventStream {
  private state: ResumeState;
  private abort?: AbortController;
  private retryTimer?: unknown;
  private silenceTimer?: unknown;
  private generation = 0;

  constructor(private readonly deps: EventStreamDeps, lastEventId?: number) {
    this.state = initialResume(lastEventId);
  }

  get status(): ResumeState {
    return this.state;
  }

  start(): void {
    if (this.state.status === 'stopped') this.state = initialResume(this.state.lastEventId);
    this.connect();
  }

  /** After a login: forget an unauthorized stop and connect at once. */
  restart(): void {
    this.close();
    this.state = initialResume(this.state.lastEventId);
    this.connect();
  }

  stop(): void {
    this.close();
    this.set({ ...this.state, status: 'stopped' });
  }

  private close(): void {
    this.generation++;
    this.abort?.abort();
    this.abort = undefined;
    if (this.retryTimer !== undefined) this.deps.clock.clearTimeout(this.retryTimer);
    if (this.silenceTimer !== undefined) this.deps.clock.clearTimeout(this.silenceTimer);
    this.retryTimer = this.silenceTimer = undefined;
  }

  private set(next: ResumeState): void {
    this.state = next;
    this.deps.onStatus?.(next);
  }

  private connect(): void {
    const generation = ++this.generation;
    const abort = new AbortController();
    this.abort = abort;
    this.set(reconnecting(this.state));
    const headers = streamHeaders(this.state, this.deps.token?.());
    void this.deps.fetch(this.deps.url, { headers, signal: abort.signal })
      .then(async (res) => {
        if (generation !== this.generation) return;
        if (!res.ok || !res.body) return this.fail(generation, res.status);
        this.set(opened(this.state));
        this.armSilence(generation);
        await this.read(res.body, generation);
        this.fail(generation);
      })
      .catch(() => this.fail(generation));
  }

  private async read(body: ReadableStream<Uint8Array>, generation: number): Promise<void> {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    const parser = new SseParser();
    for (;;) {
      const { done, value } = await reader.read();
      if (done || generation !== this.generation) return;
      this.armSilence(generation);
      for (const e of parser.push(decoder.decode(value, { stream: true }))) {
        if (e.event === 'gap') this.deps.onGap();
        else if (e.id !== undefined && /^\d+$/.test(e.id)) {
          this.state = received(this.state, Number(e.id));
          this.deps.onFrame(JSON.parse(e.data) as ApiEventFrame);
        }
      }
    }
  }

  private armSilence(generation: number): void {
    if (this.silenceTimer !== undefined) this.deps.clock.clearTimeout(this.silenceTimer);
    this.silenceTimer = this.deps.clock.setTimeout(() => {
      if (generation === this.generation) this.abort?.abort();
    }, SILENCE_LIMIT_MS);
  }

  private fail(generation: number, httpStatus?: number): void {
    if (generation !== this.generation) return;
    this.close();
    this.set(dropped(this.state, this.deps.clock.now(), httpStatus));
    if (this.state.status !== 'down') return;
    const delay = retryDelay(this.state.failures, (this.deps.random ?? Math.random)());
    this.retryTimer = this.deps.clock.setTimeout(() => {
      this.retryTimer = undefined;
      this.connect();
    }, delay);
  }
}
