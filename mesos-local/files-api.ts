/**
 * The agent's sandbox file endpoints, `/files/read`, `/files/browse` and `/files/download`, in Mesos's shapes.
 * Only paths under the agent's work directory are served.
 */
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type http from 'node:http';
import { reply, replyJson } from './http-call';

const DEFAULT_READ_LENGTH = 4 * 1024 * 1024;

export async function serveFiles(root: string, url: URL, res: http.ServerResponse): Promise<boolean> {
  const route = url.pathname.replace(/^\/files/, '');
  if (!['/read', '/read.json', '/browse', '/browse.json', '/download', '/download.json'].includes(route)) return false;
  const requested = url.searchParams.get('path');
  if (!requested) {
    reply(res, 400, "Expecting 'path=value' in query");
    return true;
  }
  const resolved = await resolveUnder(root, requested);
  if (!resolved) {
    reply(res, 404, 'No such file or directory');
    return true;
  }
  if (route.startsWith('/browse')) {
    const stat = await fs.stat(resolved);
    if (!stat.isDirectory()) {
      reply(res, 404, 'Not a directory');
      return true;
    }
    const names = await fs.readdir(resolved);
    const entries = await Promise.all(names.map(async (name) => {
      const full = path.join(resolved, name);
      const st = await fs.stat(full).catch(() => null);
      if (!st) return null;
      return {
        path: path.join(requested, name),
        nlink: st.nlink,
        size: st.size,
        mtime: Math.floor(st.mtimeMs / 1000),
        mode: modeString(st.mode, st.isDirectory()),
        uid: String(st.uid),
        gid: String(st.gid),
      };
    }));
    replyJson(res, entries.filter((e) => e !== null));
    return true;
  }
  if (route.startsWith('/download')) {
    await download(resolved, res);
    return true;
  }
  const offsetText = url.searchParams.get('offset');
  const lengthText = url.searchParams.get('length');
  const offset = offsetText === null ? 0 : Number(offsetText);
  const length = lengthText === null ? DEFAULT_READ_LENGTH : Number(lengthText);
  if (!Number.isInteger(offset) || offset < -1) {
    reply(res, 400, "Failed to parse offset: expecting a non-negative integer or -1");
    return true;
  }
  if (!Number.isInteger(length) || length < -1) {
    reply(res, 400, "Failed to parse length: expecting a non-negative integer");
    return true;
  }
  const stat = await fs.stat(resolved);
  if (stat.isDirectory()) {
    reply(res, 400, 'Cannot read a directory');
    return true;
  }
  if (offset === -1) {
    replyJson(res, { data: '', offset: stat.size });
    return true;
  }
  const want = Math.max(0, Math.min(length === -1 ? DEFAULT_READ_LENGTH : length, stat.size - offset));
  const buffer = Buffer.alloc(want);
  const handle = await fs.open(resolved, 'r');
  try {
    const { bytesRead } = await handle.read(buffer, 0, want, offset);
    replyJson(res, { data: buffer.subarray(0, bytesRead).toString('utf8'), offset });
  } finally {
    await handle.close();
  }
  return true;
}

/** The whole file as an attachment, as Mesos's `/files/download` sends it. */
async function download(file: string, res: http.ServerResponse): Promise<void> {
  const stat = await fs.stat(file);
  if (stat.isDirectory()) {
    reply(res, 400, 'Cannot download a directory');
    return;
  }
  res.writeHead(200, {
    'content-type': 'application/octet-stream',
    'content-length': stat.size,
    'content-disposition': `attachment; filename=${path.basename(file)}`,
  });
  if (stat.size === 0) {
    res.end();
    return;
  }
  // A file still being written is sent up to the size it had: the length promised above.
  await new Promise<void>((resolve, reject) => {
    createReadStream(file, { start: 0, end: stat.size - 1 })
      .on('error', reject).on('end', resolve).pipe(res);
  });
}

async function resolveUnder(root: string, requested: string): Promise<string | null> {
  const real = await fs.realpath(requested).catch(() => null);
  const realRoot = await fs.realpath(root).catch(() => root);
  if (!real) return null;
  if (real !== realRoot && !real.startsWith(realRoot + path.sep)) return null;
  return real;
}

function modeString(mode: number, dir: boolean): string {
  const bits = 'rwxrwxrwx';
  let out = dir ? 'd' : '-';
  for (let i = 0; i < 9; i++) out += mode & (1 << (8 - i)) ? bits[i] : '-';
  return out;
}
