/**
 * A small Mesos v1 scheduler client for mesos-local's tests (not Griddle's scheduler): it
 * subscribes over real HTTP, decodes the RecordIO event stream in either content type and
 * lets a test wait for events and send calls with the stream id.
 */
import http from 'node:http';
import {
  CONTENT_TYPE_JSON, decode, encode, RecordIODecoder,
  type ContentType, type FrameworkInfo, type SchedulerCall, type SchedulerEvent,
} from '../../mesos-proto';

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One plain HTTP request (no redirects followed). */
export function rawRequest(url: string, options: { method?: string; headers?: Record<string, string>; body?: Buffer | string } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: options.method ?? 'POST', headers: options.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

export const frameworkInfo = (overrides: Partial<FrameworkInfo> = {}): FrameworkInfo => ({
  user: 'root', name: 'mesos-local-test', failover_timeout: 0, checkpoint: true,
  capabilities: [{ type: 'PARTITION_AWARE' }], ...overrides,
});

export class TestScheduler {
  readonly events: SchedulerEvent[] = [];
  frameworkId = '';
  streamId = '';
  status = 0;
  ended = false;
  private waiters: { match: (e: SchedulerEvent) => boolean; resolve: (e: SchedulerEvent) => void }[] = [];
  private endWaiters: (() => void)[] = [];
  private request: http.ClientRequest | null = null;
  private readonly taken = new Set<SchedulerEvent>();

  private constructor(readonly masterUrl: string, readonly contentType: ContentType) {}

  /** Opens a SUBSCRIBE stream; resolves once the response headers are in. */
  static async subscribe(masterUrl: string, options: { info?: FrameworkInfo; contentType?: ContentType } = {}): Promise<TestScheduler> {
    const contentType = options.contentType ?? CONTENT_TYPE_JSON;
    const scheduler = new TestScheduler(masterUrl, contentType);
    const info = options.info ?? frameworkInfo();
    const call: SchedulerCall = { type: 'SUBSCRIBE', subscribe: { framework_info: info } };
    if (info.id) call.framework_id = info.id;
    await scheduler.open(encode('mesos.v1.scheduler.Call', call, contentType));
    return scheduler;
  }

  private open(body: Buffer): Promise<void> {
    return new Promise((resolve, reject) => {
      const req = http.request(`${this.masterUrl}/api/v1/scheduler`, {
        method: 'POST', agent: false, headers: { 'Content-Type': this.contentType, Accept: this.contentType },
      }, (res) => {
        this.status = res.statusCode ?? 0;
        this.streamId = String(res.headers['mesos-stream-id'] ?? '');
        const decoder = new RecordIODecoder();
        res.on('data', (chunk: Buffer) => {
          if (this.status !== 200) return;
          for (const record of decoder.push(chunk)) this.receive(decode('mesos.v1.scheduler.Event', record, this.contentType));
        });
        const end = (): void => {
          this.ended = true;
          for (const w of this.endWaiters.splice(0)) w();
        };
        res.on('end', end);
        res.on('close', end);
        resolve();
      });
      req.on('error', (err) => {
        this.ended = true;
        for (const w of this.endWaiters.splice(0)) w();
        reject(err);
      });
      req.end(body);
      this.request = req;
    });
  }

  /** When set, every UPDATE carrying a uuid is acknowledged as it arrives. */
  autoAcknowledge = false;

  private receive(event: SchedulerEvent): void {
    if (event.type === 'SUBSCRIBED') this.frameworkId = event.subscribed!.framework_id.value;
    if (this.autoAcknowledge && event.type === 'UPDATE' && event.update!.status.uuid) void this.acknowledge(event).catch(() => undefined);
    this.events.push(event);
    this.waiters = this.waiters.filter((w) => {
      if (!w.match(event)) return true;
      w.resolve(event);
      return false;
    });
  }

  /** How many events came so far: pass it to `waitFor` to skip them. */
  mark(): number {
    return this.events.length;
  }

  /** The first event (already received from `since` on, or to come) matching; fails after `timeoutMs`. */
  waitFor(match: (e: SchedulerEvent) => boolean, timeoutMs = 20_000, what = 'event', since = 0): Promise<SchedulerEvent> {
    const seen = this.events.slice(since).find(match);
    if (seen) return Promise.resolve(seen);
    return this.next(match, timeoutMs, what);
  }

  /** The next event from now on matching. */
  next(match: (e: SchedulerEvent) => boolean, timeoutMs = 20_000, what = 'event'): Promise<SchedulerEvent> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; got ${this.events.map((e) => e.type).join(',')}`)), timeoutMs);
      this.waiters.push({ match, resolve: (e) => { clearTimeout(timer); resolve(e); } });
    });
  }

  /** The oldest OFFERS event not taken yet (each is handed out once). */
  async takeOffers(timeoutMs = 20_000): Promise<SchedulerEvent> {
    const event = await this.waitFor((e) => e.type === 'OFFERS' && !this.taken.has(e), timeoutMs, 'offers');
    this.taken.add(event);
    return event;
  }

  waitForUpdate(taskId: string, state: string, timeoutMs = 20_000): Promise<SchedulerEvent> {
    return this.waitFor((e) => e.type === 'UPDATE' && e.update!.status.task_id.value === taskId && e.update!.status.state === state, timeoutMs, `${taskId} ${state}`);
  }

  waitForEnd(timeoutMs = 20_000): Promise<void> {
    if (this.ended) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('stream did not end')), timeoutMs);
      this.endWaiters.push(() => { clearTimeout(timer); resolve(); });
    });
  }

  /** A call on its own connection, with framework_id and Mesos-Stream-Id filled in. */
  call(call: SchedulerCall, headers: Record<string, string> = {}): Promise<RawResponse> {
    const full: SchedulerCall = { framework_id: { value: this.frameworkId }, ...call };
    return rawRequest(`${this.masterUrl}/api/v1/scheduler`, {
      headers: { 'Content-Type': this.contentType, 'Mesos-Stream-Id': this.streamId, ...headers },
      body: encode('mesos.v1.scheduler.Call', full, this.contentType),
    });
  }

  /** Acknowledges an UPDATE that carries a uuid. */
  acknowledge(event: SchedulerEvent): Promise<RawResponse> {
    const status = event.update!.status;
    return this.call({ type: 'ACKNOWLEDGE', acknowledge: { agent_id: status.agent_id!, task_id: status.task_id, uuid: status.uuid! } });
  }

  close(): void {
    this.request?.destroy();
  }
}
