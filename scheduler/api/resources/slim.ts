import type { Router } from 'express';
import * as z from 'zod';
import { SLIM_MAX_LIMIT, type SlimPage, type SlimSession } from '../../../contract';
import { type TokenTable, grantOf } from '../auth';
import { parseInput } from '../http-errors';
import { requestIdSchema } from '../ids';
import { intString } from '../params';
import type { SlimViews } from '../slim-views';

const pageSchema = {
  offset: intString(0, 100_000_000).optional(),
  limit: intString(1, SLIM_MAX_LIMIT).optional(),
};

const requestsQuery = z.object({
  ...pageSchema,
  q: z.string().max(200).optional(),
  state: z.string().max(40).optional(),
  type: z.string().max(40).optional(),
  underProvisioned: z.enum(['true', 'false']).optional(),
});

const tasksQuery = z.object({
  ...pageSchema,
  requestId: requestIdSchema.optional(),
  agentId: z.string().max(200).optional(),
});

function page<T>(rows: T[], offset = 0, limit = 100): SlimPage<T> {
  return { items: rows.slice(offset, offset + limit), total: rows.length, offset, limit };
}

export interface SlimOptions {
  tokens?: TokenTable;
  protectReads?: boolean;
  discoveryPort?: number;
}

/**
 * `/slim/…`: the console's paginated lists (requests, tasks, agents), the cluster overview and
 * the caller's session. Griddle's own; the Singularity-shaped endpoints stay as they are.
 */
export function registerSlim(router: Router, views: SlimViews, options: SlimOptions): void {
  router.get('/slim/requests', (req, res) => {
    const q = parseInput(requestsQuery, req.query);
    const needle = q.q?.toLowerCase();
    const rows = views.requests().filter((r) => (!needle || r.id.toLowerCase().includes(needle))
      && (!q.state || r.state === q.state) && (!q.type || r.type === q.type)
      && (q.underProvisioned === undefined || r.underProvisioned === (q.underProvisioned === 'true')));
    res.json(page(rows, q.offset, q.limit));
  });
  router.get('/slim/tasks', (req, res) => {
    const q = parseInput(tasksQuery, req.query);
    res.json(page(views.tasks({ requestId: q.requestId, agentId: q.agentId }), q.offset, q.limit));
  });
  router.get('/slim/agents', (_req, res) => {
    res.json(views.agents());
  });
  router.get('/slim/overview', (_req, res) => {
    res.json(views.overview());
  });
  router.get('/slim/session', (req, res) => {
    const authEnabled = (options.tokens?.size ?? 0) > 0;
    const grant = grantOf(options.tokens, req.get('authorization'));
    const session: SlimSession = {
      authEnabled, readsProtected: authEnabled && options.protectReads === true,
      scope: !authEnabled ? 'open' : grant?.scope ?? 'none', user: grant?.name, discoveryPort: options.discoveryPort,
    };
    res.json(session);
  });
}
