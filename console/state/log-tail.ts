/** The tail of a sandbox file as the Task page follows it: appended chunks, capped at `max` characters. */
export interface LogTail { text: string; nextOffset: number; truncated: boolean }

export const TAIL_BYTES = 20_000;

/** Where to start reading a file of `size` bytes so that only its tail is fetched. */
export const tailStart = (size: number, bytes = TAIL_BYTES): number => Math.max(0, size - bytes);

export function appendChunk(tail: LogTail, chunk: { data: string; offset: number; nextOffset: number }, max = 200_000): LogTail {
  // A chunk from another offset (a restarted read, a truncated file) replaces the text.
  const base = chunk.offset === tail.nextOffset ? tail.text : '';
  const text = base + chunk.data;
  const cut = text.length > max;
  return { text: cut ? text.slice(text.length - max) : text, nextOffset: chunk.nextOffset, truncated: tail.truncated || cut || (base === '' && chunk.offset > 0) };
}
