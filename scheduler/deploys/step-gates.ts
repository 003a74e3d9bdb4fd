import type { Verdict } from '../acceptance/verdict';
import type { SingularityDeploy, TaskRecord } from '../model';

/**
 * Pure gates a deploy step passes besides "its new tasks are healthy": the failures a group
 * may have (canaryDeploySettings.allowedTasksFailuresPerGroup) and the acceptance checks.
 */

/** The latest acceptance evaluation of a rollout, as the driver recorded it. */
export interface StepAcceptance {
  step: number;
  /** When the evaluation began: it speaks for the step only if it began after the step was healthy. */
  startedAt: number;
  verdict: Verdict;
}

export type AcceptanceGate = { kind: 'pass' } | { kind: 'fail'; reason: string } | { kind: 'wait'; reason: string };

export function hasAcceptanceChecks(deploy: SingularityDeploy): boolean {
  return (deploy.acceptanceChecks?.length ?? 0) > 0;
}

/**
 * Whether a step whose new tasks have been healthy since `healthySince` is accepted. Only an
 * evaluation begun after that moment counts: a pass from before a task flapped proves nothing
 * about the tasks running now (level-triggered, like the rest of the machine).
 */
export function acceptanceGate(deploy: SingularityDeploy, step: number, healthySince: number, latest: StepAcceptance | undefined): AcceptanceGate {
  if (!hasAcceptanceChecks(deploy)) return { kind: 'pass' };
  if (!latest || latest.step !== step || latest.startedAt < healthySince) return { kind: 'wait', reason: 'acceptance checks not evaluated yet' };
  if (latest.verdict.kind === 'pass') return { kind: 'pass' };
  if (latest.verdict.kind === 'fail') return { kind: 'fail', reason: latest.verdict.reason };
  return { kind: 'wait', reason: latest.verdict.reason };
}

/**
 * Attributes each failed new task to the step in which it was first seen failed (`seen` is
 * updated), and answers the ones of `step`. A task of an earlier group that fails now counts
 * against the current group, as in Singularity, which counts the deploy's inactive tasks.
 */
export function failuresInStep(seen: Record<string, number>, failed: readonly TaskRecord[], step: number): TaskRecord[] {
  for (const t of failed) if (seen[t.taskId] === undefined) seen[t.taskId] = step;
  return failed.filter((t) => seen[t.taskId] === step);
}
