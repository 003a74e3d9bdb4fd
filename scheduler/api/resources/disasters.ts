import type { Router } from 'express';
import * as z from 'zod';
import { DISASTER_TYPES, SINGULARITY_ACTIONS, type SingularityAction } from '../../../contract';
import type { ApiContext } from '../api-context';
import type { Disasters } from '../disasters';
import { badRequest, parseInput } from '../http-errors';

const typeSchema = z.enum(DISASTER_TYPES);
const actionSchema = z.enum(Object.keys(SINGULARITY_ACTIONS) as [SingularityAction, ...SingularityAction[]]);
/** SingularityDisabledActionRequest; the body is optional, as in Singularity. */
const disableBodySchema = z.object({ type: actionSchema.optional(), message: z.string().max(10_000).optional() }).passthrough();

/**
 * Singularity's DisastersResource: the detector's data points and disasters, operators' own
 * disasters, the switch for automated actions and the disabled actions. The void methods answer
 * 204, as Singularity's do.
 */
export function registerDisasters(router: Router, ctx: ApiContext, disasters: Disasters): void {
  const w = ctx.writeGuard;
  router.get('/disasters/stats', (_req, res) => {
    res.json(disasters.data());
  });
  router.get('/disasters/active', (_req, res) => {
    res.json(disasters.active());
  });
  router.post('/disasters/disable', w, (_req, res) => {
    disasters.setAutomatedActionsDisabled(true);
    res.status(204).end();
  });
  router.post('/disasters/enable', w, (_req, res) => {
    disasters.setAutomatedActionsDisabled(false);
    res.status(204).end();
  });
  router.delete('/disasters/active/:type', w, (req, res) => {
    disasters.remove(parseInput(typeSchema, req.params.type, 'type'));
    res.status(204).end();
  });
  router.post('/disasters/active/:type', w, (req, res) => {
    disasters.add(parseInput(typeSchema, req.params.type, 'type'));
    res.status(204).end();
  });
  router.get('/disasters/disabled-actions', (_req, res) => {
    res.json(disasters.disabledActions());
  });
  router.post('/disasters/disabled-actions/:action', w, (req, res) => {
    const action = parseInput(actionSchema, req.params.action, 'action');
    if (!SINGULARITY_ACTIONS[action]) throw badRequest(`${action} cannot be disabled`);
    const body = parseInput(disableBodySchema, req.body ?? {});
    const user = typeof res.locals.user === 'string' ? res.locals.user : null;
    disasters.disable(action, body.message ?? `${action} disabled by an operator`, user, false);
    res.status(204).end();
  });
  router.delete('/disasters/disabled-actions/:action', w, (req, res) => {
    disasters.enable(parseInput(actionSchema, req.params.action, 'action'));
    res.status(204).end();
  });
}
