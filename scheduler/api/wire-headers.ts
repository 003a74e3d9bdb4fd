import type { ServerResponse } from 'node:http';
import type { NextFunction, Request, Response } from 'express';

const FIXED = Symbol('griddle.wireHeaders');
type Fixable = ServerResponse & { [FIXED]?: true };

/**
 * Singularity's answers carry `Content-Type: application/json` exactly, and its web UI parses a
 * body as JSON only for the content types Singularity sends; express appends `; charset=utf-8`
 * to every JSON or string body (`res.json`, `res.send`, `res.type`). Express also adds a weak
 * `W/"…"` ETag to bodies, which Singularity never sends and its Java client would try to read
 * as an integer. This middleware fixes both where every answer passes, as its headers are
 * written: whatever wrote the body (a resource, the error handler, the response cache).
 * Idempotent, so the app and the API router may both mount it.
 */
export function singularityWireHeaders(_req: Request, res: Response, next: NextFunction): void {
  const raw = res as Fixable;
  if (!raw[FIXED]) {
    raw[FIXED] = true;
    const writeHead = raw.writeHead.bind(raw) as (...args: unknown[]) => ServerResponse;
    raw.writeHead = ((...args: unknown[]) => {
      fixHeaders(raw);
      return writeHead(...args);
    }) as ServerResponse['writeHead'];
  }
  next();
}

function fixHeaders(res: ServerResponse): void {
  const type = res.getHeader('content-type');
  if (typeof type === 'string' && /^application\/json\s*;\s*charset=utf-8$/i.test(type)) res.setHeader('content-type', 'application/json');
  const etag = res.getHeader('etag');
  if (typeof etag === 'string' && etag.startsWith('W/')) res.removeHeader('etag');
}
