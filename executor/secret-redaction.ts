/**
 * Keeps resolved secret values out of everything the executor writes: container output copied
 * into the sandbox and the log tail put into a status message. Works on latin1 strings so
 * that a multi-byte character split across chunks still matches byte for byte.
 */
import { Transform, type TransformCallback } from 'node:stream';

export const REDACTED = '[redacted]';

function toBinary(values: Iterable<string>): string[] {
  return [...new Set([...values].filter((v) => v.length > 0))]
    .map((v) => Buffer.from(v, 'utf8').toString('latin1'))
    .sort((a, b) => b.length - a.length);
}

function replaceAll(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) out = out.split(secret).join(REDACTED);
  return out;
}

export function redact(text: string, values: Iterable<string>): string {
  const secrets = toBinary(values);
  if (secrets.length === 0) return text;
  return Buffer.from(replaceAll(Buffer.from(text, 'utf8').toString('latin1'), secrets), 'latin1').toString('utf8');
}

/** A stream that replaces secret values, holding back just enough bytes to catch one split across chunks. */
export class RedactingStream extends Transform {
  private readonly secrets: string[];
  private readonly holdBack: number;
  private carry = '';

  constructor(values: Iterable<string>) {
    super();
    this.secrets = toBinary(values);
    this.holdBack = Math.max(0, (this.secrets[0]?.length ?? 0) - 1);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    if (this.secrets.length === 0) {
      done(null, chunk);
      return;
    }
    const text = replaceAll(this.carry + chunk.toString('latin1'), this.secrets);
    const cut = text.length - this.partialMatchLength(text);
    this.carry = text.slice(cut);
    done(null, cut > 0 ? Buffer.from(text.slice(0, cut), 'latin1') : undefined);
  }

  /** Length of the longest tail of `text` that begins some secret (it may complete in the next chunk). */
  private partialMatchLength(text: string): number {
    for (let k = Math.min(this.holdBack, text.length); k > 0; k--) {
      const tail = text.slice(text.length - k);
      if (this.secrets.some((s) => s.startsWith(tail))) return k;
    }
    return 0;
  }

  override _flush(done: TransformCallback): void {
    done(null, this.carry ? Buffer.from(replaceAll(this.carry, this.secrets), 'latin1') : undefined);
  }
}

/** The last `maxBytes` of a task's (already redacted) output, for the message of a failed task. */
export class OutputTail {
  private chunks: Buffer[] = [];
  private size = 0;

  constructor(private readonly maxBytes: number) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.chunks.length > 1 && this.size - this.chunks[0].length >= this.maxBytes) {
      this.size -= this.chunks[0].length;
      this.chunks.shift();
    }
  }

  text(): string {
    const all = Buffer.concat(this.chunks);
    const cut = all.length > this.maxBytes;
    // Cut on a character boundary: skip UTF-8 continuation bytes at the start of the tail.
    let start = cut ? all.length - this.maxBytes : 0;
    while (cut && start < all.length && (all[start] & 0xc0) === 0x80) start++;
    const text = all.subarray(start).toString('utf8').trim();
    return cut ? `…${text}` : text;
  }
}
