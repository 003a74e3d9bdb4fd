import { ApiError } from '../api/api-client';
import { readSandboxChunk } from '../api/views';
import type { CommandContext } from './context';

export type SandboxFile = 'stdout' | 'stderr';

const SANDBOX_PIECE = 50_000;

/**
 * The last `maxBytes` of a task's sandbox file. Mesos's `/files/read` answers `offset=-1` with
 * the file's size; an API that does not support that gets Nmesos's plain read from 0.
 */
export async function readSandboxTail(ctx: CommandContext, taskId: string, file: string, maxBytes = 16_384): Promise<{ data: string; end: number }> {
  const path = `/sandbox/${encodeURIComponent(taskId)}/read`;
  let size: number | undefined;
  try {
    const probe = readSandboxChunk(await ctx.api.get(path, { path: file, offset: -1 }));
    if (probe.data === '') size = probe.offset;
  } catch (e) {
    if (!(e instanceof ApiError) || e.kind !== 'client') throw e;
  }
  if (size === undefined) {
    // No size to start from: read forward in pieces, keeping the end.
    let tail = '';
    let offset = 0;
    for (let piece = 0; piece < 200; piece++) {
      const chunk = readSandboxChunk(await ctx.api.get(path, { path: file, offset, length: SANDBOX_PIECE }));
      tail = (tail + chunk.data).slice(-maxBytes);
      offset = chunk.offset + Buffer.byteLength(chunk.data);
      if (Buffer.byteLength(chunk.data) < SANDBOX_PIECE) break;
    }
    return { data: tail, end: offset };
  }
  const offset = Math.max(0, size - maxBytes);
  const chunk = readSandboxChunk(await ctx.api.get(path, { path: file, offset, length: size - offset }));
  return { data: chunk.data, end: chunk.offset + Buffer.byteLength(chunk.data) };
}

/** New bytes of a sandbox file from `offset` on. */
export async function readSandboxFrom(ctx: CommandContext, taskId: string, file: string, offset: number): Promise<{ data: string; end: number }> {
  const chunk = readSandboxChunk(await ctx.api.get(`/sandbox/${encodeURIComponent(taskId)}/read`, { path: file, offset, length: 65_536 }));
  return { data: chunk.data, end: chunk.offset + Buffer.byteLength(chunk.data) };
}

/** The last `lines` lines of a text. */
export function lastLines(text: string, lines: number): string[] {
  const all = text.replace(/\n$/, '').split('\n');
  return text === '' ? [] : all.slice(-lines);
}
