import type { DeployKind } from '../../contract';
import { isTerminalState } from '../../mesos-proto';
import type { SingularityDeploy, SingularityRequest, TaskRecord } from '../model';
import { usesHealthchecks } from './deploy-budget';

/**
 * Which tasks a rollout counts as new, old, alive, healthy or failed: pure predicates over task
 * records that the deploy machine and its view share.
 */

/** The part of a rollout's progress that tells its tasks apart. */
export interface RolloutTasks {
  kind: DeployKind;
  deployId: string;
  previousDeployId?: string;
  startedAt: number;
  bounceOldTaskIds?: string[];
  runningSince: Record<string, number>;
}

export interface HealthContext { request: SingularityRequest; deploy: SingularityDeploy; now: number }

/**
 * Ends that say an agent or the network failed, not the new version: the core replaces such a
 * task at once and the step keeps waiting (within its time budget) instead of failing.
 */
export const INFRASTRUCTURE_ENDS: ReadonlySet<string> = new Set(['TASK_LOST', 'TASK_GONE', 'TASK_DROPPED', 'TASK_GONE_BY_OPERATOR', 'TASK_UNKNOWN']);

export function isAlive(t: TaskRecord): boolean {
  return !isTerminalState(t.state) && t.killRequestedAt === undefined;
}

/**
 * A task event that tells a rollout nothing new: a launch written or progressing (STAGING,
 * STARTING), before and after, not being killed. A rollout decides on RUNNING, healthy, ended
 * and killed tasks only; what else an evaluation might decide now is the clock's, which the
 * engine's tick evaluates every second. Skipping these spared two of three evaluations per
 * launched task (each of all the request's tasks) at 30,000 tasks.
 */
export function isLaunchOnly(task: TaskRecord, previous: TaskRecord | undefined): boolean {
  const launching = (t: TaskRecord): boolean => (t.state === 'TASK_STAGING' || t.state === 'TASK_STARTING') && t.killRequestedAt === undefined;
  return launching(task) && (previous === undefined || launching(previous));
}

export function isHealthCheckFailure(t: TaskRecord): boolean {
  return t.state === 'TASK_FAILED'
    && (t.reason === 'REASON_TASK_HEALTH_CHECK_STATUS_UPDATED' || (t.message ?? '').startsWith('health check failed'));
}

export function newTasksOf(p: RolloutTasks, tasks: readonly TaskRecord[]): TaskRecord[] {
  if (p.kind === 'deploy') return tasks.filter((t) => t.deployId === p.deployId);
  const old = new Set(p.bounceOldTaskIds);
  return tasks.filter((t) => t.deployId === p.deployId && !old.has(t.taskId) && t.startedAt >= p.startedAt);
}

export function oldTasksOf(p: RolloutTasks, tasks: readonly TaskRecord[]): TaskRecord[] {
  if (p.kind === 'bounce') {
    const old = new Set(p.bounceOldTaskIds);
    return tasks.filter((t) => old.has(t.taskId));
  }
  return p.previousDeployId ? tasks.filter((t) => t.deployId === p.previousDeployId) : [];
}

export function isHealthy(t: TaskRecord, p: Pick<RolloutTasks, 'runningSince'>, ctx: HealthContext): boolean {
  if (!isAlive(t) || t.state !== 'TASK_RUNNING') return false;
  if (usesHealthchecks(ctx.deploy, ctx.request)) return t.healthy === true;
  const after = ctx.deploy.considerHealthyAfterRunningForSeconds;
  if (!after) return true;
  const since = t.runningSince ?? p.runningSince[t.taskId];
  return since !== undefined && ctx.now - since >= after * 1000;
}
