import type { Router } from 'express';
import * as z from 'zod';
import { type ApiContext, engineCall, idParam, requireBody } from '../api-context';
import { deployRequestSchema } from '../deploy-schema';
import { parseInput } from '../http-errors';
import { deployIdSchema, isDeployId, isRequestId, requestIdSchema } from '../ids';
import { message } from '../params';

export const deployUpdateSchema = z.object({
  requestId: requestIdSchema,
  deployId: deployIdSchema,
  targetActiveInstances: z.number().int().min(1).max(100_000),
  message,
});

/** `/deploys`: Singularity's DeployResource. Each answer is the request's SingularityRequestParent. */
export function registerDeploys(router: Router, ctx: ApiContext): void {
  const { engine, log, writeGuard: w } = ctx;

  router.post('/deploys', w, (req, res) => {
    const input = parseInput(deployRequestSchema, requireBody(req));
    const record = engineCall(() => engine.submit(input));
    log?.info({ requestId: record.deploy.requestId, deployId: record.deploy.id, user: res.locals.user }, 'deploy submitted');
    res.json(ctx.parent(ctx.requestOr404(record.deploy.requestId)));
  });

  router.delete('/deploys/deploy/:deployId/request/:requestId', w, (req, res) => {
    const deployId = idParam(req, 'deployId', isDeployId, 'deploy');
    const requestId = idParam(req, 'requestId', isRequestId, 'request');
    ctx.requestOr404(requestId);
    engineCall(() => engine.cancel(requestId, deployId, `canceled by ${res.locals.user ?? 'API'}`));
    res.json(ctx.parent(ctx.requestOr404(requestId)));
  });

  router.post('/deploys/update', w, (req, res) => {
    const input = parseInput(deployUpdateSchema, requireBody(req));
    ctx.requestOr404(input.requestId);
    engineCall(() => engine.advance(input.requestId, input.deployId, input.targetActiveInstances));
    res.json(ctx.parent(ctx.requestOr404(input.requestId)));
  });

  router.get('/deploys/pending', (_req, res) => {
    res.json(ctx.pendingDeploys());
  });
}
