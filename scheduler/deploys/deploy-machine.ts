import type { DeployKind } from '../../contract';
import { isTerminalState } from '../../mesos-proto';
import type {
  DeployFailure, DeployResult, DeployState, DesiredDeployment, SingularityDeploy, SingularityRequest, TaskRecord,
} from '../model';
import { stepBudgetMs, usesHealthchecks } from './deploy-budget';

/**
 * The rolling-deploy state machine, free of I/O and clocks: the driver feeds it the current
 * request, deploy definition and tasks with `now`, and applies what it decides (desired
 * instance counts, explicit kills of retired tasks, events, the final result).
 *
 * A deploy starts new tasks beside the old ones in steps of `deployInstanceCountPerStep`
 * (default: all). A step is complete when its new tasks are RUNNING and healthy; then as many
 * old tasks are retired (unhealthy ones first), so healthy capacity never drops below
 * `instances`. The next step starts `deployStepWaitTimeMs` later when `autoAdvanceDeploySteps`
 * (default true), or when an operator raises `targetActiveInstances`. A bounce is the same
 * walk within one deploy: "old" are the tasks that existed when the bounce began.
 */

/** What the machine walks; the contract names it because the events carry it. */
export type { DeployKind } from '../../contract';

/**
 * Ends that say an agent or the network failed, not the new version: the core replaces such a
 * task at once and the step keeps waiting (within its time budget) instead of failing.
 */
const INFRASTRUCTURE_ENDS: ReadonlySet<string> = new Set(['TASK_LOST', 'TASK_GONE', 'TASK_DROPPED', 'TASK_GONE_BY_OPERATOR', 'TASK_UNKNOWN']);

/**
 * A container that could not start because its host port is taken: Mesos offered that port as
 * free, so something outside the new version holds it (typically the container of an executor
 * that was SIGKILLed, until the orphan sweep removes it). The core retries that instance with
 * its launch backoff and the step keeps waiting within its time budget, rather than failing the
 * deploy on the host's fault; a bad image or a crashing version still fails it at once.
 */
export function isHostPortConflict(t: TaskRecord): boolean {
  return t.state === 'TASK_FAILED' && t.runningSince === undefined && t.reason === 'REASON_CONTAINER_LAUNCH_FAILED'
    && /port is already allocated|address already in use/i.test(t.message ?? '');
}

export interface DeployProgress {
  kind: DeployKind;
  requestId: string;
  deployId: string;
  /** The deploy whose tasks are replaced (for a bounce, the same deploy). */
  previousDeployId?: string;
  /** Old instances to keep while rolling (0 when the request was paused). */
  oldInstances: number;
  startedAt: number;
  step: number;
  /** New tasks wanted in the current step (Singularity's targetActiveInstances). */
  targetActiveInstances: number;
  stepStartedAt: number;
  stepCompletedAt?: number;
  /** Old instances retired so far. */
  retired: number;
  retiredTaskIds: string[];
  /** Bounce only: the tasks that were running when it began. */
  bounceOldTaskIds?: string[];
  /** When each new task was first seen RUNNING (for considerHealthyAfterRunningForSeconds). */
  runningSince: Record<string, number>;
  /** A target raised by hand (`POST /api/deploys/update`) when steps do not auto-advance. */
  manualTarget?: number;
}

export interface DeployContext {
  request: SingularityRequest;
  /** The definition being rolled out (for a bounce, the active deploy). */
  deploy: SingularityDeploy;
  /** Every task of the request that the core knows, terminal ones included. */
  tasks: readonly TaskRecord[];
  /** Why the core still has tasks of this deploy pending, if it does. */
  pendingReason?: string;
  now: number;
}

export type DeployMachineEvent =
  | { type: 'step'; step: number; targetActiveInstances: number }
  | { type: 'step-complete'; step: number; targetActiveInstances: number; healthy: number; retiredTaskIds: string[] };

export interface DeployDecision {
  progress: DeployProgress;
  desired: DesiredDeployment[];
  kills: { taskId: string; why: string }[];
  events: DeployMachineEvent[];
  result?: DeployResult;
}

export function instancesOf(request: SingularityRequest): number {
  return request.instances ?? 1;
}

function stepSizeOf(deploy: SingularityDeploy, instances: number): number {
  return Math.max(1, Math.min(deploy.deployInstanceCountPerStep ?? instances, instances || 1));
}

/**
 * The most tasks a request may have alive at once while it rolls: its instances plus one step
 * of the deploy being rolled out (old tasks are retired only once new ones are healthy).
 */
export function liveTaskBound(request: SingularityRequest, deploy: SingularityDeploy): number {
  const instances = instancesOf(request);
  return instances + stepSizeOf(deploy, instances);
}

export function startDeploy(args: {
  kind: DeployKind;
  request: SingularityRequest;
  deploy: SingularityDeploy;
  previousDeployId?: string;
  oldInstances: number;
  tasks: readonly TaskRecord[];
  now: number;
}): DeployProgress {
  const instances = instancesOf(args.request);
  const bounceOld = args.kind === 'bounce'
    ? args.tasks.filter((t) => t.deployId === args.deploy.id && isAlive(t)).map((t) => t.taskId)
    : undefined;
  return {
    kind: args.kind,
    requestId: args.request.id,
    deployId: args.deploy.id,
    previousDeployId: args.previousDeployId,
    oldInstances: args.oldInstances,
    startedAt: args.now,
    step: 1,
    targetActiveInstances: Math.min(instances, stepSizeOf(args.deploy, instances)),
    stepStartedAt: args.now,
    retired: 0,
    retiredTaskIds: [],
    bounceOldTaskIds: bounceOld,
    runningSince: {},
  };
}

function isAlive(t: TaskRecord): boolean {
  return !isTerminalState(t.state) && t.killRequestedAt === undefined;
}

export function isHealthCheckFailure(t: TaskRecord): boolean {
  return t.state === 'TASK_FAILED'
    && (t.reason === 'REASON_TASK_HEALTH_CHECK_STATUS_UPDATED' || (t.message ?? '').startsWith('health check failed'));
}

function newTasksOf(p: DeployProgress, tasks: readonly TaskRecord[]): TaskRecord[] {
  if (p.kind === 'deploy') return tasks.filter((t) => t.deployId === p.deployId);
  const old = new Set(p.bounceOldTaskIds);
  return tasks.filter((t) => t.deployId === p.deployId && !old.has(t.taskId) && t.startedAt >= p.startedAt);
}

function oldTasksOf(p: DeployProgress, tasks: readonly TaskRecord[]): TaskRecord[] {
  if (p.kind === 'bounce') {
    const old = new Set(p.bounceOldTaskIds);
    return tasks.filter((t) => old.has(t.taskId));
  }
  return p.previousDeployId ? tasks.filter((t) => t.deployId === p.previousDeployId) : [];
}

function isHealthy(t: TaskRecord, p: DeployProgress, ctx: DeployContext): boolean {
  if (!isAlive(t) || t.state !== 'TASK_RUNNING') return false;
  if (usesHealthchecks(ctx.deploy, ctx.request)) return t.healthy === true;
  const after = ctx.deploy.considerHealthyAfterRunningForSeconds;
  if (!after) return true;
  const since = t.runningSince ?? p.runningSince[t.taskId];
  return since !== undefined && ctx.now - since >= after * 1000;
}

/** What must run for this request while the deploy rolls. */
export function desiredFor(p: DeployProgress, request: SingularityRequest): DesiredDeployment[] {
  const instances = instancesOf(request);
  const target = Math.min(p.targetActiveInstances, instances);
  if (p.kind === 'bounce') {
    return [{ requestId: p.requestId, deployId: p.deployId, instances: Math.max(0, instances - p.retired) + target }];
  }
  const out: DesiredDeployment[] = [{ requestId: p.requestId, deployId: p.deployId, instances: target }];
  if (p.previousDeployId) {
    out.push({ requestId: p.requestId, deployId: p.previousDeployId, instances: Math.max(0, p.oldInstances - p.retired) });
  }
  return out;
}

function failureOf(t: TaskRecord): DeployFailure {
  const reason = isHealthCheckFailure(t) ? 'TASK_FAILED_HEALTH_CHECKS' : 'TASK_FAILED_ON_STARTUP';
  const detail = [t.state, t.reason, t.message].filter(Boolean).join(': ');
  return { reason, taskId: t.taskId, message: detail };
}

function result(deployState: DeployState, message: string, failures: DeployFailure[], now: number): DeployResult {
  return { deployState, message, deployFailures: failures, timestamp: now };
}

function overdueFailures(p: DeployProgress, ctx: DeployContext, alive: TaskRecord[]): DeployFailure[] {
  const failures: DeployFailure[] = [];
  for (const t of alive) {
    if (isHealthy(t, p, ctx)) continue;
    if (t.state !== 'TASK_RUNNING') {
      failures.push({ reason: 'TASK_NEVER_ENTERED_RUNNING', taskId: t.taskId, message: `still ${t.state}` });
    } else {
      failures.push({ reason: 'TASK_FAILED_HEALTH_CHECKS', taskId: t.taskId, message: usesHealthchecks(ctx.deploy, ctx.request) ? 'running but never reported healthy' : 'running for less than considerHealthyAfterRunningForSeconds' });
    }
  }
  const missing = Math.min(p.targetActiveInstances, instancesOf(ctx.request)) - alive.length;
  for (let i = 0; i < missing; i++) {
    failures.push({ reason: 'TASK_COULD_NOT_BE_SCHEDULED', message: ctx.pendingReason ?? 'no offer matched the task' });
  }
  return failures;
}

/** Old tasks to retire, least useful first: not running, then unhealthy, then the oldest. */
function pickRetirees(old: TaskRecord[], count: number): TaskRecord[] {
  const rank = (t: TaskRecord) => (t.state !== 'TASK_RUNNING' ? 0 : t.healthy === false ? 1 : 2);
  return [...old].sort((a, b) => rank(a) - rank(b) || a.startedAt - b.startedAt).slice(0, Math.max(0, count));
}

/** One evaluation: called on every task change of the request and on a timer. */
export function evaluateDeploy(progress: DeployProgress, ctx: DeployContext): DeployDecision {
  const p: DeployProgress = { ...progress, runningSince: { ...progress.runningSince }, retiredTaskIds: [...progress.retiredTaskIds] };
  const events: DeployMachineEvent[] = [];
  const kills: { taskId: string; why: string }[] = [];
  const instances = instancesOf(ctx.request);
  const newTasks = newTasksOf(p, ctx.tasks);
  const alive = newTasks.filter(isAlive);
  for (const t of alive) if (t.state === 'TASK_RUNNING' && p.runningSince[t.taskId] === undefined) p.runningSince[t.taskId] = ctx.now;

  const done = (r: DeployResult): DeployDecision => ({ progress: p, desired: desiredFor(p, ctx.request), kills, events, result: r });

  const failed = newTasks.filter((t) => isTerminalState(t.state) && t.killRequestedAt === undefined && !INFRASTRUCTURE_ENDS.has(t.state) && !isHostPortConflict(t));
  if (failed.length > 0) {
    const failures = failed.map(failureOf);
    const first = failures[0];
    return done(result('FAILED', `task ${first.taskId} failed: ${first.reason}${first.message ? ` (${first.message})` : ''}`, failures, ctx.now));
  }

  const target = Math.min(p.targetActiveInstances, instances);
  const healthy = alive.filter((t) => isHealthy(t, p, ctx)).length;

  if (p.stepCompletedAt === undefined) {
    if (healthy >= target) {
      p.stepCompletedAt = ctx.now;
      const keepOld = Math.max(0, Math.min(p.oldInstances, instances) - target);
      const toRetire = Math.max(0, p.oldInstances - p.retired - keepOld);
      const retiredSet = new Set(p.retiredTaskIds);
      const oldAlive = oldTasksOf(p, ctx.tasks).filter((t) => isAlive(t) && !retiredSet.has(t.taskId));
      const retirees = pickRetirees(oldAlive, toRetire);
      for (const t of retirees) {
        kills.push({ taskId: t.taskId, why: `${p.kind} ${p.deployId} step ${p.step}: replaced by a healthy new task` });
        p.retiredTaskIds.push(t.taskId);
      }
      p.retired += toRetire;
      events.push({ type: 'step-complete', step: p.step, targetActiveInstances: target, healthy, retiredTaskIds: retirees.map((t) => t.taskId) });
      if (target >= instances) {
        return done(result('SUCCEEDED', `${healthy} of ${instances} instances healthy`, [], ctx.now));
      }
    } else if (ctx.now - p.stepStartedAt > stepBudgetMs(ctx.deploy, ctx.request)) {
      const failures = overdueFailures(p, ctx, alive);
      return done(result('OVERDUE', `step ${p.step}: ${healthy} of ${target} new tasks healthy after ${Math.round((ctx.now - p.stepStartedAt) / 1000)}s`, failures, ctx.now));
    }
  }

  if (p.stepCompletedAt !== undefined && target < instances) {
    const auto = ctx.deploy.autoAdvanceDeploySteps ?? true;
    const waited = ctx.now - p.stepCompletedAt >= (ctx.deploy.deployStepWaitTimeMs ?? 0);
    const manual = p.manualTarget !== undefined && p.manualTarget > target;
    if (waited && (auto || manual)) {
      const next = manual ? Math.min(instances, p.manualTarget ?? instances) : Math.min(instances, target + stepSizeOf(ctx.deploy, instances));
      p.step += 1;
      p.targetActiveInstances = next;
      p.stepStartedAt = ctx.now;
      p.stepCompletedAt = undefined;
      events.push({ type: 'step', step: p.step, targetActiveInstances: next });
    }
  }
  return { progress: p, desired: desiredFor(p, ctx.request), kills, events };
}

/** Progress numbers in Singularity's SingularityDeployProgress shape, plus what Griddle knows. */
export function progressView(p: DeployProgress, ctx: DeployContext): Record<string, unknown> {
  const alive = newTasksOf(p, ctx.tasks).filter(isAlive);
  const healthy = alive.filter((t) => isHealthy(t, p, ctx)).length;
  const budget = stepBudgetMs(ctx.deploy, ctx.request);
  return {
    targetActiveInstances: Math.min(p.targetActiveInstances, instancesOf(ctx.request)),
    currentActiveInstances: healthy,
    deployInstanceCountPerStep: stepSizeOf(ctx.deploy, instancesOf(ctx.request)),
    deployStepWaitTimeMs: ctx.deploy.deployStepWaitTimeMs ?? 0,
    stepComplete: p.stepCompletedAt !== undefined,
    autoAdvanceDeploySteps: ctx.deploy.autoAdvanceDeploySteps ?? true,
    failedDeployTasks: [],
    timestamp: p.stepCompletedAt ?? p.stepStartedAt,
    step: p.step,
    launchedInstances: alive.length,
    retiredInstances: p.retired,
    overdueAt: p.stepCompletedAt === undefined ? p.stepStartedAt + budget : undefined,
    pendingReason: ctx.pendingReason,
  };
}
