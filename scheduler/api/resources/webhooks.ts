import type { Request, Response, Router } from 'express';
import * as z from 'zod';
import { WEBHOOK_TYPES, type WebhookType } from '../../../contract';
import type { Webhooks } from '../../webhooks';
import { type ApiContext, requireBody } from '../api-context';
import { badRequest, parseInput } from '../http-errors';

/** SingularityWebhook as clients send it; `id` and `timestamp` are Singularity's to set. */
export const webhookSchema = z.object({
  uri: z.string().max(2000).regex(/^https?:\/\/[^/\s]+/, 'must be an http(s) URL'),
  type: z.enum(WEBHOOK_TYPES as [WebhookType, ...WebhookType[]]),
  id: z.string().max(4000).optional(),
  user: z.string().max(200).optional(),
  timestamp: z.number().optional(),
});

const webhookIdQuery = z.object({ webhookId: z.string().min(1).max(4000) });

/**
 * Singularity's WebhookResource: register, list and delete webhooks, their delivery summary
 * and the updates still queued for each. The deprecated `/{webhookId}` path forms are served
 * too, since older clients still call them.
 */
export function registerWebhooks(router: Router, ctx: ApiContext, webhooks: Webhooks): void {
  const { writeGuard: w } = ctx;
  const idFrom = (req: Request): string => {
    const fromPath = req.params.webhookId;
    if (typeof fromPath === 'string') return fromPath;
    const q = req.query.webhookId;
    if (typeof q !== 'string' || !q) throw badRequest('webhookId: required', [{ field: 'webhookId', message: 'required' }]);
    return parseInput(webhookIdQuery, { webhookId: q }).webhookId;
  };

  router.get('/webhooks', (_req, res) => {
    res.json(webhooks.registry.list());
  });
  router.get('/webhooks/summary', (_req, res) => {
    res.json(webhooks.summary());
  });
  router.post('/webhooks', w, (req, res) => {
    const input = parseInput(webhookSchema, requireBody(req));
    const user = typeof res.locals.user === 'string' ? res.locals.user : input.user;
    const { result, webhook } = webhooks.add({ uri: input.uri, type: input.type, user });
    ctx.log?.info({ webhookId: webhook.id, uri: webhook.uri, type: webhook.type, result }, 'webhook added');
    res.json(result); // SingularityCreateResult is an enum: a bare JSON string
  });
  const remove = (req: Request, res: Response): void => {
    const id = idFrom(req);
    const result = webhooks.remove(id);
    ctx.log?.info({ webhookId: id, result }, 'webhook deleted');
    res.json(result);
  };
  router.delete('/webhooks', w, remove);
  for (const [path, type] of [['deploy', 'DEPLOY'], ['request', 'REQUEST'], ['task', 'TASK']] as const) {
    router.get(`/webhooks/${path}`, (req, res) => {
      res.json(webhooks.queued(type, idFrom(req)));
    });
    router.get(`/webhooks/${path}/:webhookId`, (req, res) => {
      res.json(webhooks.queued(type, idFrom(req)));
    });
  }
  router.delete('/webhooks/:webhookId', w, remove);
}
