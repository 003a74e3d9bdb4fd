import type { NextFunction, Request, Response } from 'express';
import type { SingularityAction } from '../../contract';
import type { Disasters } from './disasters';
import { HttpError } from './http-errors';

type Exists = (requestId: string) => boolean;
type Pick1 = SingularityAction | ((req: Request, exists: Exists) => SingularityAction);

/**
 * The API calls a disabled action stops, as Singularity's resources check them
 * (`checkActionEnabled`: 409 with the disabled action's message). Paths are relative to the
 * router's mount point.
 */
const GATED: readonly [method: string, path: RegExp, action: Pick1][] = [
  ['POST', /^\/requests\/?$/, (req, exists) => (isUpdate(req, exists) ? 'UPDATE_REQUEST' : 'CREATE_REQUEST')],
  ['DELETE', /^\/requests\/request\/[^/]+\/?$/, 'REMOVE_REQUEST'],
  ['PUT', /^\/requests\/request\/[^/]+\/scale\/?$/, 'SCALE_REQUEST'],
  ['POST', /^\/requests\/request\/[^/]+\/bounce\/?$/, 'BOUNCE_REQUEST'],
  ['PUT', /^\/requests\/request\/[^/]+\/priority\/?$/, 'PRIORITY_REQUEST'],
  ['POST', /^\/tasks\/task\/[^/]+\/command\/?$/, 'RUN_SHELL_COMMAND'],
  ['POST', /^\/deploys\/?$/, 'DEPLOY'],
  ['DELETE', /^\/deploys\/deploy\/[^/]+\/request\/[^/]+\/?$/, 'CANCEL_DEPLOY'],
  ['DELETE', /^\/tasks\/task\/[^/]+\/?$/, 'KILL_TASK'],
  ['POST', /^\/webhooks\/?$/, 'ADD_WEBHOOK'],
  ['DELETE', /^\/webhooks(\/[^/]+)?\/?$/, 'REMOVE_WEBHOOK'], // also the deprecated /webhooks/{webhookId}
  ['POST', /^\/(agents\/agent|slaves\/slave)\/[^/]+\/freeze\/?$/, 'FREEZE_AGENT'],
  ['POST', /^\/(agents\/agent|slaves\/slave)\/[^/]+\/activate\/?$/, 'ACTIVATE_AGENT'],
  ['POST', /^\/(agents\/agent|slaves\/slave)\/[^/]+\/decommission\/?$/, 'DECOMMISSION_AGENT'],
  ['POST', /^\/racks\/rack\/[^/]+\/freeze\/?$/, 'FREEZE_RACK'],
  ['POST', /^\/racks\/rack\/[^/]+\/activate\/?$/, 'ACTIVATE_RACK'],
  ['POST', /^\/racks\/rack\/[^/]+\/decommission\/?$/, 'DECOMMISSION_RACK'],
];

const isUpdate = (req: Request, exists: Exists): boolean => {
  const body: unknown = req.body;
  const id = body !== null && typeof body === 'object' && 'id' in body ? (body as { id: unknown }).id : undefined;
  return typeof id === 'string' && exists(id);
};

/** The action a call would take, or undefined when no disabled action can stop it. */
export function gatedAction(req: Request, exists: Exists): SingularityAction | undefined {
  for (const [m, re, action] of GATED) if (m === req.method && re.test(req.path)) return typeof action === 'string' ? action : action(req, exists);
  return undefined;
}

/** Middleware (after the JSON body parser): refuses a call whose action is disabled. */
export function disabledActionGate(disasters: Disasters, exists: Exists) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    const action = gatedAction(req, exists);
    const entry = action === undefined ? undefined : disasters.disabledEntry(action);
    if (entry) throw new HttpError(409, entry.message || `${entry.type} is disabled`);
    next();
  };
}
