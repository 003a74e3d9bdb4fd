import type { Router } from 'express';
import type { DeployEngine, SchedulerPort } from '../deploys';
import { Webhooks, type WebhooksOptions } from '../webhooks';
import type { ApiContext } from './api-context';
import { ExpiringActions } from './expiring-actions';
import { ExpiringMachineStates } from './expiring-machines';
import type { RequestHistoryLog } from './request-history';
import { registerExpiring } from './resources/expiring';
import { registerWebhooks } from './resources/webhooks';

export interface OperationsOptions {
  /** Webhook delivery settings (backoff, timeout, concurrency); or a `Webhooks` already running. */
  webhooks?: WebhooksOptions | Webhooks;
  /** How often the leader checks for expired actions (default 1 s; the clock is `now`). */
  expiringTickMs?: number;
}

export interface Operations {
  webhooks: Webhooks;
  expiring: ExpiringActions;
  machineExpiry: ExpiringMachineStates;
  register(router: Router): void;
  stop(): void;
}

/**
 * The operations parts of the API: webhooks (fed by the scheduler's changes and the request
 * history) and expiring actions and machine states (applied by the leader's tick). Both write through the state
 * store and load from it, so a new leader carries on with what the old one left.
 */
export function startOperations(scheduler: SchedulerPort, engine: DeployEngine, ctx: ApiContext, history: RequestHistoryLog, writable: () => boolean, options: OperationsOptions): Operations {
  const log = ctx.log;
  const ownsWebhooks = !(options.webhooks instanceof Webhooks);
  const webhooks = options.webhooks instanceof Webhooks ? options.webhooks : new Webhooks(scheduler, { isLeader: writable, log, ...options.webhooks });
  history.onRecord(webhooks.onRequestHistory);
  if (ownsWebhooks) void webhooks.start().catch((err: unknown) => log?.warn({ err }, 'could not load webhooks'));

  const expiring = new ExpiringActions(scheduler, engine, (actor, fn) => history.runAs(actor, fn), log);
  ctx.expiring = expiring;
  void expiring.start().catch((err: unknown) => log?.warn({ err }, 'could not load expiring actions'));
  const machineExpiry = new ExpiringMachineStates(scheduler, log);
  const loadMachineExpiry = (): void => void machineExpiry.reload().catch((err: unknown) => log?.warn({ err }, 'could not load expiring machine states'));
  loadMachineExpiry();
  const onLeader = (leader: boolean): void => {
    if (!leader) return;
    void expiring.reload().catch((err: unknown) => log?.warn({ err }, 'could not load expiring actions'));
    loadMachineExpiry();
  };
  scheduler.events.on('leader', onLeader);
  const tick = setInterval(() => {
    expiring.tick(ctx.now(), writable());
    machineExpiry.tick(ctx.now(), writable());
  }, options.expiringTickMs ?? 1000);
  tick.unref();

  return {
    webhooks,
    expiring,
    machineExpiry,
    register(router) {
      registerWebhooks(router, ctx, webhooks);
      registerExpiring(router, ctx);
    },
    stop() {
      clearInterval(tick);
      scheduler.events.off('leader', onLeader);
      expiring.stop();
      if (ownsWebhooks) webhooks.stop();
    },
  };
}
