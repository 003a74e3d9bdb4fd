import type { Router } from 'express';
import type { SingularityLimits } from '../../../contract';

/** Singularity's default `maxDecommissioningAgents`. */
export const DEFAULT_MAX_DECOMMISSIONING_AGENTS = 2;

/**
 * Singularity's SingularityConfigurationResource limits (enforced on agent decommissions, in
 * machines.ts) and NotificationsResource allowlist: Griddle sends no e-mail, so no address gets
 * mail and the list is empty.
 */
export function registerConfiguration(router: Router): void {
  router.get('/configuration/singularity-limits', (_req, res) => {
    const limits: SingularityLimits = { maxDecommissioningAgents: DEFAULT_MAX_DECOMMISSIONING_AGENTS };
    res.json(limits);
  });
  router.get('/notifications/allowlist', (_req, res) => {
    res.json([]);
  });
}
