import { EventEmitter } from 'node:events';
import http from 'node:http';
import https from 'node:https';
import type { Logger } from '../../common/logger';
import {
  CONTENT_TYPE_JSON, decode, encode, RecordIODecoder,
  type ContentType, type FrameworkInfo, type Offer, type SchedulerCall, type SchedulerEvent, type TaskStatus,
} from '../../mesos-proto';
import { CALL_ATTEMPTS, isRetryable } from './call-policy';
import { HeartbeatWatchdog } from '../../common/heartbeat-watchdog';
import type { MasterDetector } from './master-detector';
import { CallSlots } from './call-slots';
import { ReconnectBackoff } from './reconnect-backoff';

export interface SchedulerClientEvents {
  subscribed: [frameworkId: string, masterUrl: string];
  offers: [offers: Offer[]];
  rescind: [offerId: string];
  update: [status: TaskStatus];
  failure: [event: NonNullable<SchedulerEvent['failure']>];
  /** An executor's framework message (`data` base64, as Mesos's JSON mapping carries bytes). */
  message: [agentId: string, executorId: string, data: string];
  /** The master's HEARTBEAT event (also after SUBSCRIBED, as Mesos sends one at once). */
  heartbeat: [];
  error: [message: string];
  disconnected: [why: string];
}

export interface SchedulerClientOptions {
  detector: MasterDetector;
  contentType?: ContentType;
  /** Called before every SUBSCRIBE: the framework info, with the stored id when there is one. */
  frameworkInfo: () => FrameworkInfo;
  log: Logger;
  backoff?: ReconnectBackoff;
}

export class MesosCallError extends Error {
  constructor(message: string, readonly status?: number) {
    super(message);
  }
}

const MAX_REDIRECTS = 5;
export const CALLS_IN_FLIGHT = 128;

/**
 * A call sent without a caller waiting for it (callLater), how many times it was tried, and
 * the key that makes a copy of it redundant while it waits or is on the wire.
 */
interface QueuedCall { call: SchedulerCall; attempt: number; key?: string }

function resolveLocation(base: string, location: string): string {
  // Mesos answers with a protocol-relative `//host:port/api/v1/scheduler`.
  const url = new URL(location, base);
  return `${url.protocol}//${url.host}`;
}

/**
 * The Mesos v1 scheduler HTTP client: one long-lived SUBSCRIBE stream (its own connection),
 * other calls on separate connections with the stream id, re-subscription with backoff and
 * the stored framework id, and a heartbeat watchdog. It only speaks Mesos; what to do with
 * the events is the scheduler's business.
 */
export class SchedulerClient extends EventEmitter<SchedulerClientEvents> {
  private masterUrl: string | null = null;
  private streamId: string | null = null;
  private frameworkId: string | null = null;
  private request: http.ClientRequest | null = null;
  private running = false;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private readonly watchdog: HeartbeatWatchdog;
  private readonly backoff: ReconnectBackoff;
  private readonly contentType: ContentType;
  private readonly callAgent = new http.Agent({ keepAlive: true, maxSockets: CALLS_IN_FLIGHT });
  private readonly slots = new CallSlots<QueuedCall>(CALLS_IN_FLIGHT, (queued) => void this.sendQueued(queued));
  private generation = 0;
  /** Keys of the queued calls not yet settled (sent, or given up). */
  private readonly queuedKeys = new Set<string>();
  /** Queued calls not sent because the same call was already waiting or on the wire. */
  coalescedCalls = 0;

  constructor(private readonly options: SchedulerClientOptions) {
    super();
    this.contentType = options.contentType ?? CONTENT_TYPE_JSON;
    this.backoff = options.backoff ?? new ReconnectBackoff();
    this.watchdog = new HeartbeatWatchdog(() => this.drop('no heartbeat for 5 intervals'));
  }

  get subscribed(): boolean {
    return this.streamId !== null;
  }

  get master(): string | null {
    return this.masterUrl;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.subscribe();
  }

  /** Closes the stream at once and sends nothing more (used when leadership is lost). */
  stop(): void {
    this.running = false;
    this.generation++;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.watchdog.stop();
    this.request?.destroy();
    this.request = null;
    this.streamId = null;
    this.callAgent.destroy();
  }

  /** Ends the current subscription and subscribes again after a backoff. */
  drop(why: string): void {
    if (!this.running) return;
    this.options.log.warn({ why, master: this.masterUrl }, 'mesos subscription lost; re-subscribing');
    this.generation++;
    this.watchdog.stop();
    this.request?.destroy();
    this.request = null;
    const wasSubscribed = this.streamId !== null;
    this.streamId = null;
    if (wasSubscribed) this.emit('disconnected', why);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (!this.running || this.reconnectTimer) return;
    const delay = this.backoff.nextDelayMs();
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      void this.subscribe();
    }, delay);
  }

  private async subscribe(): Promise<void> {
    const generation = ++this.generation;
    try {
      this.masterUrl = await this.options.detector.detect();
    } catch (err) {
      this.options.log.warn({ err: (err as Error).message }, 'no Mesos master found');
      this.scheduleReconnect();
      return;
    }
    if (generation !== this.generation || !this.running) return;
    const info = this.options.frameworkInfo();
    const call: SchedulerCall = { type: 'SUBSCRIBE', subscribe: { framework_info: info } };
    if (info.id) call.framework_id = info.id;
    this.openStream(call, generation, 0);
  }

  private openStream(call: SchedulerCall, generation: number, redirects: number): void {
    const body = encode('mesos.v1.scheduler.Call', call, this.contentType);
    const url = new URL('/api/v1/scheduler', this.masterUrl!);
    const transport = url.protocol === 'https:' ? https : http;
    // The stream gets a connection of its own: calls never queue behind it.
    const req = transport.request(url, {
      method: 'POST',
      agent: false,
      headers: { 'Content-Type': this.contentType, Accept: this.contentType, 'Content-Length': body.length },
    });
    this.request = req;
    req.on('response', (res) => {
      if (generation !== this.generation) {
        res.destroy();
        return;
      }
      if (res.statusCode === 307 && res.headers.location && redirects < MAX_REDIRECTS) {
        res.resume();
        this.masterUrl = resolveLocation(url.href, res.headers.location);
        this.openStream(call, generation, redirects + 1);
        return;
      }
      if (res.statusCode !== 200) {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          if (generation !== this.generation) return;
          this.drop(`SUBSCRIBE answered ${res.statusCode}: ${Buffer.concat(chunks).toString().slice(0, 300)}`);
        });
        return;
      }
      const streamId = res.headers['mesos-stream-id'];
      const decoder = new RecordIODecoder();
      res.on('data', (chunk: Buffer) => {
        if (generation !== this.generation) return;
        let records: Buffer[];
        try {
          records = decoder.push(chunk);
        } catch (err) {
          this.drop(`corrupt event stream: ${(err as Error).message}`);
          return;
        }
        for (const record of records) {
          if (generation !== this.generation) return;
          this.handleEvent(decode('mesos.v1.scheduler.Event', record, this.contentType), typeof streamId === 'string' ? streamId : null);
        }
      });
      res.on('end', () => {
        if (generation === this.generation) this.drop('master closed the event stream');
      });
      res.on('error', (err) => {
        if (generation === this.generation) this.drop(`event stream error: ${err.message}`);
      });
    });
    req.on('error', (err) => {
      if (generation === this.generation) this.drop(`SUBSCRIBE failed: ${err.message}`);
    });
    req.end(body);
  }

  private handleEvent(event: SchedulerEvent, streamId: string | null): void {
    this.watchdog.beat();
    switch (event.type) {
      case 'SUBSCRIBED': {
        const sub = event.subscribed!;
        this.streamId = streamId;
        this.frameworkId = sub.framework_id.value;
        this.backoff.reset();
        this.watchdog.start(sub.heartbeat_interval_seconds ?? 15);
        this.emit('subscribed', this.frameworkId, this.masterUrl!);
        break;
      }
      case 'OFFERS':
        this.emit('offers', event.offers?.offers ?? []);
        break;
      case 'RESCIND':
        if (event.rescind) this.emit('rescind', event.rescind.offer_id.value);
        break;
      case 'UPDATE':
        if (event.update) this.emit('update', event.update.status);
        break;
      case 'FAILURE':
        if (event.failure) this.emit('failure', event.failure);
        break;
      case 'MESSAGE':
        if (event.message) this.emit('message', event.message.agent_id.value, event.message.executor_id.value, event.message.data);
        break;
      case 'HEARTBEAT':
        this.emit('heartbeat');
        break;
      case 'ERROR':
        // Mesos sends ERROR when it drops the framework (e.g. the failover timeout passed).
        this.emit('error', event.error?.message ?? 'unknown error');
        this.drop(`master sent ERROR: ${event.error?.message ?? ''}`);
        break;
      default:
        break;
    }
  }

  /** Sends a call on its own connection; safe calls are retried, and 307s followed. */
  async call(call: SchedulerCall): Promise<void> {
    const attempts = isRetryable(call.type) ? CALL_ATTEMPTS : 1;
    let lastError: Error | null = null;
    for (let attempt = 0; attempt < attempts; attempt++) {
      if (!this.streamId || !this.frameworkId) throw new MesosCallError(`${call.type}: not subscribed`);
      try {
        await this.slots.acquire();
        await this.sendInSlot(call);
        return;
      } catch (err) {
        lastError = err as Error;
        if (!this.worthRetrying(call, err as Error)) break;
        await new Promise((r) => setTimeout(r, 200 * (attempt + 1)));
      }
    }
    throw lastError ?? new MesosCallError(`${call.type} failed`);
  }

  /**
   * Sends a call in its turn among the calls waiting for a slot, retried as `call` retries it,
   * with nobody waiting for the outcome (a failure is logged): ACKNOWLEDGE, which an agent
   * resends when it goes unanswered. While it waits it is only its body. Awaited instead, each
   * ACK of a burst held its caller's frames and promises, 2.8 KB apiece; 7,000 waited at once
   * at 10,000 tasks. In turn with the others, so a backlog of ACKs still holds back the
   * ACCEPTs queued after it, and launches keep the pace at which the master is answered.
   * With a `key`, a call whose key is still waiting or on the wire is counted, not queued.
   */
  callLater(call: SchedulerCall, key?: string): void {
    if (!this.streamId || !this.frameworkId) return;
    if (key !== undefined) {
      // An agent re-sends an update every 10 s (doubling) until its ACK arrives: behind a
      // backlog of 50,000 ACKs, each re-sent update queued one more, and the backlog fed itself.
      if (this.queuedKeys.has(key)) {
        this.coalescedCalls++;
        return;
      }
      this.queuedKeys.add(key);
    }
    this.slots.enqueue({ call, attempt: 0, key });
  }

  /** Calls waiting for a slot (callers and queued calls). */
  get waiting(): number {
    return this.slots.length;
  }

  /** How long the oldest waiting call has waited (ms; 0 with none). */
  get oldestWaitMs(): number {
    return this.slots.oldestWaitMs;
  }

  /** Sends a queued call in the slot it was given. */
  private async sendQueued(queued: QueuedCall): Promise<void> {
    const { call, attempt, key } = queued;
    try {
      await this.sendInSlot(call);
    } catch (err) {
      if (this.worthRetrying(call, err as Error) && attempt + 1 < (isRetryable(call.type) ? CALL_ATTEMPTS : 1)) {
        await new Promise((r) => setTimeout(r, 200 * (attempt + 1)));
        if (this.streamId && this.frameworkId) {
          this.slots.enqueue({ call, attempt: attempt + 1, key });
          return;
        }
      }
      this.options.log.debug({ call: call.type, err: (err as Error).message }, 'call failed; not sent again');
    }
    if (key !== undefined) this.queuedKeys.delete(key);
  }

  /** Sends in a slot already held, and frees the slot. */
  private async sendInSlot(call: SchedulerCall): Promise<void> {
    try {
      // The subscription may have ended while the call waited for a slot.
      if (!this.streamId || !this.frameworkId) throw new MesosCallError(`${call.type}: not subscribed`);
      await this.send({ ...call, framework_id: { value: this.frameworkId } }, 0);
    } finally {
      this.slots.release();
    }
  }

  /** After a failed attempt: whether another may succeed. A stale stream id or framework re-subscribes instead. */
  private worthRetrying(call: SchedulerCall, err: Error): boolean {
    const status = (err as MesosCallError).status;
    if (status === 400 || status === 403) {
      // A stale stream id or a framework the master no longer knows: re-subscribe.
      this.drop(`${call.type} answered ${status}: ${err.message}`);
      return false;
    }
    return status === undefined || status === 503;
  }

  private send(call: SchedulerCall, redirects: number): Promise<void> {
    const body = encode('mesos.v1.scheduler.Call', call, this.contentType);
    const url = new URL('/api/v1/scheduler', this.masterUrl!);
    return new Promise<void>((resolve, reject) => {
      const req = http.request(url, {
        method: 'POST',
        agent: this.callAgent,
        headers: {
          'Content-Type': this.contentType,
          Accept: this.contentType,
          'Content-Length': body.length,
          'Mesos-Stream-Id': this.streamId ?? '',
        },
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (status === 202 || status === 200) resolve();
          else if (status === 307 && res.headers.location && redirects < MAX_REDIRECTS) {
            this.masterUrl = resolveLocation(url.href, res.headers.location);
            this.send(call, redirects + 1).then(resolve, reject);
          } else {
            reject(new MesosCallError(`${call.type} answered ${status}: ${Buffer.concat(chunks).toString().slice(0, 300)}`, status));
          }
        });
        res.on('error', reject);
      });
      req.on('error', (err) => reject(new MesosCallError(`${call.type}: ${err.message}`)));
      req.end(body);
    });
  }
}
