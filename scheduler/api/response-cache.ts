import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { Request, Response } from 'express';

const GZIP_MIN_BYTES = 32 * 1024;
const MAX_ENTRIES = 64;
const gzip = promisify(zlib.gzip);

/**
 * Large lists are built once per state change and served from a buffer; clients that accept
 * gzip (Nmesos's HTTP client does) get a copy compressed once, off the event loop.
 */
export class ResponseCache {
  private version = 0;
  private readonly entries = new Map<string, { version: number; body: Buffer; gzip?: Promise<Buffer> }>();

  /** `trusted` is false on a standby: its maps are reloaded from the store without events. */
  constructor(private readonly trusted: () => boolean) {}

  invalidate(): void {
    this.version++;
  }

  /** Moves on every state change: whatever was built at an older version is stale. */
  get stateVersion(): number {
    return this.version;
  }

  handler(key: string, build: () => unknown) {
    return async (req: Request, res: Response): Promise<void> => {
      let hit = this.entries.get(key);
      if (!hit || hit.version !== this.version || !this.trusted()) {
        const built = build();
        const body = Buffer.isBuffer(built) ? built : Buffer.from(typeof built === 'string' ? built : JSON.stringify(built));
        hit = { version: this.version, body };
        // Keys carry callers' property lists: keep the map small whatever they send.
        if (this.entries.size >= MAX_ENTRIES && !this.entries.has(key)) this.entries.delete(this.entries.keys().next().value as string);
        this.entries.set(key, hit);
      }
      res.type('application/json').vary('Accept-Encoding');
      if (hit.body.length >= GZIP_MIN_BYTES && req.acceptsEncodings('gzip') === 'gzip') {
        hit.gzip ??= gzip(hit.body, { level: 1 });
        res.set('Content-Encoding', 'gzip').send(await hit.gzip);
        return;
      }
      res.send(hit.body);
    };
  }
}
