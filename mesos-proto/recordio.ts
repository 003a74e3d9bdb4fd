/**
 * RecordIO framing as Mesos streams it: `<decimal byte length>\n<record bytes>`, records back
 * to back. Chunk boundaries on the wire are arbitrary, so the decoder keeps partial state.
 */

export function encodeRecord(record: Buffer | string): Buffer {
  const body = typeof record === 'string' ? Buffer.from(record) : record;
  return Buffer.concat([Buffer.from(`${body.length}\n`), body]);
}

export class RecordIOError extends Error {}

/** Longest length prefix we accept; a 20-digit number would already be over 2^64. */
const MAX_HEADER_DIGITS = 20;

export class RecordIODecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private expected: number | null = null;
  private failed: RecordIOError | null = null;

  /** Feeds bytes and returns every record they complete. Throws once the stream is corrupt. */
  push(chunk: Buffer): Buffer[] {
    if (this.failed) throw this.failed;
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
    const records: Buffer[] = [];
    for (;;) {
      if (this.expected === null) {
        const header = this.readHeader();
        if (header === null) break;
        this.expected = header;
      }
      if (this.buffered < this.expected) break;
      records.push(this.take(this.expected));
      this.expected = null;
    }
    return records;
  }

  /** True when no partial record is pending (a clean end of stream). */
  get idle(): boolean {
    return this.expected === null && this.buffered === 0;
  }

  private readHeader(): number | null {
    const all = this.flatten();
    const newline = all.indexOf(0x0a);
    if (newline === -1) {
      if (all.length > MAX_HEADER_DIGITS || !/^\d*$/.test(all.toString('latin1'))) {
        this.fail(`invalid record length '${all.toString('latin1').slice(0, 32)}'`);
      }
      return null;
    }
    const text = all.subarray(0, newline).toString('latin1');
    if (!/^\d+$/.test(text) || text.length > MAX_HEADER_DIGITS) {
      this.fail(`invalid record length '${text.slice(0, 32)}'`);
    }
    this.take(newline + 1);
    return Number(text);
  }

  private fail(message: string): never {
    this.failed = new RecordIOError(message);
    throw this.failed;
  }

  private flatten(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0] ?? Buffer.alloc(0);
  }

  private take(n: number): Buffer {
    const all = this.flatten();
    const out = all.subarray(0, n);
    const rest = all.subarray(n);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.buffered = rest.length;
    return Buffer.from(out);
  }
}
