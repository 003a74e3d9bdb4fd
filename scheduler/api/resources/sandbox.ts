import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { Router } from 'express';
import * as z from 'zod';
import { type ApiContext, idParam } from '../api-context';
import { badRequest, notFound, parseInput } from '../http-errors';
import { isTaskId } from '../ids';
import { boolString, intString } from '../params';

const sandboxPath = z.string().min(1).max(1000)
  .regex(/^[A-Za-z0-9_.\-/]+$/, 'must be a file name inside the sandbox such as "stdout" or "stderr"')
  .refine((p) => !p.startsWith('/') && !p.split('/').includes('..'), 'must be relative to the sandbox (no leading "/", no "..")');

export const sandboxQuerySchema = z.object({
  path: sandboxPath,
  grep: z.string().max(200).optional(),
  offset: intString(0, 1e9).optional(),
  length: intString(0, 10_000_000).optional(),
});

export const downloadQuerySchema = z.object({ path: sandboxPath, view: boolString.optional() });

// Singularity strips trailing slashes; no path (or '') is the sandbox root.
export const browseQuerySchema = z.object({
  path: z.string().max(1000).transform((p) => p.replace(/\/+$/, '')).pipe(z.union([z.literal(''), sandboxPath])).optional(),
});

/** The `grep` of a read, a regular expression as in Singularity (JavaScript's syntax here). */
function grepPattern(grep: string): RegExp {
  try {
    return new RegExp(grep);
  } catch (err) {
    throw badRequest(`grep: not a regular expression: ${(err as Error).message}`, [{ field: 'grep', message: 'not a regular expression' }]);
  }
}

/**
 * The chunk's lines that match, each ending in a newline, as Singularity filters them; the
 * offsets stay the chunk's, so the next read continues after the whole chunk.
 */
export function grepLines(data: string, pattern: RegExp): string {
  return data.split('\n').filter((line) => pattern.test(line)).map((line) => `${line}\n`).join('');
}

/**
 * `/sandbox`: Singularity's SandboxResource, through the agent's `/files/read` and `/files/browse`;
 * and Griddle's `download` (the whole file, through `/files/download`), where the `/logs`
 * listings' URLs point: `view=true` shows it as text, else it is an attachment.
 */
export function registerSandbox(router: Router, ctx: ApiContext): void {
  router.get('/sandbox/:taskId/read', async (req, res) => {
    const taskId = idParam(req, 'taskId', isTaskId, 'task');
    const q = parseInput(sandboxQuerySchema, req.query);
    const t = ctx.anyTask(taskId);
    if (!t) throw notFound(`task ${taskId} is unknown`);
    const pattern = q.grep ? grepPattern(q.grep) : undefined;
    const chunk = await ctx.sandbox.read(t, q.path, q.offset ?? 0, q.length ?? 50_000);
    res.json(pattern ? { ...chunk, data: grepLines(chunk.data, pattern) } : chunk);
  });
  router.get('/sandbox/:taskId/browse', async (req, res) => {
    const taskId = idParam(req, 'taskId', isTaskId, 'task');
    const q = parseInput(browseQuerySchema, req.query);
    const t = ctx.anyTask(taskId);
    if (!t) throw notFound(`task ${taskId} is unknown`);
    res.json(await ctx.sandbox.browse(t, q.path ?? ''));
  });
  router.get('/sandbox/:taskId/download', async (req, res) => {
    const taskId = idParam(req, 'taskId', isTaskId, 'task');
    const q = parseInput(downloadQuerySchema, req.query);
    const t = ctx.anyTask(taskId);
    if (!t) throw notFound(`task ${taskId} is unknown`);
    const upstream = await ctx.sandbox.download(t, q.path);
    const name = q.path.slice(q.path.lastIndexOf('/') + 1);
    res.status(200);
    res.setHeader('content-type', q.view ? 'text/plain; charset=utf-8' : 'application/octet-stream');
    res.setHeader('content-disposition', `${q.view ? 'inline' : 'attachment'}; filename="${name}"`);
    const length = upstream.headers.get('content-length');
    if (length) res.setHeader('content-length', length);
    const stream = Readable.fromWeb(upstream.body as WebReadableStream<Uint8Array>);
    stream.on('error', () => res.destroy());
    stream.pipe(res);
  });
}
