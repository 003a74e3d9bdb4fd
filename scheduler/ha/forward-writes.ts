import http from 'node:http';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const FORWARDED = 'x-griddle-forwarded';
// Reads only the leader can answer: statistics come back from executors as framework messages,
// which Mesos delivers to the subscribed (leading) scheduler alone.
const LEADER_READS = /\/tasks\/task\/[^/]+\/statistics\/?$/;
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'host', 'content-length']);

export interface ForwardOptions {
  isLeader: () => boolean;
  /** The leader's API base URL (e.g. `http://10.0.0.7:7099`), or null while none is known. */
  leaderUrl: () => string | null;
  timeoutMs?: number;
}

/**
 * Express middleware for standbys: reads are served locally (but LEADER_READS), mutating requests are proxied to
 * the leader unchanged (path, query, headers, body) and its answer is passed back. Mount it
 * before any body parser; a body already parsed into JSON is re-serialized.
 */
export function forwardWritesToLeader(options: ForwardOptions): RequestHandler {
  return (req: Request, res: Response, next: NextFunction): void => {
    if ((SAFE_METHODS.has(req.method) && !LEADER_READS.test(req.path)) || options.isLeader()) {
      next();
      return;
    }
    const leader = options.leaderUrl();
    if (!leader || req.headers[FORWARDED]) {
      res.status(503).json({ message: 'no leader is available to accept writes; retry shortly' });
      return;
    }
    const target = new URL(req.originalUrl, leader);
    const headers: http.OutgoingHttpHeaders = {};
    for (const [k, v] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(k) && v !== undefined) headers[k] = v;
    headers[FORWARDED] = '1';
    const parsedBody: unknown = (req as { body?: unknown }).body;
    const preParsed = req.readableEnded && parsedBody !== undefined;
    let payload: Buffer | null = null;
    if (preParsed) {
      payload = Buffer.from(typeof parsedBody === 'string' ? parsedBody : JSON.stringify(parsedBody));
      headers['content-length'] = payload.length;
    } else if (req.headers['content-length']) {
      headers['content-length'] = req.headers['content-length'];
    }
    const upstream = http.request(target, { method: req.method, headers, timeout: options.timeoutMs ?? 30_000 }, (answer) => {
      res.status(answer.statusCode ?? 502);
      for (const [k, v] of Object.entries(answer.headers)) if (!HOP_BY_HOP.has(k) && v !== undefined) res.setHeader(k, v);
      answer.pipe(res);
    });
    upstream.on('timeout', () => upstream.destroy(new Error('leader did not answer in time')));
    upstream.on('error', (err) => {
      if (!res.headersSent) res.status(502).json({ message: `forwarding to the leader at ${leader} failed: ${err.message}` });
      else res.end();
    });
    if (preParsed) upstream.end(payload);
    else req.pipe(upstream);
  };
}
