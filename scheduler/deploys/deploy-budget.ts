import type { HealthcheckSpec, SingularityDeploy, SingularityRequest } from '../model';

/** Singularity's defaults for the parts of the time budget a deploy leaves out. */
export const DEFAULT_DEPLOY_HEALTH_TIMEOUT_SECONDS = 120;
export const DEFAULT_HEALTHCHECK = {
  startupTimeoutSeconds: 45,
  intervalSeconds: 5,
  responseTimeoutSeconds: 5,
  maxRetries: 0,
} as const;

/** Whether the deploy waits for health checks (rather than RUNNING or running-for-N-seconds). */
export function usesHealthchecks(deploy: SingularityDeploy, request: SingularityRequest): boolean {
  return deploy.healthcheck !== undefined && !deploy.skipHealthchecksOnDeploy && !request.skipHealthchecks;
}

function healthcheckBudgetSeconds(hc: HealthcheckSpec): number {
  const startup = hc.startupTimeoutSeconds ?? DEFAULT_HEALTHCHECK.startupTimeoutSeconds;
  const interval = hc.intervalSeconds ?? DEFAULT_HEALTHCHECK.intervalSeconds;
  const timeout = hc.responseTimeoutSeconds ?? DEFAULT_HEALTHCHECK.responseTimeoutSeconds;
  const retries = hc.maxRetries ?? DEFAULT_HEALTHCHECK.maxRetries;
  return startup + (interval + timeout) * (retries + 1);
}

/**
 * How long one deploy step may take before it is OVERDUE, in ms: Singularity's
 * `deployHealthTimeoutSeconds` (default 120) + startupTimeout + (interval + responseTimeout) ×
 * (maxRetries + 1) when health checks apply, plus the time a task must run before it counts
 * as healthy without them.
 */
export function stepBudgetMs(deploy: SingularityDeploy, request: SingularityRequest): number {
  let seconds = deploy.deployHealthTimeoutSeconds ?? DEFAULT_DEPLOY_HEALTH_TIMEOUT_SECONDS;
  if (usesHealthchecks(deploy, request) && deploy.healthcheck) seconds += healthcheckBudgetSeconds(deploy.healthcheck);
  else seconds += deploy.considerHealthyAfterRunningForSeconds ?? 0;
  return seconds * 1000;
}
