/**
 * The HTTP plumbing both Mesos endpoints share (master's /api/v1/scheduler and the agent's
 * /api/v1/executor): the Content-Type and Accept rules, body decoding with Mesos's error
 * texts, RecordIO event streams and plain replies.
 */
import type http from 'node:http';
import {
  CONTENT_TYPE_JSON, CONTENT_TYPE_PROTOBUF, contentTypeOf, decode, encode, encodeRecord, MesosDecodeError,
  type ContentType, type MessageName, type MessageTypes,
} from '../mesos-proto';

export class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly headers: Record<string, string> = {}) {
    super(message);
  }
}

const MAX_BODY_BYTES = 64 * 1024 * 1024;

export function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new HttpError(413, 'Request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Decodes a call body by its Content-Type, with the status codes and messages Mesos uses. */
export function decodeCall<K extends MessageName>(req: http.IncomingMessage, body: Buffer, name: K): { call: MessageTypes[K]; contentType: ContentType } {
  const header = req.headers['content-type'];
  if (header === undefined) throw new HttpError(400, "Expecting 'Content-Type' to be present");
  const contentType = contentTypeOf(header);
  if (!contentType) {
    throw new HttpError(415, `Expecting 'Content-Type' of ${CONTENT_TYPE_JSON} or ${CONTENT_TYPE_PROTOBUF}`);
  }
  try {
    return { call: decode(name, body, contentType), contentType };
  } catch (err) {
    if (err instanceof MesosDecodeError) {
      const prefix = contentType === CONTENT_TYPE_PROTOBUF ? 'Failed to parse body into Call protobuf' : 'Failed to convert JSON into Call protobuf';
      throw new HttpError(400, err.message.startsWith('Failed to parse body into JSON') ? err.message : `${prefix}: ${err.message}`);
    }
    throw err;
  }
}

/** The stream's content type from Accept (absent or a wildcard means JSON), or 406. */
export function negotiateAccept(req: http.IncomingMessage): ContentType {
  const header = req.headers.accept;
  if (header === undefined || header.trim() === '') return CONTENT_TYPE_JSON;
  const ranges = header.split(',').map((part) => {
    const [type, ...params] = part.trim().split(';').map((s) => s.trim());
    const q = params.find((p) => p.startsWith('q='));
    return { type: type.toLowerCase(), q: q ? Number(q.slice(2)) : 1 };
  });
  const accepts = (mediaType: string): boolean => {
    const [major] = mediaType.split('/');
    return ranges.some((r) => r.q > 0 && (r.type === mediaType || r.type === `${major}/*` || r.type === '*/*'));
  };
  if (accepts(CONTENT_TYPE_JSON)) return CONTENT_TYPE_JSON;
  if (accepts(CONTENT_TYPE_PROTOBUF)) return CONTENT_TYPE_PROTOBUF;
  throw new HttpError(406, `Expecting 'Accept' to allow '${CONTENT_TYPE_PROTOBUF}' or '${CONTENT_TYPE_JSON}'`);
}

export function reply(res: http.ServerResponse, status: number, body = '', headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const payload = Buffer.from(body);
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': String(payload.length), ...headers });
  res.end(payload);
}

/** Mesos's API endpoints take POST only; anything else gets its 405. Returns true when refused. */
export function refuseUnlessPost(req: http.IncomingMessage, res: http.ServerResponse): boolean {
  if (req.method === 'POST') return false;
  req.resume();
  reply(res, 405, `Expecting one of { 'POST' }, but received '${req.method}'`, { Allow: 'POST' });
  return true;
}

export function replyJson(res: http.ServerResponse, value: unknown, status = 200): void {
  const payload = Buffer.from(JSON.stringify(value));
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': String(payload.length) });
  res.end(payload);
}

export function replyError(res: http.ServerResponse, err: unknown): void {
  if (err instanceof HttpError) reply(res, err.status, err.message, err.headers);
  else reply(res, 500, (err as Error).message ?? String(err));
}

/** A RecordIO event stream on an HTTP response (200, chunked). */
export class EventStream<K extends MessageName> {
  private closed = false;

  constructor(
    private readonly res: http.ServerResponse,
    private readonly name: K,
    readonly contentType: ContentType,
    headers: Record<string, string> = {},
  ) {
    res.writeHead(200, { 'Content-Type': contentType, 'Cache-Control': 'no-cache', ...headers });
    res.flushHeaders();
    res.socket?.setNoDelay(true);
  }

  get isClosed(): boolean {
    return this.closed || this.res.destroyed || this.res.writableEnded;
  }

  send(event: MessageTypes[K]): void {
    if (this.isClosed) return;
    this.res.write(encodeRecord(encode(this.name, event, this.contentType)));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (!this.res.writableEnded) this.res.end();
  }

  onClose(fn: () => void): void {
    this.res.on('close', fn);
  }
}
