import type { DeployKind } from '../../contract';
import { isTerminalState } from '../../mesos-proto';
import type {
  DeployFailure, DeployResult, DeployState, DesiredDeployment, SingularityDeploy, SingularityRequest, TaskRecord,
} from '../model';
import { stepPlanOf } from './canary-plan';
import { stepBudgetMs, usesHealthchecks } from './deploy-budget';
import { INFRASTRUCTURE_ENDS, isAlive, isHealthCheckFailure, isHealthy, newTasksOf, oldTasksOf } from './rollout-tasks';
import { type StepAcceptance, acceptanceGate, failuresInStep } from './step-gates';

/**
 * The rolling-deploy state machine, free of I/O and clocks: the driver feeds it the current
 * request, deploy definition and tasks with `now`, and applies what it decides (desired
 * instance counts, explicit kills of retired tasks, events, the final result).
 *
 * A deploy starts new tasks beside the old ones in the steps of its plan (`canary-plan.ts`:
 * canaryDeploySettings' groups, else `deployInstanceCountPerStep`, default all). A step is
 * complete when its new tasks are RUNNING and healthy and its acceptance checks pass; then as
 * many old tasks are retired (unhealthy ones first), so healthy capacity never drops below
 * `instances`. The next step starts the plan's wait later when `autoAdvanceDeploySteps`
 * (default true), or when an operator raises `targetActiveInstances`. A bounce is the same
 * walk within one deploy: "old" are the tasks that existed when the bounce began.
 */

/** What the machine walks; the contract names it because the events carry it. */
export type { DeployKind } from '../../contract';
export { isHealthCheckFailure } from './rollout-tasks';


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
  /** Since when the current step's new tasks have all been healthy (acceptance starts then). */
  healthySince?: number;
  /** Failed new task → the step it failed in (for allowedTasksFailuresPerGroup). */
  failedInStep?: Record<string, number>;
}

export interface DeployContext {
  request: SingularityRequest;
  /** The definition being rolled out (for a bounce, the active deploy). */
  deploy: SingularityDeploy;
  /** Every task of the request that the core knows, terminal ones included. */
  tasks: readonly TaskRecord[];
  /** Why the core still has tasks of this deploy pending, if it does. */
  pendingReason?: string;
  /** The rollout's latest acceptance evaluation, if the deploy has acceptance checks. */
  acceptance?: StepAcceptance;
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
  /** The step waits for its acceptance checks: the driver evaluates them (not the machine). */
  awaitingAcceptance?: { step: number; reason: string };
}

export function instancesOf(request: SingularityRequest): number {
  return request.instances ?? 1;
}

/**
 * The most tasks a request may have alive at once while it rolls: its instances plus the
 * largest step of the deploy being rolled out (old tasks are retired only once new ones are
 * healthy).
 */
export function liveTaskBound(request: SingularityRequest, deploy: SingularityDeploy): number {
  const instances = instancesOf(request);
  return instances + stepPlanOf(deploy, instances).largestStep;
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
    targetActiveInstances: stepPlanOf(args.deploy, instances).firstTarget,
    stepStartedAt: args.now,
    retired: 0,
    retiredTaskIds: [],
    bounceOldTaskIds: bounceOld,
    runningSince: {},
    failedInStep: {},
  };
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
  const p: DeployProgress = {
    ...progress, runningSince: { ...progress.runningSince }, retiredTaskIds: [...progress.retiredTaskIds], failedInStep: { ...progress.failedInStep },
  };
  const events: DeployMachineEvent[] = [];
  const kills: { taskId: string; why: string }[] = [];
  const instances = instancesOf(ctx.request);
  const plan = stepPlanOf(ctx.deploy, instances);
  const newTasks = newTasksOf(p, ctx.tasks);
  const alive = newTasks.filter(isAlive);
  for (const t of alive) if (t.state === 'TASK_RUNNING' && p.runningSince[t.taskId] === undefined) p.runningSince[t.taskId] = ctx.now;

  const done = (r: DeployResult): DeployDecision => ({ progress: p, desired: desiredFor(p, ctx.request), kills, events, result: r });

  const failed = newTasks.filter((t) => isTerminalState(t.state) && t.killRequestedAt === undefined && !INFRASTRUCTURE_ENDS.has(t.state) && !isHostPortConflict(t));
  // Failures within the step's allowance are replaced by the core like any ended task.
  const failedNow = failuresInStep(p.failedInStep ?? {}, failed, p.step);
  if (failedNow.length > plan.allowedFailuresPerStep) {
    const failures = failedNow.map(failureOf);
    const first = failures[0];
    const why = `task ${first.taskId} failed: ${first.reason}${first.message ? ` (${first.message})` : ''}`;
    const message = plan.allowedFailuresPerStep > 0
      ? `step ${p.step}: ${failedNow.length} task(s) failed, more than allowedTasksFailuresPerGroup (${plan.allowedFailuresPerStep}); ${why}`
      : why;
    return done(result('FAILED', message, failures, ctx.now));
  }

  const target = Math.min(p.targetActiveInstances, instances);
  const healthy = alive.filter((t) => isHealthy(t, p, ctx)).length;

  const overdue = ctx.now - p.stepStartedAt > stepBudgetMs(ctx.deploy, ctx.request);
  if (p.stepCompletedAt === undefined && healthy < target) p.healthySince = undefined;
  if (p.stepCompletedAt === undefined && healthy >= target) {
    p.healthySince ??= ctx.now;
    const gate = acceptanceGate(ctx.deploy, p.step, p.healthySince, ctx.acceptance);
    if (gate.kind === 'fail') return done(result('FAILED', `step ${p.step}: acceptance check failed: ${gate.reason}`, [], ctx.now));
    if (gate.kind === 'wait') {
      if (overdue) {
        const message = `step ${p.step}: acceptance checks inconclusive after ${Math.round((ctx.now - p.stepStartedAt) / 1000)}s: ${gate.reason}`;
        return done(result('OVERDUE', message, [{ reason: 'DEPLOY_OVERDUE', message }], ctx.now));
      }
      return { progress: p, desired: desiredFor(p, ctx.request), kills, events, awaitingAcceptance: { step: p.step, reason: gate.reason } };
    }
  }

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
    } else if (overdue) {
      const failures = overdueFailures(p, ctx, alive);
      return done(result('OVERDUE', `step ${p.step}: ${healthy} of ${target} new tasks healthy after ${Math.round((ctx.now - p.stepStartedAt) / 1000)}s`, failures, ctx.now));
    }
  }

  if (p.stepCompletedAt !== undefined && target < instances) {
    const auto = ctx.deploy.autoAdvanceDeploySteps ?? true;
    const waited = ctx.now - p.stepCompletedAt >= plan.waitMs;
    const manual = p.manualTarget !== undefined && p.manualTarget > target;
    if (waited && (auto || manual)) {
      const next = manual ? Math.min(instances, p.manualTarget ?? instances) : plan.nextTarget(target);
      p.step += 1;
      p.targetActiveInstances = next;
      p.stepStartedAt = ctx.now;
      p.stepCompletedAt = undefined;
      p.healthySince = undefined;
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
  const plan = stepPlanOf(ctx.deploy, instancesOf(ctx.request));
  return {
    targetActiveInstances: Math.min(p.targetActiveInstances, instancesOf(ctx.request)),
    currentActiveInstances: healthy,
    deployInstanceCountPerStep: plan.largestStep,
    deployStepWaitTimeMs: plan.waitMs,
    stepComplete: p.stepCompletedAt !== undefined,
    autoAdvanceDeploySteps: ctx.deploy.autoAdvanceDeploySteps ?? true,
    failedDeployTasks: [],
    timestamp: p.stepCompletedAt ?? p.stepStartedAt,
    step: p.step,
    launchedInstances: alive.length,
    retiredInstances: p.retired,
    overdueAt: p.stepCompletedAt === undefined ? p.stepStartedAt + budget : undefined,
    pendingReason: ctx.pendingReason,
    acceptanceMode: plan.acceptanceMode,
    acceptance: ctx.acceptance && { step: ctx.acceptance.step, verdict: ctx.acceptance.verdict.kind, reason: ctx.acceptance.verdict.reason },
  };
}
