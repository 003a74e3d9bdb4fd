/**
 * The executor's HTTP link to its agent: `POST /api/v1/executor`, SUBSCRIBE as a RecordIO
 * stream of events and every other call on its own request (202 expected), in the content
 * type configured.
 */
import http from 'node:http';
import {
  RecordIODecoder, decode, encode, type ContentType, type ExecutorCall, type ExecutorEvent,
} from '../mesos-proto';

const KEEPALIVE_IDLE_MS = 30_000;

export class AgentCallError extends Error {
  constructor(message: string, readonly status?: number) {
    super(message);
  }
}

export interface AgentConnectionOptions {
  endpoint: string;
  contentType: ContentType;
  authToken?: string;
}

export interface Subscription {
  /** Resolves when the stream ends, with the reason. */
  closed: Promise<string>;
  close(reason?: string): void;
}

export class AgentConnection {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  private readonly url: URL;

  constructor(private readonly options: AgentConnectionOptions) {
    this.url = new URL(`http://${options.endpoint}/api/v1/executor`);
  }

  private headers(body: Buffer, subscribe: boolean): http.OutgoingHttpHeaders {
    const headers: http.OutgoingHttpHeaders = {
      'Content-Type': this.options.contentType,
      'Content-Length': body.length,
    };
    if (subscribe) headers.Accept = this.options.contentType;
    if (this.options.authToken) headers.Authorization = `Bearer ${this.options.authToken}`;
    return headers;
  }

  /**
   * Opens the event stream; resolves once the agent answered 200, rejects when it has not
   * answered within `answerTimeoutMs` (an agent that accepts connections and never answers,
   * stopped or hung, would otherwise hold the resubscribe loop and its recovery timeout forever).
   */
  subscribe(call: ExecutorCall, onEvent: (event: ExecutorEvent) => void, answerTimeoutMs = 10_000): Promise<Subscription> {
    const body = encode('mesos.v1.executor.Call', call, this.options.contentType);
    return new Promise((resolve, reject) => {
      const req = http.request(this.url, { method: 'POST', headers: this.headers(body, true) }, (res) => {
        clearTimeout(answerTimer);
        if (res.statusCode !== 200) {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => (text += d));
          res.on('end', () => reject(new AgentCallError(`SUBSCRIBE answered ${res.statusCode}: ${text.trim()}`, res.statusCode)));
          return;
        }
        const decoder = new RecordIODecoder();
        let endReason = 'stream ended';
        // The destroyed response then reports 'aborted'; the reason given to close() wins.
        let closeReason: string | undefined;
        const closed = new Promise<string>((done) => {
          res.on('data', (chunk: Buffer) => {
            try {
              for (const record of decoder.push(chunk)) onEvent(decode('mesos.v1.executor.Event', record, this.options.contentType));
            } catch (err) {
              endReason = `bad event stream: ${(err as Error).message}`;
              req.destroy();
            }
          });
          res.on('close', () => done(closeReason ?? endReason));
          res.on('error', (err) => {
            endReason = err.message;
          });
        });
        resolve({
          closed,
          close: (reason) => {
            closeReason ??= reason;
            req.destroy();
          },
        });
      });
      const answerTimer = setTimeout(() => req.destroy(new Error(`no answer within ${answerTimeoutMs} ms`)), answerTimeoutMs);
      // With the heartbeat watchdog off, the kernel's keepalive is what notices a vanished host.
      req.on('socket', (socket) => socket.setKeepAlive(true, KEEPALIVE_IDLE_MS));
      req.on('error', (err) => {
        clearTimeout(answerTimer);
        reject(new AgentCallError(`SUBSCRIBE to ${this.options.endpoint} failed: ${err.message}`));
      });
      req.end(body);
    });
  }

  call(call: ExecutorCall): Promise<void> {
    const body = encode('mesos.v1.executor.Call', call, this.options.contentType);
    return new Promise((resolve, reject) => {
      const req = http.request(this.url, { method: 'POST', agent: this.agent, headers: this.headers(body, false), timeout: 30_000 }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => {
          if (res.statusCode === 202) resolve();
          else reject(new AgentCallError(`${call.type} answered ${res.statusCode}: ${text.trim()}`, res.statusCode));
        });
      });
      req.on('timeout', () => req.destroy(new Error('timed out')));
      req.on('error', (err) => reject(new AgentCallError(`${call.type} to ${this.options.endpoint} failed: ${err.message}`)));
      req.end(body);
    });
  }

  destroy(): void {
    this.agent.destroy();
  }
}
