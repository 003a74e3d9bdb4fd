import * as z from 'zod';
import type { SingularityDeploy } from '../model';

/**
 * The deploy fields that shape its rollout beyond single steps: Singularity's
 * `canaryDeploySettings` and Griddle's `acceptanceChecks`. Apart from deploy-schema.ts so each
 * file keeps one job; the cross-field rules are here too, next to the fields they relate.
 */

const upper = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.string().transform((s) => s.toUpperCase()).pipe(z.enum(values));
const httpUrl = z.string().max(4000).regex(/^https?:\/\/[^/\s]+/i, 'must be an http:// or https:// URL');
const timeoutSeconds = z.number().int().min(1).max(300);

export const canaryDeploySettingsSchema = z.object({
  enableCanaryDeploy: z.boolean().optional(),
  instanceGroupSize: z.number().int().min(1).max(100_000).optional(),
  acceptanceMode: upper(['NONE', 'TIMED', 'CHECKS']).optional(),
  waitMillisBetweenGroups: z.number().int().min(0).max(86_400_000).optional(),
  allowedTasksFailuresPerGroup: z.number().int().min(0).max(1000).optional(),
  canaryCycleCount: z.number().int().min(1).max(100_000).optional(),
}).meta({ description: "Singularity's canary rollout: groups of instanceGroupSize, each healthy (and accepted) before the next" });

const httpCheck = z.object({
  type: z.literal('HTTP'),
  url: httpUrl.meta({ description: 'GET; accepted when it answers 2xx. May use {{requestId}} and {{deployId}}.' }),
  timeoutSeconds: timeoutSeconds.optional(),
});

const prometheusCheck = z.object({
  type: z.literal('PROMETHEUS'),
  query: z.string().min(1).max(10_000).meta({ description: 'PromQL instant query; may use {{requestId}}, {{deployId}} and {{window}}' }),
  comparison: z.enum(['<', '<=', '>', '>=']),
  threshold: z.number().finite(),
  windowSeconds: z.number().int().min(1).max(86_400).optional(),
  prometheusUrl: httpUrl.optional(),
  timeoutSeconds: timeoutSeconds.optional(),
});

export const acceptanceChecksSchema = z.array(z.discriminatedUnion('type', [httpCheck, prometheusCheck])).max(20)
  .meta({ description: 'Griddle: every check must pass before a deploy step is complete; a failing one fails the deploy' });

/** Rules across the rollout fields; each issue names the field to change. */
export function checkRollout(out: SingularityDeploy, ctx: z.RefinementCtx): void {
  const c = out.canaryDeploySettings;
  const checks = out.acceptanceChecks?.length ?? 0;
  if (c) {
    // Singularity reads the older step fields only when canaryDeploySettings is absent; taking
    // both would leave one silently ignored.
    for (const field of ['deployInstanceCountPerStep', 'deployStepWaitTimeMs'] as const) {
      if (out[field] !== undefined) {
        ctx.issues.push({ code: 'custom', path: [field], input: out[field], message: 'cannot be combined with canaryDeploySettings; use canaryDeploySettings.instanceGroupSize and waitMillisBetweenGroups' });
      }
    }
    if (c.acceptanceMode === 'CHECKS' && checks === 0) {
      ctx.issues.push({ code: 'custom', path: ['canaryDeploySettings', 'acceptanceMode'], input: c.acceptanceMode, message: 'is CHECKS but the deploy has no acceptanceChecks to run' });
    }
    if ((c.waitMillisBetweenGroups ?? 0) > 0 && c.acceptanceMode !== 'TIMED') {
      ctx.issues.push({ code: 'custom', path: ['canaryDeploySettings', 'waitMillisBetweenGroups'], input: c.waitMillisBetweenGroups, message: `is only used with acceptanceMode TIMED (got ${c.acceptanceMode ?? 'NONE'})` });
    }
  }
}
