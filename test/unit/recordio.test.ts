import { encodeRecord, RecordIODecoder, RecordIOError } from '../../mesos-proto';

const UPSTREAM = ['hello!', '', ' ', '13 characters'];
const WIRE = '6\nhello!0\n1\n 13\n13 characters';

describe('RecordIO', () => {
  it('encodes the upstream vectors', () => {
    expect(Buffer.concat(UPSTREAM.map((r) => encodeRecord(r))).toString()).toBe(WIRE);
  });

  it('decodes the upstream stream in one chunk', () => {
    const d = new RecordIODecoder();
    expect(d.push(Buffer.from(WIRE)).map((b) => b.toString())).toEqual(UPSTREAM);
    expect(d.idle).toBe(true);
  });

  it('decodes the upstream stream fed one byte at a time', () => {
    const d = new RecordIODecoder();
    const out: string[] = [];
    for (const byte of Buffer.from(WIRE)) out.push(...d.push(Buffer.from([byte])).map((b) => b.toString()));
    expect(out).toEqual(UPSTREAM);
  });

  it.each([2, 3, 5, 7])('decodes any chunking (chunks of %i bytes)', (size) => {
    const wire = Buffer.from(WIRE);
    const d = new RecordIODecoder();
    const out: string[] = [];
    for (let i = 0; i < wire.length; i += size) out.push(...d.push(wire.subarray(i, i + size)).map((b) => b.toString()));
    expect(out).toEqual(UPSTREAM);
  });

  it('keeps a partial record pending', () => {
    const d = new RecordIODecoder();
    expect(d.push(Buffer.from('10\nabc'))).toEqual([]);
    expect(d.idle).toBe(false);
    expect(d.push(Buffer.from('defghij')).map(String)).toEqual(['abcdefghij']);
  });

  it('fails permanently on a non-numeric length', () => {
    const d = new RecordIODecoder();
    expect(() => d.push(Buffer.from('x1\nabc'))).toThrow(RecordIOError);
    expect(() => d.push(Buffer.from('1\na'))).toThrow(RecordIOError);
  });
});
