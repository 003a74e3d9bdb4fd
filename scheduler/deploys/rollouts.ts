import type { Logger } from '../../common';
import { isTerminalState } from '../../mesos-proto';
import { type AcceptanceRunner, acceptanceRunner } from '../acceptance/http-adapter';
import { TaskMap } from '../core';
import type { DeployRecord, DeployResult, SingularityDeploy, SingularityRequest, TaskRecord } from '../model';
import { type DeployDecision, type DeployProgress, evaluateDeploy, instancesOf, progressView, startDeploy } from './deploy-machine';
import { AcceptanceRuns, DEFAULT_ACCEPTANCE_POLL_MS } from './acceptance-runs';
import { GONE, type EmitEngineEvent } from './engine-types';
import { isLaunchOnly } from './rollout-tasks';
import { deployKey, type SchedulerPort } from './scheduler-port';

/**
 * The deploys and bounces in progress: each one's state (`DeployProgress`) is advanced by the
 * pure deploy machine on every task change and tick, and its decisions (kills, steps, the
 * result) are carried out here, down to the deploy and request records.
 */
export class Rollouts {
  /** By request id. */
  readonly progress = new Map<string, DeployProgress>();
  /** Terminal tasks of requests with a rollout, kept even if the core moves them to history. */
  private readonly ended = new Map<string, Map<string, TaskRecord>>();
  private readonly busy = new Set<string>();
  private readonly again = new Set<string>();
  private readonly acceptance: AcceptanceRuns;
  /** Rollout evaluations and the tasks they looked at, since start: what count-based tests check. */
  readonly work = { evaluations: 0, tasksVisited: 0 };

  constructor(
    private readonly scheduler: SchedulerPort,
    private readonly emit: EmitEngineEvent,
    private readonly now: () => number,
    private readonly log: Logger | undefined,
    acceptance: { run?: AcceptanceRunner; pollMs?: number } = {},
  ) {
    this.acceptance = new AcceptanceRuns(
      acceptance.run ?? acceptanceRunner(), acceptance.pollMs ?? DEFAULT_ACCEPTANCE_POLL_MS, now, (requestId) => this.evaluate(requestId), log,
    );
  }

  /** A standby keeps no rollouts: the leader drives them and a new leader resumes them. */
  forget(): void {
    this.progress.clear();
    this.ended.clear();
    this.acceptance.forget();
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

  /** A request's live tasks and the ended ones this rollout has seen. */
  tasksOf(requestId: string): TaskRecord[] {
    const ended = this.ended.get(requestId);
    if (!ended) return [...this.liveOf(requestId).values()];
    const out = new Map<string, TaskRecord>(ended);
    for (const t of this.liveOf(requestId).values()) out.set(t.taskId, t);
    return [...out.values()];
  }

  /** A request's live tasks: the core's TaskMap keeps them grouped (a plain map is scanned). */
  private liveOf(requestId: string): ReadonlyMap<string, TaskRecord> {
    const tasks = this.scheduler.tasks;
    if (tasks instanceof TaskMap) return tasks.ofRequest(requestId);
    return new Map([...tasks].filter(([, t]) => t.requestId === requestId));
  }

  taskChanged(task: TaskRecord, previous?: TaskRecord): void {
    if (!this.progress.has(task.requestId) || isLaunchOnly(task, previous)) return;
    if (isTerminalState(task.state)) {
      let m = this.ended.get(task.requestId);
      if (!m) this.ended.set(task.requestId, (m = new Map()));
      m.set(task.taskId, task);
    }
    this.evaluate(task.requestId);
  }

  evaluate(requestId: string): void {
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

  finish(p: DeployProgress, result: DeployResult): void {
    this.progress.delete(p.requestId);
    this.ended.delete(p.requestId);
    this.acceptance.forget(p.requestId);
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
        if (state !== r.state) this.emit({ type: 'request.updated', requestId: p.requestId, state, action: ok ? 'unpaused-by-deploy' : 'deploy-to-unpause-failed' });
      }
    } else {
      this.emit({ type: 'deploy.finished', requestId: p.requestId, deployId: p.deployId, kind: p.kind, deployResult: final });
    }
    if (!ok && p.previousDeployId && r && p.kind === 'deploy') {
      this.emit({
        type: 'deploy.rollback', requestId: p.requestId, failedDeployId: p.deployId, restoredDeployId: p.previousDeployId,
        instances: r.state === 'DEPLOYING_TO_UNPAUSE' ? 0 : instancesOf(r.request), reason: result.message ?? result.deployState,
      });
    }
    this.scheduler.poke();
  }

  /** Writes a deploy's result into its record. */
  finishRecord(record: DeployRecord, result: DeployResult): void {
    this.scheduler.putDeploy({ ...record, result });
    this.emit({ type: 'deploy.finished', requestId: record.deploy.requestId, deployId: record.deploy.id, kind: 'deploy', deployResult: result });
  }

  abandonBounce(requestId: string): void {
    const p = this.progress.get(requestId);
    if (!p || p.kind !== 'bounce') return;
    this.finish(p, { deployState: 'CANCELED', message: 'bounce superseded', deployFailures: [], timestamp: this.now() });
  }

  /** Picks rollouts back up after a restart or failover from the persisted records. */
  resume(): void {
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
      this.log?.info({ requestId, deployId: record.deploy.id, target }, 'resumed pending deploy');
    }
  }

  private context(p: DeployProgress, request: SingularityRequest, deploy: SingularityDeploy) {
    return {
      request, deploy, tasks: this.tasksOf(p.requestId), now: this.now(),
      pendingReason: this.scheduler.pendingReasons.get(deployKey(p.requestId, p.deployId)),
      acceptance: this.acceptance.latestFor(p.requestId, p.deployId),
    };
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
    const ctx = this.context(p, r.request, record.deploy);
    this.work.evaluations++;
    this.work.tasksVisited += ctx.tasks.length;
    const decision = evaluateDeploy(p, ctx);
    this.apply(decision);
    const waiting = decision.awaitingAcceptance;
    if (!decision.result && waiting && decision.progress.healthySince !== undefined) {
      this.acceptance.want(requestId, record.deploy, waiting.step, decision.progress.healthySince);
    }
  }

  private apply(d: DeployDecision): void {
    const p = d.progress;
    this.progress.set(p.requestId, p);
    for (const k of d.kills) {
      this.scheduler.killTask(k.taskId, k.why).catch((err: unknown) => {
        this.log?.warn({ err, taskId: k.taskId }, 'kill of a retired task failed');
      });
    }
    for (const e of d.events) {
      if (e.type === 'step') {
        this.emit({ type: 'deploy.step', requestId: p.requestId, deployId: p.deployId, kind: p.kind, step: e.step, targetActiveInstances: e.targetActiveInstances });
      } else {
        this.emit({ type: 'deploy.step-complete', requestId: p.requestId, deployId: p.deployId, kind: p.kind, step: e.step, targetActiveInstances: e.targetActiveInstances, healthy: e.healthy, retiredTaskIds: e.retiredTaskIds });
      }
    }
    if (d.result) this.finish(p, d.result);
    else if (d.kills.length || d.events.length) this.scheduler.poke();
  }
}
