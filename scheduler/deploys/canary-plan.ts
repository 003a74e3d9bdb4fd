import type { DeployAcceptanceMode, SingularityDeploy } from '../model';

/**
 * How a deploy walks its steps, from either Singularity's `canaryDeploySettings` or, when a
 * deploy has none, its older step fields (`deployInstanceCountPerStep`, `deployStepWaitTimeMs`).
 * Pure: the deploy machine asks it for the first target, the next one and the waits.
 */
export interface StepPlan {
  /** New instances wanted in step 1. */
  firstTarget: number;
  /** The most new instances one step adds (bounds live tasks while rolling). */
  largestStep: number;
  /** Wait after a step is complete (healthy and accepted) before the next starts. */
  waitMs: number;
  /** Failed tasks a step tolerates (they are replaced) before the deploy fails. */
  allowedFailuresPerStep: number;
  acceptanceMode: DeployAcceptanceMode;
  /** The target of the step after the one with `target` new instances. */
  nextTarget(target: number): number;
}

/** Singularity's defaults (CanaryDeploySettings' constructor, not its docs' example JSON). */
export const CANARY_DEFAULTS = {
  enableCanaryDeploy: false,
  instanceGroupSize: 1,
  acceptanceMode: 'NONE',
  waitMillisBetweenGroups: 0,
  allowedTasksFailuresPerGroup: 0,
  canaryCycleCount: 1,
} as const;

function legacyPlan(deploy: SingularityDeploy, instances: number): StepPlan {
  const all = Math.max(1, instances);
  const step = Math.max(1, Math.min(deploy.deployInstanceCountPerStep ?? all, all));
  return {
    firstTarget: Math.min(instances, step),
    largestStep: step,
    waitMs: deploy.deployStepWaitTimeMs ?? 0,
    allowedFailuresPerStep: 0,
    acceptanceMode: 'NONE',
    nextTarget: (target) => Math.min(instances, target + step),
  };
}

export function stepPlanOf(deploy: SingularityDeploy, instances: number): StepPlan {
  const c = deploy.canaryDeploySettings;
  if (!c) return legacyPlan(deploy, instances);
  const acceptanceMode = c.acceptanceMode ?? CANARY_DEFAULTS.acceptanceMode;
  const allowedFailuresPerStep = c.allowedTasksFailuresPerGroup ?? CANARY_DEFAULTS.allowedTasksFailuresPerGroup;
  const all = Math.max(1, instances);
  if (!(c.enableCanaryDeploy ?? CANARY_DEFAULTS.enableCanaryDeploy)) {
    // Singularity's non-canary deploy: every instance at once; CHECKS still gates that one step.
    return { firstTarget: instances, largestStep: all, waitMs: 0, allowedFailuresPerStep, acceptanceMode, nextTarget: () => instances };
  }
  const group = Math.max(1, Math.min(c.instanceGroupSize ?? CANARY_DEFAULTS.instanceGroupSize, all));
  const cycles = Math.max(1, c.canaryCycleCount ?? CANARY_DEFAULTS.canaryCycleCount);
  // As Singularity's CanaryDeployHelper: after `canaryCycleCount` groups the rest start at once.
  const nextTarget = (target: number): number =>
    Math.floor(target / group) >= cycles ? instances : Math.min(instances, target + group);
  const rest = Math.max(0, instances - group * cycles);
  return {
    firstTarget: Math.min(instances, group),
    largestStep: Math.max(group, rest),
    // Singularity waits between groups only in TIMED mode.
    waitMs: acceptanceMode === 'TIMED' ? c.waitMillisBetweenGroups ?? CANARY_DEFAULTS.waitMillisBetweenGroups : 0,
    allowedFailuresPerStep,
    acceptanceMode,
    nextTarget,
  };
}

/** The targets a deploy walks through when every step succeeds (for docs, views and tests). */
export function plannedTargets(deploy: SingularityDeploy, instances: number): number[] {
  const plan = stepPlanOf(deploy, instances);
  const out = [plan.firstTarget];
  while (out[out.length - 1] < instances && out.length <= instances) out.push(plan.nextTarget(out[out.length - 1]));
  return out;
}
