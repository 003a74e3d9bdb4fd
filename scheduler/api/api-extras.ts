import type {
  CrashLoopInfo, SingularityTaskReconciliationStatistics, SingularityTaskRequest, SingularityTaskState,
} from '../../contract';
import { isTerminalState } from '../../mesos-proto';
import { type ReconcileStats, countsAsInstance } from '../core';
import type { TaskRecord } from '../model';
import type { ApiContext } from './api-context';
import { detectCrashLoops } from './crash-loops';
import { type PendingTask, pendingTasks } from './pending-tasks';
import type { RequestGroups } from './request-groups';
import type { RequestHistoryLog } from './request-history';
import { LONG_RUNNING_TYPES } from './request-schema';
import { renderDeploy, renderRequest, taskIdObject } from './singularity-shapes';
import { taskUpdates } from './task-views';

/** What the core offers beyond SchedulerPort (present on the real Scheduler; absent on fakes). */
interface CoreViews {
  crashBackoffs: ReadonlyMap<string, { nextLaunchAt: number }>;
  launchBackoffs: ReadonlyMap<string, { nextLaunchAt: number }>;
  reconciliationStats(): ReconcileStats | null;
}

/**
 * The read models behind the views that Singularity keeps as records of their own (pending
 * tasks, task states, crash loops, request history, groups) and Griddle derives from its state,
 * shared by the resources that serve them.
 */
export class ApiExtras {
  constructor(readonly ctx: ApiContext, readonly requestHistory: RequestHistoryLog, readonly groups: RequestGroups) {}

  private get core(): Partial<CoreViews> {
    return this.ctx.scheduler as Partial<CoreViews>;
  }

  /** Every request id that still has something to show: live requests, deploy records, history. */
  knownRequestIds(): Set<string> {
    const ids = new Set(this.ctx.scheduler.requests.keys());
    for (const d of this.ctx.scheduler.deploys.values()) ids.add(d.deploy.requestId);
    return ids;
  }

  knownRequest(id: string): boolean {
    return this.ctx.scheduler.requests.has(id) || this.requestHistory.has(id) || this.ctx.history.of(id).length > 0
      || [...this.ctx.scheduler.deploys.values()].some((d) => d.deploy.requestId === id);
  }

  /** Ended tasks of every known request. */
  allEnded(): TaskRecord[] {
    return [...this.knownRequestIds()].flatMap((id) => [...this.ctx.history.of(id)]);
  }

  runIdOf = (taskId: string): string | undefined => this.ctx.engine.runView.runIdOf(taskId);

  pendingTasks(): PendingTask[] {
    const { scheduler, engine, history } = this.ctx;
    return pendingTasks({
      desired: engine.desired(),
      tasks: scheduler.tasks.values(),
      requests: scheduler.requests,
      deploy: (r, d) => this.ctx.deployOf(r, d),
      rollout: (r) => engine.progressOf(r),
      openRuns: (r) => engine.runView.openRunList(r).map((run) => ({ ...run, taskId: run.taskId && scheduler.tasks.has(run.taskId) ? run.taskId : undefined })),
      ended: (r) => history.of(r),
      crash: this.core.crashBackoffs ?? new Map(),
      launch: this.core.launchBackoffs ?? new Map(),
      pendingReasons: scheduler.pendingReasons,
    });
  }

  /** SingularityTaskRequest of a pending task (request, deploy, pendingTask). */
  taskRequest(p: PendingTask): SingularityTaskRequest | undefined {
    const id = p.pendingTaskId;
    const r = this.ctx.scheduler.requests.get(id.requestId);
    if (!r) return undefined;
    const d = this.ctx.deployOf(id.requestId, id.deployId);
    return {
      request: renderRequest(r.request),
      deploy: d && renderDeploy(d.deploy),
      pendingTask: {
        pendingTaskId: id,
        ...(p.runId ? { runId: p.runId } : {}),
        ...(d?.deploy.resources ? { resources: d.deploy.resources } : {}),
        s3UploaderAdditionalFiles: [], envOverrides: {}, requiredAgentAttributeOverrides: {}, allowedAgentAttributeOverrides: {}, extraArtifacts: [],
      },
      ...(p.pendingReason ? { pendingReason: p.pendingReason } : {}),
    };
  }

  /** SingularityTaskState of a known task (active or ended). */
  taskState(t: TaskRecord): SingularityTaskState {
    const runId = this.runIdOf(t.taskId);
    const updates = taskUpdates(t);
    return {
      taskId: taskIdObject(t.taskId, t),
      ...(runId ? { runId } : {}),
      currentState: updates[updates.length - 1].taskState,
      taskHistory: updates,
      pending: false,
    };
  }

  findTask(taskId: string): TaskRecord | undefined {
    return this.ctx.scheduler.tasks.get(taskId) ?? this.ctx.history.find(taskId);
  }

  /** Open crash loops of the deploys still in play (active or pending) of one request or all. */
  crashLoops(requestId?: string): CrashLoopInfo[] {
    const { scheduler, history, now } = this.ctx;
    const out: CrashLoopInfo[] = [];
    for (const r of scheduler.requests.values()) {
      if (requestId !== undefined && r.request.id !== requestId) continue;
      const ended = history.of(r.request.id);
      for (const deployId of new Set([r.activeDeployId, r.pendingDeployId])) {
        if (!deployId) continue;
        let lastHealthyAt: number | undefined;
        for (const t of scheduler.tasks.values()) {
          if (t.requestId === r.request.id && t.deployId === deployId && countsAsInstance(t) && t.state === 'TASK_RUNNING' && t.healthy === true) {
            lastHealthyAt = Math.max(lastHealthyAt ?? 0, t.runningSince ?? t.updatedAt);
          }
        }
        out.push(...detectCrashLoops({
          requestId: r.request.id, deployId, longRunning: LONG_RUNNING_TYPES.has(r.request.requestType),
          ended: ended.filter((t) => t.deployId === deployId && isTerminalState(t.state)), lastHealthyAt,
        }, now()));
      }
    }
    return out;
  }

  reconciliation(): SingularityTaskReconciliationStatistics | undefined {
    const stats = this.core.reconciliationStats?.();
    return stats ? reconciliationStatistics(stats, this.ctx.now()) : undefined;
  }
}

/** Singularity's reconciliation numbers from Griddle's raw ones: duration, rounds and latency percentiles. */
export function reconciliationStatistics(s: ReconcileStats, now: number): SingularityTaskReconciliationStatistics {
  const xs = [...s.responseLatenciesMs].sort((a, b) => a - b);
  const n = xs.length;
  const pct = (p: number): number => (n === 0 ? 0 : xs[Math.min(n - 1, Math.ceil(p * n) - 1)]);
  const mean = n === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / n;
  const variance = n === 0 ? 0 : xs.reduce((a, b) => a + (b - mean) ** 2, 0) / n;
  return {
    taskReconciliationStartedAt: s.startedAt,
    taskReconciliationDurationMillis: (s.finishedAt ?? now) - s.startedAt,
    taskReconciliationIterations: s.iterations,
    taskReconciliationResponseCount: n,
    taskReconciliationResponseMax: n === 0 ? 0 : xs[n - 1],
    taskReconciliationResponseMean: mean,
    taskReconciliationResponseMin: n === 0 ? 0 : xs[0],
    taskReconciliationResponseP50: pct(0.5),
    taskReconciliationResponseP75: pct(0.75),
    taskReconciliationResponseP95: pct(0.95),
    taskReconciliationResponseP98: pct(0.98),
    taskReconciliationResponseP99: pct(0.99),
    taskReconciliationResponseP999: pct(0.999),
    taskReconciliationResponseStddev: Math.sqrt(variance),
  };
}
