import { EventEmitter } from 'node:events';
import { Cron } from 'croner';
import { isTerminalState } from '../../mesos-proto';
import type { Logger } from '../../common';
import type {
  DeployRecord, DeployResult, DesiredDeployment, RequestRecord, SingularityDeploy, SingularityRequest, TaskRecord,
} from '../model';
import {
  type DeployDecision, type DeployKind, type DeployProgress, desiredFor, evaluateDeploy, instancesOf, progressView,
  startDeploy,
} from './deploy-machine';
import { type FinishedRun, RunBook } from './run-book';
import { deployKey, type SchedulerPort } from './scheduler-port';
import { pickRollbackSource, rollbackDeployId } from './rollback';

/** Why the engine refused an operation; the API maps `kind` to 404/409/400. */
export class DeployEngineError extends Error {
  constructor(readonly kind: 'not-found' | 'conflict' | 'invalid', message: string) {
    super(message);
  }
}

export type DeployEngineEvent =
  | { type: 'deploy.started'; requestId: string; deployId: string; kind: DeployKind; previousDeployId?: string; rollbackOf?: string; message?: string }
  | { type: 'deploy.step'; requestId: string; deployId: string; kind: DeployKind; step: number; targetActiveInstances: number }
  | { type: 'deploy.step-complete'; requestId: string; deployId: string; kind: DeployKind; step: number; targetActiveInstances: number; healthy: number; retiredTaskIds: string[] }
  | { type: 'deploy.finished'; requestId: string; deployId: string; kind: DeployKind; deployResult: DeployResult }
  | { type: 'deploy.rollback'; requestId: string; failedDeployId: string; restoredDeployId: string; instances: number; reason: string }
  | { type: 'request.updated'; requestId: string; state: string; action: string }
  | { type: 'run.finished'; requestId: string; deployId: string; runId: string; outcome: FinishedRun['outcome']; lastTaskState: string; taskId?: string };

export interface DeployEngineOptions {
  now?: () => number;
  /** How often timeouts, step waits and cron schedules are checked; 0 = never (tests call tick()). */
  tickMs?: number;
  log?: Logger;
}

export interface SubmitDeploy {
  deploy: SingularityDeploy;
  unpauseOnSuccessfulDeploy?: boolean;
  message?: string;
  updatedRequest?: SingularityRequest;
  rollbackOf?: string;
}

const LONG_RUNNING = new Set(['SERVICE', 'WORKER']);
const GONE = new Set(['DELETED', 'DELETING']);

/**
 * Drives deploys, bounces and one-shot runs on the scheduler core: installs the desired
 * provider (what must run, including old and new deploy during a rollout), evaluates the pure
 * deploy machine on every task change and on a timer, and writes results into the deploy
 * records (history) and request records.
 */
export class DeployEngine extends EventEmitter<{ event: [DeployEngineEvent] }> {
  private readonly progress = new Map<string, DeployProgress>();
  /** Terminal tasks of requests with a rollout, kept even if the core moves them to history. */
  private readonly ended = new Map<string, Map<string, TaskRecord>>();
  private readonly runs = new RunBook();
  private readonly nextRunAt = new Map<string, { schedule: string; at: number | null }>();
  private readonly now: () => number;
  private timer?: NodeJS.Timeout;
  private runSeq = 0;
  private readonly busy = new Set<string>();
  private readonly again = new Set<string>();
  private readonly onTask = (task: TaskRecord): void => this.taskChanged(task);
  private readonly onLeader = (leader: boolean): void => {
    if (leader) this.resume();
    else this.forget();
  };

  constructor(private readonly scheduler: SchedulerPort, private readonly options: DeployEngineOptions = {}) {
    super();
    this.now = options.now ?? Date.now;
  }

  start(): void {
    this.scheduler.setDesiredProvider(() => this.desired());
    this.scheduler.events.on('task', this.onTask);
    this.scheduler.events.on('leader', this.onLeader);
    if (this.scheduler.isLeader) this.resume();
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

  /** A standby keeps no rollouts: the leader drives them and a new leader resumes them. */
  private forget(): void {
    this.progress.clear();
    this.ended.clear();
  }

  /** Pending deploys (not bounces) of every request. */
  pending(): { progress: DeployProgress; view: Record<string, unknown>; record: DeployRecord }[] {
    const out = [];
    for (const p of this.progress.values()) {
      if (p.kind !== 'deploy') continue;
      const record = this.scheduler.deploys.get(deployKey(p.requestId, p.deployId));
      const request = this.scheduler.requests.get(p.requestId);
      if (!record || !request) continue;
      out.push({ progress: p, record, view: progressView(p, this.context(p, request.request, record.deploy)) });
    }
    return out;
  }

  progressOf(requestId: string): DeployProgress | undefined {
    return this.progress.get(requestId);
  }

  openRuns(requestId: string): number {
    return this.runs.openRuns(requestId).length;
  }

  /** What must run now, for the core's reconcile loop. */
  desired(): DesiredDeployment[] {
    const out: DesiredDeployment[] = [];
    for (const [requestId, r] of this.scheduler.requests) {
      if (GONE.has(r.state)) continue;
      const p = this.progress.get(requestId);
      if (p) {
        out.push(...desiredFor(p, r.request));
      } else if (LONG_RUNNING.has(r.request.requestType)) {
        if (r.activeDeployId && r.state !== 'PAUSED' && r.state !== 'FINISHED') {
          out.push({ requestId, deployId: r.activeDeployId, instances: instancesOf(r.request) });
        }
      } else {
        const byDeploy = new Set(this.runs.openRuns(requestId).map((run) => run.deployId));
        for (const deployId of byDeploy) out.push({ requestId, deployId, instances: this.runs.desiredInstances(requestId, deployId) });
      }
    }
    return out;
  }

  submit(input: SubmitDeploy): DeployRecord {
    const { deploy } = input;
    const current = this.scheduler.requests.get(deploy.requestId);
    if (!current || GONE.has(current.state)) {
      throw new DeployEngineError('not-found', `request ${deploy.requestId} does not exist; create it with POST /api/requests first`);
    }
    if (current.pendingDeployId || this.progress.get(deploy.requestId)?.kind === 'deploy') {
      throw new DeployEngineError('conflict', `request ${deploy.requestId} already has a pending deploy (${current.pendingDeployId}); wait for it or cancel it with DELETE /api/deploys/deploy/${current.pendingDeployId}/request/${deploy.requestId}`);
    }
    if (this.scheduler.deploys.has(deployKey(deploy.requestId, deploy.id))) {
      throw new DeployEngineError('conflict', `deploy ${deploy.id} of request ${deploy.requestId} already exists; deploy ids are never reused`);
    }
    const now = this.now();
    if (this.progress.get(deploy.requestId)?.kind === 'bounce') this.abandonBounce(deploy.requestId);
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
      if (request.request.requestType === 'RUN_ONCE' && !paused) this.queueRun(deploy.requestId, deploy.id);
      this.finishRecord(record, { deployState: 'SUCCEEDED', message: why, deployFailures: [], timestamp: now });
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
      tasks: this.tasksOf(deploy.requestId), now,
    });
    this.progress.set(deploy.requestId, p);
    this.emit('event', { type: 'deploy.step', requestId: p.requestId, deployId: p.deployId, kind: p.kind, step: 1, targetActiveInstances: p.targetActiveInstances });
    this.evaluate(deploy.requestId);
    this.scheduler.poke();
    return record;
  }

  cancel(requestId: string, deployId: string, message = 'canceled by request'): void {
    const p = this.progress.get(requestId);
    if (!p || p.kind !== 'deploy' || p.deployId !== deployId) {
      throw new DeployEngineError('not-found', `deploy ${deployId} of request ${requestId} is not pending`);
    }
    this.finish(p, { deployState: 'CANCELED', message, deployFailures: [], timestamp: this.now() });
  }

  /** Raises the current step's target by hand (steps that do not auto-advance). */
  advance(requestId: string, deployId: string, targetActiveInstances: number): void {
    const p = this.progress.get(requestId);
    if (!p || p.kind !== 'deploy' || p.deployId !== deployId) {
      throw new DeployEngineError('not-found', `deploy ${deployId} of request ${requestId} is not pending`);
    }
    this.progress.set(requestId, { ...p, manualTarget: targetActiveInstances });
    this.evaluate(requestId);
  }

  bounce(requestId: string, message?: string): void {
    const r = this.scheduler.requests.get(requestId);
    if (!r || GONE.has(r.state)) throw new DeployEngineError('not-found', `request ${requestId} does not exist`);
    if (!LONG_RUNNING.has(r.request.requestType)) throw new DeployEngineError('invalid', `only SERVICE and WORKER requests can be bounced (${requestId} is ${r.request.requestType})`);
    if (r.state !== 'ACTIVE' || !r.activeDeployId) throw new DeployEngineError('conflict', `request ${requestId} is ${r.state}${r.activeDeployId ? '' : ' without an active deploy'}; only an active request can be bounced`);
    if (this.progress.has(requestId)) throw new DeployEngineError('conflict', `request ${requestId} is already rolling (${this.progress.get(requestId)?.kind})`);
    const deploy = this.scheduler.deploys.get(deployKey(requestId, r.activeDeployId))?.deploy;
    if (!deploy) throw new DeployEngineError('conflict', `active deploy ${r.activeDeployId} of ${requestId} is missing`);
    const now = this.now();
    const p = startDeploy({ kind: 'bounce', request: r.request, deploy, previousDeployId: deploy.id, oldInstances: instancesOf(r.request), tasks: this.tasksOf(requestId), now });
    this.progress.set(requestId, p);
    this.emit('event', { type: 'deploy.started', requestId, deployId: deploy.id, kind: 'bounce', previousDeployId: deploy.id, message });
    this.emit('event', { type: 'deploy.step', requestId, deployId: deploy.id, kind: 'bounce', step: 1, targetActiveInstances: p.targetActiveInstances });
    this.evaluate(requestId);
    this.scheduler.poke();
  }

  /** Starts a new deploy from an earlier deploy's definition (default: the last SUCCEEDED before the active one). */
  rollback(requestId: string, sourceDeployId?: string, message?: string): DeployRecord {
    const r = this.scheduler.requests.get(requestId);
    if (!r || GONE.has(r.state)) throw new DeployEngineError('not-found', `request ${requestId} does not exist`);
    const history = this.deploysOf(requestId);
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
    const r = this.scheduler.requests.get(requestId);
    if (!r || GONE.has(r.state)) throw new DeployEngineError('not-found', `request ${requestId} does not exist`);
    if (LONG_RUNNING.has(r.request.requestType)) throw new DeployEngineError('invalid', `only ON_DEMAND, RUN_ONCE and SCHEDULED requests can be run (${requestId} is ${r.request.requestType})`);
    if (!r.activeDeployId) throw new DeployEngineError('conflict', `request ${requestId} has no active deploy to run`);
    if (r.state === 'PAUSED') throw new DeployEngineError('conflict', `request ${requestId} is paused; unpause it first`);
    if (runId && this.runs.openRuns(requestId).some((run) => run.runId === runId)) throw new DeployEngineError('conflict', `run ${runId} of ${requestId} is already queued`);
    return this.queueRun(requestId, r.activeDeployId, runId);
  }

  /** Forgets open runs and any rollout of a request (pause, delete). */
  dropRequest(requestId: string, why: string): void {
    const p = this.progress.get(requestId);
    if (p?.kind === 'deploy') this.finish(p, { deployState: 'CANCELED', message: why, deployFailures: [], timestamp: this.now() });
    else if (p) this.abandonBounce(requestId);
    this.runs.clear(requestId);
    this.nextRunAt.delete(requestId);
  }

  /** Re-evaluates every rollout and fires due cron schedules. */
  tick(): void {
    for (const requestId of [...this.progress.keys()]) this.evaluate(requestId);
    this.fireSchedules();
  }

  private queueRun(requestId: string, deployId: string, runId?: string): string {
    const id = runId ?? `${this.now()}_${++this.runSeq}`;
    this.runs.queue({ runId: id, requestId, deployId, queuedAt: this.now() });
    this.scheduler.poke();
    return id;
  }

  private fireSchedules(): void {
    const now = this.now();
    for (const [requestId, r] of this.scheduler.requests) {
      const schedule = r.request.requestType === 'SCHEDULED' ? r.request.schedule : undefined;
      if (!schedule || r.state !== 'ACTIVE' || !r.activeDeployId) {
        this.nextRunAt.delete(requestId);
        continue;
      }
      let entry = this.nextRunAt.get(requestId);
      if (!entry || entry.schedule !== schedule) {
        entry = { schedule, at: nextCronTime(schedule, now) };
        this.nextRunAt.set(requestId, entry);
      }
      if (entry.at !== null && now >= entry.at) {
        // Like Singularity, a scheduled request never overlaps its own runs.
        if (this.runs.openRuns(requestId).length === 0) this.queueRun(requestId, r.activeDeployId);
        entry.at = nextCronTime(schedule, now);
      }
    }
  }

  private taskChanged(task: TaskRecord): void {
    const r = this.scheduler.requests.get(task.requestId);
    if (r && !LONG_RUNNING.has(r.request.requestType)) {
      const finished = this.runs.onTask(task, this.now(), r.request.numRetriesOnFailure ?? 0);
      if (finished) {
        this.emit('event', { type: 'run.finished', requestId: finished.requestId, deployId: finished.deployId, runId: finished.runId, outcome: finished.outcome, lastTaskState: finished.lastTaskState, taskId: finished.taskId });
        if (r.request.requestType === 'RUN_ONCE' && this.runs.openRuns(r.request.id).length === 0 && r.state === 'ACTIVE') {
          this.scheduler.putRequest({ ...r, state: 'FINISHED', updatedAt: this.now() });
          this.emit('event', { type: 'request.updated', requestId: r.request.id, state: 'FINISHED', action: 'run-once-finished' });
        }
        this.scheduler.poke();
      }
    }
    if (this.progress.has(task.requestId)) {
      if (isTerminalState(task.state)) {
        let m = this.ended.get(task.requestId);
        if (!m) this.ended.set(task.requestId, (m = new Map()));
        m.set(task.taskId, task);
      }
      this.evaluate(task.requestId);
    }
  }

  private tasksOf(requestId: string): TaskRecord[] {
    const out = new Map<string, TaskRecord>(this.ended.get(requestId));
    for (const t of this.scheduler.tasks.values()) if (t.requestId === requestId) out.set(t.taskId, t);
    return [...out.values()];
  }

  private deploysOf(requestId: string): DeployRecord[] {
    const out: DeployRecord[] = [];
    for (const d of this.scheduler.deploys.values()) if (d.deploy.requestId === requestId) out.push(d);
    return out;
  }

  private context(p: DeployProgress, request: SingularityRequest, deploy: SingularityDeploy) {
    return {
      request, deploy, tasks: this.tasksOf(p.requestId), now: this.now(),
      pendingReason: this.scheduler.pendingReasons.get(deployKey(p.requestId, p.deployId)),
    };
  }

  private evaluate(requestId: string): void {
    // Kills inside apply() may emit task events synchronously; evaluate again afterwards
    // instead of re-entering.
    if (this.busy.has(requestId)) {
      this.again.add(requestId);
      return;
    }
    this.busy.add(requestId);
    try {
      do {
        this.again.delete(requestId);
        this.evaluateOnce(requestId);
      } while (this.again.has(requestId));
    } finally {
      this.busy.delete(requestId);
    }
  }

  private evaluateOnce(requestId: string): void {
    const p = this.progress.get(requestId);
    if (!p) return;
    const r = this.scheduler.requests.get(requestId);
    const record = this.scheduler.deploys.get(deployKey(requestId, p.deployId));
    if (!r || !record || GONE.has(r.state)) {
      this.progress.delete(requestId);
      this.ended.delete(requestId);
      return;
    }
    const decision = evaluateDeploy(p, this.context(p, r.request, record.deploy));
    this.apply(decision);
  }

  private apply(d: DeployDecision): void {
    const p = d.progress;
    this.progress.set(p.requestId, p);
    for (const k of d.kills) {
      this.scheduler.killTask(k.taskId, k.why).catch((err: unknown) => {
        this.options.log?.warn({ err, taskId: k.taskId }, 'kill of a retired task failed');
      });
    }
    for (const e of d.events) {
      if (e.type === 'step') {
        this.emit('event', { type: 'deploy.step', requestId: p.requestId, deployId: p.deployId, kind: p.kind, step: e.step, targetActiveInstances: e.targetActiveInstances });
      } else {
        this.emit('event', { type: 'deploy.step-complete', requestId: p.requestId, deployId: p.deployId, kind: p.kind, step: e.step, targetActiveInstances: e.targetActiveInstances, healthy: e.healthy, retiredTaskIds: e.retiredTaskIds });
      }
    }
    if (d.result) this.finish(p, d.result);
    else if (d.kills.length || d.events.length) this.scheduler.poke();
  }

  private finish(p: DeployProgress, result: DeployResult): void {
    this.progress.delete(p.requestId);
    this.ended.delete(p.requestId);
    const r = this.scheduler.requests.get(p.requestId);
    const now = this.now();
    const ok = result.deployState === 'SUCCEEDED';
    let final = result;
    if (!ok && p.previousDeployId && r) {
      const instances = r.state === 'DEPLOYING_TO_UNPAUSE' ? 0 : instancesOf(r.request);
      final = { ...result, message: `${result.message ?? result.deployState}; rolled back: deploy ${p.previousDeployId} restored to ${instances} instances` };
    }
    if (p.kind === 'deploy') {
      const record = this.scheduler.deploys.get(deployKey(p.requestId, p.deployId));
      if (record) this.finishRecord(record, final);
      if (r) {
        let state = r.state;
        if (state === 'DEPLOYING_TO_UNPAUSE') state = ok ? 'ACTIVE' : 'PAUSED';
        this.scheduler.putRequest({
          ...r, state, pendingDeployId: undefined, activeDeployId: ok ? p.deployId : r.activeDeployId, updatedAt: now,
        });
        if (state !== r.state) this.emit('event', { type: 'request.updated', requestId: p.requestId, state, action: ok ? 'unpaused-by-deploy' : 'deploy-to-unpause-failed' });
      }
    } else {
      this.emit('event', { type: 'deploy.finished', requestId: p.requestId, deployId: p.deployId, kind: p.kind, deployResult: final });
    }
    if (!ok && p.previousDeployId && r && p.kind === 'deploy') {
      this.emit('event', {
        type: 'deploy.rollback', requestId: p.requestId, failedDeployId: p.deployId, restoredDeployId: p.previousDeployId,
        instances: r.state === 'DEPLOYING_TO_UNPAUSE' ? 0 : instancesOf(r.request), reason: result.message ?? result.deployState,
      });
    }
    this.scheduler.poke();
  }

  private finishRecord(record: DeployRecord, result: DeployResult): void {
    this.scheduler.putDeploy({ ...record, result });
    this.emit('event', { type: 'deploy.finished', requestId: record.deploy.requestId, deployId: record.deploy.id, kind: 'deploy', deployResult: result });
  }

  private abandonBounce(requestId: string): void {
    const p = this.progress.get(requestId);
    if (!p || p.kind !== 'bounce') return;
    this.finish(p, { deployState: 'CANCELED', message: 'bounce superseded', deployFailures: [], timestamp: this.now() });
  }

  /** Picks rollouts back up after a restart or failover from the persisted records. */
  private resume(): void {
    const now = this.now();
    this.forget();
    for (const [requestId, r] of this.scheduler.requests) {
      if (!r.pendingDeployId || GONE.has(r.state)) continue;
      const record = this.scheduler.deploys.get(deployKey(requestId, r.pendingDeployId));
      if (!record || record.result) {
        this.scheduler.putRequest({ ...r, pendingDeployId: undefined, updatedAt: now });
        continue;
      }
      const tasks = this.tasksOf(requestId);
      const instances = instancesOf(r.request);
      const p = startDeploy({
        kind: 'deploy', request: r.request, deploy: record.deploy, previousDeployId: r.activeDeployId,
        oldInstances: r.state === 'DEPLOYING_TO_UNPAUSE' || !r.activeDeployId ? 0 : instances, tasks, now,
      });
      const aliveNew = tasks.filter((t) => t.deployId === record.deploy.id && !isTerminalState(t.state)).length;
      const aliveOld = tasks.filter((t) => t.deployId === r.activeDeployId && !isTerminalState(t.state) && t.killRequestedAt === undefined).length;
      const target = Math.min(instances, Math.max(p.targetActiveInstances, aliveNew));
      this.progress.set(requestId, { ...p, targetActiveInstances: target, retired: Math.max(0, p.oldInstances - aliveOld) });
      this.options.log?.info({ requestId, deployId: record.deploy.id, target }, 'resumed pending deploy');
    }
  }
}

function nextCronTime(schedule: string, after: number): number | null {
  try {
    const next = new Cron(schedule, { paused: true }).nextRun(new Date(after));
    return next ? next.getTime() : null;
  } catch {
    return null;
  }
}
