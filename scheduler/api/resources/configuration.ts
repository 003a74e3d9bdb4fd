import type { Router } from 'express';
import type { SingularityLimits } from '../../../contract';

/** Singularity's default `maxDecommissioningAgents`. */
export const DEFAULT_MAX_DECOMMISSIONING_AGENTS = 2;

/**
 * Singularity's SingularityConfigurationResource limits and NotificationsResource allowlist.
 * Griddle decommissions no agents and sends no e-mail, so both answer what is true of it: Singularity's
 * default limit (nothing enforces it yet) and an empty allowlist (no address gets mail).
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
