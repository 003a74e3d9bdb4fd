import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { runInWriteScope, WriteScope } from '../state';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** `res.end`'s overloads, as one signature that forwards whatever the caller passed. */
type EndArgs = unknown[];

/**
 * A 2xx answer to a mutating request means "stored": the scheduler's writes are queued, not
 * awaited (putDeploy, putRequest... return at once), so without this a leader killed right
 * after answering loses what it acknowledged. The response is held at `res.end` (which
 * `res.json`/`res.send` end in, before any byte is written) until `flush()` resolves; if it
 * rejects, the client gets 503 instead, and the write stays queued for the store's own retry.
 * Errors (4xx/5xx) pass at once: they acknowledge nothing. The handler runs in a WriteScope,
 * so the answer waits for the request's own writes, not for every launch queued before them.
 */
export function durableWrites(flushWrites: (scope: WriteScope) => Promise<void>): RequestHandler {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (SAFE_METHODS.has(req.method)) {
      next();
      return;
    }
    const scope = new WriteScope();
    const end = res.end.bind(res) as unknown as (...args: EndArgs) => Response;
    let held = false;
    res.end = ((...args: EndArgs): Response => {
      if (held || res.statusCode < 200 || res.statusCode >= 300) {
        scope.open = false;
        return end(...args);
      }
      held = true;
      flushWrites(scope).then(() => end(...args), (err: unknown) => {
        const message = JSON.stringify({ message: `state store unavailable: ${err instanceof Error ? err.message : String(err)}; retry` });
        // Headers are not sent yet: the original answer's length and validators no longer apply.
        for (const h of ['content-length', 'etag', 'content-encoding']) res.removeHeader(h);
        res.statusCode = 503;
        res.setHeader('content-type', 'application/json; charset=utf-8');
        res.setHeader('content-length', Buffer.byteLength(message));
        end(message);
      });
      return res;
    }) as unknown as Response['end'];
    runInWriteScope(scope, next);
  };
}
