import { EventEmitter } from 'node:events';
import { TaskMap, type Scheduler } from '../core';
import { isTerminalState } from '../../mesos-proto';
import type { DeployRecord, DesiredDeployment, RequestRecord, TaskRecord } from '../model';
import { type DeployProgress, desiredFor, instancesOf, liveTaskBound, startDeploy } from './deploy-machine';
import {
  DeployEngineError, GONE, LONG_RUNNING, type DeployEngineEvent, type DeployEngineOptions, type SubmitDeploy,
} from './engine-types';
import { pickRollbackSource, rollbackDeployId } from './rollback';
import { Cooldowns } from './cooldown';
import { Rollouts } from './rollouts';
import { ScheduledRuns } from './scheduled-runs';
import { deployKey, type SchedulerPort } from './scheduler-port';

export { DeployEngineError, type DeployEngineEvent, type DeployEngineOptions, type SubmitDeploy } from './engine-types';

/**
 * Drives deploys, bounces and one-shot runs on the scheduler core: installs the desired
 * provider (what must run, including old and new deploy during a rollout), checks each
 * operation against the records, and hands rollouts and runs to their parts.
 */
export class DeployEngine extends EventEmitter<{ event: [DeployEngineEvent] }> {
  private readonly rollouts: Rollouts;
  private readonly runs: ScheduledRuns;
  private readonly now: () => number;
  private timer?: NodeJS.Timeout;
  private readonly cooldowns: Cooldowns;
  private readonly onTask = (task: TaskRecord, previous: TaskRecord | undefined): void => {
    this.runs.taskChanged(task);
    this.rollouts.taskChanged(task, previous);
    this.cooldowns.taskChanged(task);
  };
  private readonly onLeader = (leader: boolean): void => {
    if (leader) this.rollouts.resume();
    else this.rollouts.forget();
  };

  constructor(private readonly scheduler: SchedulerPort, private readonly options: DeployEngineOptions = {}) {
    super();
    this.now = options.now ?? Date.now;
    const emit = (event: DeployEngineEvent): void => void this.emit('event', event);
    this.rollouts = new Rollouts(scheduler, emit, this.now, options.log, options.acceptance);
    this.runs = new ScheduledRuns(scheduler, emit, this.now);
    this.cooldowns = new Cooldowns(scheduler, emit, this.now);
  }

  start(): void {
    this.scheduler.setDesiredProvider(() => this.desired());
    this.scheduler.events.on('task', this.onTask);
    this.scheduler.events.on('leader', this.onLeader);
    if (this.scheduler.isLeader) this.rollouts.resume();
    const tickMs = this.options.tickMs ?? 1000;
    if (tickMs > 0) {
      this.timer = setInterval(() => this.tick(), tickMs);
      this.timer.unref();
    }
    this.scheduler.poke();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.scheduler.events.off('task', this.onTask);
    this.scheduler.events.off('leader', this.onLeader);
  }

  /** Pending deploys (not bounces) of every request. */
  pending(): { progress: DeployProgress; view: Record<string, unknown>; record: DeployRecord }[] {
    return this.rollouts.pending();
  }

  progressOf(requestId: string): DeployProgress | undefined {
    return this.rollouts.progress.get(requestId);
  }

  /** Rollout evaluations and the tasks they looked at (count-based tests). */
  get rolloutWork(): Readonly<{ evaluations: number; tasksVisited: number }> {
    return this.rollouts.work;
  }

  openRuns(requestId: string): number {
    return this.runs.openRuns(requestId);
  }

  /** Runs of ON_DEMAND/RUN_ONCE/SCHEDULED requests, read-only: open runs, and which task ran for which run. */
  get runView(): Pick<ScheduledRuns, 'openRunList' | 'runIdOf' | 'tasksOfRun'> {
    return this.runs;
  }

  /** What must run now, for the core's reconcile loop. */
  desired(): DesiredDeployment[] {
    return this.wanted(this.requestsWithOtherDeploysAlive());
  }

  /**
   * `desired()` without the live-task bound of requests whose rollout ended with old tasks
   * still alive (finding those walks every task): for counts of instances wanted, as the
   * console's overview reads on every call.
   */
  desiredInstances(): DesiredDeployment[] {
    return this.wanted(new Set());
  }

  /** `mixed`: requests with live tasks of a deploy other than the active one. */
  private wanted(mixed: ReadonlySet<string>): DesiredDeployment[] {
    const out: DesiredDeployment[] = [];
    for (const [requestId, r] of this.scheduler.requests) {
      if (GONE.has(r.state)) continue;
      const p = this.rollouts.progress.get(requestId);
      if (p) {
        const bound = this.bound(r, p.deployId);
        out.push(...desiredFor(p, r.request).map((d) => ({ ...d, maxLiveTasks: bound })));
      } else if (LONG_RUNNING.has(r.request.requestType)) {
        if (r.activeDeployId && r.state !== 'PAUSED' && r.state !== 'FINISHED') {
          // After a canceled or failed rollout the old deploy is restored while the new tasks are
          // still being killed: the bound holds until they are gone. In steady state there is
          // none, so UNREACHABLE tasks are replaced at once.
          const bound = mixed.has(requestId) ? this.bound(r, r.activeDeployId) : undefined;
          out.push({ requestId, deployId: r.activeDeployId, instances: instancesOf(r.request), ...(bound === undefined ? {} : { maxLiveTasks: bound }) });
        }
      } else {
        out.push(...this.runs.desired(requestId));
      }
    }
    return out;
  }

  submit(input: SubmitDeploy): DeployRecord {
    const { deploy } = input;
    const progress = this.rollouts.progress;
    const current = this.scheduler.requests.get(deploy.requestId);
    if (!current || GONE.has(current.state)) {
      throw new DeployEngineError('not-found', `request ${deploy.requestId} does not exist; create it with POST /api/requests first`);
    }
    if (current.pendingDeployId || progress.get(deploy.requestId)?.kind === 'deploy') {
      throw new DeployEngineError('conflict', `request ${deploy.requestId} already has a pending deploy (${current.pendingDeployId}); wait for it or cancel it with DELETE /api/deploys/deploy/${current.pendingDeployId}/request/${deploy.requestId}`);
    }
    if (this.scheduler.deploys.has(deployKey(deploy.requestId, deploy.id))) {
      throw new DeployEngineError('conflict', `deploy ${deploy.id} of request ${deploy.requestId} already exists; deploy ids are never reused`);
    }
    const now = this.now();
    if (progress.get(deploy.requestId)?.kind === 'bounce') this.rollouts.abandonBounce(deploy.requestId);
    let request: RequestRecord = input.updatedRequest
      ? { ...current, request: input.updatedRequest, updatedAt: now }
      : current;
    const record: DeployRecord = {
      deploy, createdAt: now, message: input.message,
      unpauseOnSuccessfulDeploy: input.unpauseOnSuccessfulDeploy, rollbackOf: input.rollbackOf,
    };
    this.scheduler.putDeploy(record);
    const previousDeployId = request.activeDeployId;
    this.emit('event', { type: 'deploy.started', requestId: deploy.requestId, deployId: deploy.id, kind: 'deploy', previousDeployId, rollbackOf: input.rollbackOf, message: input.message });

    const paused = request.state === 'PAUSED';
    if (!LONG_RUNNING.has(request.request.requestType) || (paused && !input.unpauseOnSuccessfulDeploy)) {
      const why = paused
        ? 'request is paused: the deploy is active and starts tasks on unpause'
        : `${request.request.requestType} request: the deploy is active for the next run`;
      this.scheduler.putRequest({ ...request, activeDeployId: deploy.id, pendingDeployId: undefined, updatedAt: now });
      if (request.request.requestType === 'RUN_ONCE' && !paused) this.runs.queue(deploy.requestId, deploy.id);
      this.rollouts.finishRecord(record, { deployState: 'SUCCEEDED', message: why, deployFailures: [], timestamp: now });
      this.scheduler.poke();
      return this.scheduler.deploys.get(deployKey(deploy.requestId, deploy.id)) ?? record;
    }
    if (paused) {
      request = { ...request, state: 'DEPLOYING_TO_UNPAUSE' };
      this.emit('event', { type: 'request.updated', requestId: deploy.requestId, state: request.state, action: 'deploy-to-unpause' });
    }
    this.scheduler.putRequest({ ...request, pendingDeployId: deploy.id, updatedAt: now });
    const p = startDeploy({
      kind: 'deploy', request: request.request, deploy, previousDeployId,
      oldInstances: paused || !previousDeployId ? 0 : instancesOf(request.request),
      tasks: this.rollouts.tasksOf(deploy.requestId), now,
    });
    progress.set(deploy.requestId, p);
    this.emit('event', { type: 'deploy.step', requestId: p.requestId, deployId: p.deployId, kind: p.kind, step: 1, targetActiveInstances: p.targetActiveInstances });
    this.rollouts.evaluate(deploy.requestId);
    this.scheduler.poke();
    return record;
  }

  cancel(requestId: string, deployId: string, message = 'canceled by request'): void {
    const p = this.pendingDeploy(requestId, deployId);
    this.rollouts.finish(p, { deployState: 'CANCELED', message, deployFailures: [], timestamp: this.now() });
  }

  /** Raises the current step's target by hand (steps that do not auto-advance). */
  advance(requestId: string, deployId: string, targetActiveInstances: number): void {
    const p = this.pendingDeploy(requestId, deployId);
    const instances = instancesOf(this.existing(requestId).request);
    // Singularity refuses a target above the request's instances or below one.
    if (targetActiveInstances < 1 || targetActiveInstances > instances) {
      throw new DeployEngineError('invalid', `targetActiveInstances: must be between 1 and the request's ${instances} instances (got ${targetActiveInstances})`);
    }
    this.rollouts.progress.set(requestId, { ...p, manualTarget: targetActiveInstances });
    this.rollouts.evaluate(requestId);
  }

  bounce(requestId: string, message?: string): void {
    const progress = this.rollouts.progress;
    const r = this.existing(requestId);
    if (!LONG_RUNNING.has(r.request.requestType)) throw new DeployEngineError('invalid', `only SERVICE and WORKER requests can be bounced (${requestId} is ${r.request.requestType})`);
    if (r.state !== 'ACTIVE' || !r.activeDeployId) throw new DeployEngineError('conflict', `request ${requestId} is ${r.state}${r.activeDeployId ? '' : ' without an active deploy'}; only an active request can be bounced`);
    if (progress.has(requestId)) throw new DeployEngineError('conflict', `request ${requestId} is already rolling (${progress.get(requestId)?.kind})`);
    const deploy = this.scheduler.deploys.get(deployKey(requestId, r.activeDeployId))?.deploy;
    if (!deploy) throw new DeployEngineError('conflict', `active deploy ${r.activeDeployId} of ${requestId} is missing`);
    const now = this.now();
    const p = startDeploy({ kind: 'bounce', request: r.request, deploy, previousDeployId: deploy.id, oldInstances: instancesOf(r.request), tasks: this.rollouts.tasksOf(requestId), now });
    progress.set(requestId, p);
    this.emit('event', { type: 'deploy.started', requestId, deployId: deploy.id, kind: 'bounce', previousDeployId: deploy.id, message });
    this.emit('event', { type: 'deploy.step', requestId, deployId: deploy.id, kind: 'bounce', step: 1, targetActiveInstances: p.targetActiveInstances });
    this.rollouts.evaluate(requestId);
    this.scheduler.poke();
  }

  /** Starts a new deploy from an earlier deploy's definition (default: the last SUCCEEDED before the active one). */
  rollback(requestId: string, sourceDeployId?: string, message?: string): DeployRecord {
    const r = this.existing(requestId);
    const history = [...this.scheduler.deploys.values()].filter((d) => d.deploy.requestId === requestId);
    if (sourceDeployId && !history.some((d) => d.deploy.id === sourceDeployId)) {
      throw new DeployEngineError('not-found', `deploy ${sourceDeployId} of request ${requestId} does not exist`);
    }
    const source = pickRollbackSource(history, r.activeDeployId, sourceDeployId);
    if (!source) throw new DeployEngineError('conflict', `request ${requestId} has no SUCCEEDED deploy before the active one (${r.activeDeployId ?? 'none'}) to roll back to`);
    const taken = new Set(history.map((d) => d.deploy.id));
    const id = rollbackDeployId(source.deploy.id, taken);
    return this.submit({
      deploy: { ...source.deploy, id },
      message: message ?? `rollback to ${source.deploy.id}`,
      rollbackOf: source.deploy.id,
      unpauseOnSuccessfulDeploy: r.state === 'PAUSED' ? false : undefined,
    });
  }

  /** Queues a run of an ON_DEMAND/RUN_ONCE/SCHEDULED request; returns its run id. */
  runNow(requestId: string, runId?: string): string {
    const r = this.existing(requestId);
    if (LONG_RUNNING.has(r.request.requestType)) throw new DeployEngineError('invalid', `only ON_DEMAND, RUN_ONCE and SCHEDULED requests can be run (${requestId} is ${r.request.requestType})`);
    if (!r.activeDeployId) throw new DeployEngineError('conflict', `request ${requestId} has no active deploy to run`);
    if (r.state === 'PAUSED') throw new DeployEngineError('conflict', `request ${requestId} is paused; unpause it first`);
    if (runId && this.runs.isOpen(requestId, runId)) throw new DeployEngineError('conflict', `run ${runId} of ${requestId} is already queued`);
    return this.runs.queue(requestId, r.activeDeployId, runId);
  }

  /** Abandons a request's bounce when one is rolling (an expiring bounce timed out); false when none was. */
  expireBounce(requestId: string): boolean {
    if (this.rollouts.progress.get(requestId)?.kind !== 'bounce') return false;
    this.rollouts.abandonBounce(requestId);
    return true;
  }

  /** Forgets open runs and any rollout of a request (pause, delete). */
  dropRequest(requestId: string, why: string): void {
    const p = this.rollouts.progress.get(requestId);
    if (p?.kind === 'deploy') this.rollouts.finish(p, { deployState: 'CANCELED', message: why, deployFailures: [], timestamp: this.now() });
    else if (p) this.rollouts.abandonBounce(requestId);
    this.runs.forget(requestId);
    this.cooldowns.forget(requestId);
  }

  /** Re-evaluates every rollout and fires due cron schedules. */
  tick(): void {
    for (const requestId of [...this.rollouts.progress.keys()]) this.rollouts.evaluate(requestId);
    this.runs.fireSchedules();
    this.cooldowns.tick();
  }

  /** Ends a request's SYSTEM_COOLDOWN by hand and lifts its deploy's crash backoff, so it launches at once. */
  exitCooldown(requestId: string): RequestRecord {
    const r = this.existing(requestId);
    if (r.state !== 'SYSTEM_COOLDOWN') throw new DeployEngineError('conflict', `request ${requestId} is not in SYSTEM_COOLDOWN state, it is in ${r.state}`);
    const core = this.scheduler as SchedulerPort & Partial<Pick<Scheduler, 'resetBackoff'>>;
    if (r.activeDeployId) core.resetBackoff?.(requestId, r.activeDeployId);
    return this.cooldowns.exit(r);
  }

  /** instances + step of the deploy that rolls (or was rolling), see liveTaskBound. */
  private bound(r: RequestRecord, deployId: string): number | undefined {
    const deploy = this.scheduler.deploys.get(deployKey(r.request.id, deployId))?.deploy;
    return deploy ? liveTaskBound(r.request, deploy) : undefined;
  }

  /** Requests that still have live tasks of a deploy other than the active one. */
  private requestsWithOtherDeploysAlive(): Set<string> {
    const out = new Set<string>();
    const tasks = this.scheduler.tasks;
    if (tasks instanceof TaskMap) {
      // The core's map counts live tasks per deploy as they change: per request, not per task.
      for (const requestId of tasks.requestIds()) {
        const active = this.scheduler.requests.get(requestId)?.activeDeployId;
        for (const deployId of tasks.liveDeploysOf(requestId).keys()) if (deployId !== active) out.add(requestId);
      }
      return out;
    }
    for (const t of tasks.values()) {
      if (out.has(t.requestId) || isTerminalState(t.state)) continue;
      if (t.deployId !== this.scheduler.requests.get(t.requestId)?.activeDeployId) out.add(t.requestId);
    }
    return out;
  }

  private existing(requestId: string): RequestRecord {
    const r = this.scheduler.requests.get(requestId);
    if (!r || GONE.has(r.state)) throw new DeployEngineError('not-found', `request ${requestId} does not exist`);
    return r;
  }

  private pendingDeploy(requestId: string, deployId: string): DeployProgress {
    const p = this.rollouts.progress.get(requestId);
    if (!p || p.kind !== 'deploy' || p.deployId !== deployId) {
      throw new DeployEngineError('not-found', `deploy ${deployId} of request ${requestId} is not pending`);
    }
    return p;
  }
}
