import type { Router } from 'express';
import * as z from 'zod';
import { type ApiContext, idParam } from '../api-context';
import { notFound, parseInput } from '../http-errors';
import { isTaskId } from '../ids';
import { intString } from '../params';

export const sandboxQuerySchema = z.object({
  path: z.string().min(1).max(1000)
    .regex(/^[A-Za-z0-9_.\-/]+$/, 'must be a file name inside the sandbox such as "stdout" or "stderr"')
    .refine((p) => !p.startsWith('/') && !p.split('/').includes('..'), 'must be relative to the sandbox (no leading "/", no "..")'),
  offset: intString(0, 1e9).optional(),
  length: intString(0, 10_000_000).optional(),
});

/** `/sandbox`: Singularity's SandboxResource, read through the agent's `/files/read`. */
export function registerSandbox(router: Router, ctx: ApiContext): void {
  router.get('/sandbox/:taskId/read', async (req, res) => {
    const taskId = idParam(req, 'taskId', isTaskId, 'task');
    const q = parseInput(sandboxQuerySchema, req.query);
    const t = ctx.anyTask(taskId);
    if (!t) throw notFound(`task ${taskId} is unknown`);
    res.json(await ctx.sandbox.read(t, q.path, q.offset ?? 0, q.length ?? 50_000));
  });
}
