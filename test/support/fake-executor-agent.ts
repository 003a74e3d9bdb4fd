/**
 * A small stand-in for a Mesos agent's executor endpoint (`POST /api/v1/executor`), built on
 * mesos-proto: SUBSCRIBE gets a RecordIO event stream (SUBSCRIBED, then queued events), UPDATE
 * gets 202 and, unless acks are held, an ACKNOWLEDGED event; MESSAGE gets 202 and its data is kept
 * (`message()` sends one the other way, as an agent passes on a framework message). It validates calls as an agent
 * does and records every call it received (raw bodies too) for assertions.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CONTENT_TYPE_JSON, contentTypeOf, decode, encode, encodeRecord, isValidUuidBase64,
  type ContentType, type ExecutorCall, type ExecutorEvent, type TaskInfo, type TaskStatus,
} from '../../mesos-proto';
import { until } from './kit';

export interface FakeAgentOptions {
  frameworkId: string;
  executorId: string;
  agentId?: string;
  /** Send ACKNOWLEDGED for updates (default true). */
  acknowledge?: boolean;
}

export class FakeExecutorAgent {
  port = 0;
  readonly subscribes: ExecutorCall[] = [];
  readonly updates: TaskStatus[] = [];
  /** The base64 `data` of every MESSAGE call, in arrival order. */
  readonly messages: string[] = [];
  readonly rawBodies: Buffer[] = [];
  readonly rejected: string[] = [];
  acknowledge: boolean;
  private server: http.Server | null = null;
  private stream: { res: http.ServerResponse; type: ContentType } | null = null;
  private queued: ExecutorEvent[] = [];

  constructor(private readonly options: FakeAgentOptions) {
    this.acknowledge = options.acknowledge ?? true;
  }

  get endpoint(): string {
    return `127.0.0.1:${this.port}`;
  }

  get agentId(): string {
    return this.options.agentId ?? 'fake-agent-S0';
  }

  async start(port = 0): Promise<void> {
    const server = http.createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
  }

  /** Closes the listener and every connection, as an agent that goes down. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    this.stream = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Sends an event now, or once the executor subscribes. */
  send(event: ExecutorEvent): void {
    if (this.stream) this.stream.res.write(encodeRecord(encode('mesos.v1.executor.Event', event, this.stream.type)));
    else this.queued.push(event);
  }

  launch(task: TaskInfo): void {
    this.send({ type: 'LAUNCH', launch: { task } });
  }

  /** A framework message from the scheduler (base64 `data`). */
  message(data: string): void {
    this.send({ type: 'MESSAGE', message: { data } });
  }

  kill(taskId: string, gracePeriodMs?: number): void {
    this.send({
      type: 'KILL',
      kill: { task_id: { value: taskId }, ...(gracePeriodMs !== undefined ? { kill_policy: { grace_period: { nanoseconds: gracePeriodMs * 1e6 } } } : {}) },
    });
  }

  /** Resolves when `predicate` holds over the updates received so far. */
  async waitFor(predicate: (updates: TaskStatus[]) => boolean, what: string, timeoutMs = 60_000): Promise<void> {
    await until(() => predicate(this.updates), () => `${what}; updates: ${JSON.stringify(this.updates.map((u) => [u.state, u.healthy, u.message]))}`, timeoutMs);
  }

  async waitForState(state: TaskStatus['state'], timeoutMs?: number): Promise<TaskStatus> {
    await this.waitFor((u) => u.some((s) => s.state === state), state, timeoutMs);
    return this.updates.find((s) => s.state === state) as TaskStatus;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      this.rawBodies.push(body);
      const type = contentTypeOf(req.headers['content-type']);
      const reject = (status: number, why: string) => {
        this.rejected.push(why);
        res.writeHead(status, { 'Content-Type': 'text/plain' }).end(why);
      };
      if (req.method !== 'POST' || req.url !== '/api/v1/executor') return reject(404, 'not found');
      if (!type) return reject(415, `unsupported Content-Type ${req.headers['content-type']}`);
      let call: ExecutorCall;
      try {
        call = decode('mesos.v1.executor.Call', body, type);
      } catch (err) {
        return reject(400, `Failed to validate executor::Call: ${(err as Error).message}`);
      }
      if (call.executor_id.value !== this.options.executorId || call.framework_id.value !== this.options.frameworkId) {
        return reject(400, 'unknown executor or framework');
      }
      if (call.type === 'SUBSCRIBE') {
        const accept = req.headers.accept;
        const streamType = !accept || accept === '*/*' ? CONTENT_TYPE_JSON : contentTypeOf(accept);
        if (!streamType) return reject(406, 'unsupported Accept');
        this.subscribes.push(call);
        res.writeHead(200, { 'Content-Type': streamType });
        this.stream = { res, type: streamType };
        res.on('close', () => {
          if (this.stream?.res === res) this.stream = null;
        });
        this.send({
          type: 'SUBSCRIBED',
          subscribed: {
            executor_info: { executor_id: { value: this.options.executorId }, type: 'CUSTOM', command: { value: 'griddle-executor' } },
            framework_info: { user: 'root', name: 'griddle', id: { value: this.options.frameworkId }, checkpoint: true, capabilities: [{ type: 'TASK_KILLING_STATE' }] },
            agent_info: { hostname: '127.0.0.1', id: { value: this.agentId }, port: this.port },
          },
        });
        for (const event of this.queued.splice(0)) this.send(event);
        return;
      }
      if (!this.stream) return reject(403, 'Executor is not subscribed');
      if (call.type === 'UPDATE') {
        const status = call.update?.status;
        if (!status || !isValidUuidBase64(status.uuid)) return reject(400, 'status.uuid must be a valid RFC 4122 UUID');
        if (status.source !== 'SOURCE_EXECUTOR') return reject(400, 'status.source must be SOURCE_EXECUTOR');
        if (status.state === 'TASK_STAGING') return reject(400, 'TASK_STAGING is not a valid update');
        this.updates.push(status);
        res.writeHead(202).end();
        if (this.acknowledge) this.send({ type: 'ACKNOWLEDGED', acknowledged: { task_id: status.task_id, uuid: status.uuid as string } });
        return;
      }
      if (call.type === 'MESSAGE') {
        if (!call.message?.data) return reject(400, "Expecting 'message' to be present");
        this.messages.push(call.message.data);
      }
      res.writeHead(202).end();
    });
  }
}
