import type { Router } from 'express';
import * as z from 'zod';
import type { ApiContext } from '../api-context';
import { parseInput } from '../http-errors';
import { type InactiveHosts, hostSchema } from '../inactive-hosts';

export const inactiveHostQuerySchema = z.object({ host: hostSchema });

/**
 * Singularity's InactiveAgentResource: the hosts that get no new task. POST and DELETE take
 * `?host=` and answer 204, as Singularity's void methods do; marking a host inactive kills
 * nothing already running there.
 */
export function registerInactive(router: Router, ctx: ApiContext, hosts: InactiveHosts): void {
  const w = ctx.writeGuard;
  router.get('/inactive', (_req, res) => {
    res.json(hosts.list());
  });
  router.post('/inactive', w, (req, res) => {
    hosts.deactivate(parseInput(inactiveHostQuerySchema, req.query).host);
    res.status(204).end();
  });
  router.delete('/inactive', w, (req, res) => {
    hosts.activate(parseInput(inactiveHostQuerySchema, req.query).host);
    res.status(204).end();
  });
}
