/**
 * The orphan sweep: removes Griddle containers whose executor is gone. An executor killed with
 * SIGKILL (or by the OOM killer) cannot clean up after itself, and a Mesos agent knows nothing
 * of the containers its executors start, so every executor sweeps its host
 * (orphan-sweeper.ts) and `griddle-executor --gc` runs the same sweep by hand.
 * The decision is pure (`planSweep`); `collectGarbage` feeds it Docker's list and /proc.
 */
import type Docker from 'dockerode';
import type { Logger } from '../common';
import { LABEL_EXECUTOR_ID, LABEL_EXECUTOR_PID, LABEL_EXECUTOR_START, LABEL_TASK_ID } from './container-spec';
import { isRemovalRace } from './docker-engine';
import { executorLiveness, runningExecutors, type Liveness, type RunningExecutors } from './process-identity';

/** True when `pid` is alive and is the executor of `executorId` (pids get reused). */
export function executorAlive(pid: number, executorId: string, procRoot = '/proc', startTime?: string): boolean {
  return executorLiveness(pid, executorId, startTime, procRoot) !== 'gone';
}

export interface SweptContainer {
  id: string;
  name: string;
  /** Docker's `State` (`running`, `exited`, …) and `Status` (`Exited (1) 2 minutes ago`). */
  state: string;
  status: string;
  labels: Readonly<Record<string, string>>;
}

export interface SweepFacts {
  /** The sweeping executor's own id: its container is never touched. */
  selfExecutorId?: string;
  keepFailed: boolean;
  liveness(pid: number, executorId: string, startTime: string | undefined): Liveness;
  /** Asked only when some container's labelled executor is gone. */
  runningExecutors(): RunningExecutors;
}

export interface SweepDecision {
  container: SweptContainer;
  remove: boolean;
  why: string;
}

export function planSweep(containers: readonly SweptContainer[], facts: SweepFacts): SweepDecision[] {
  let running: RunningExecutors | undefined;
  return containers.map((container) => {
    const decide = (remove: boolean, why: string) => ({ container, remove, why });
    const { labels } = container;
    const executorId = labels[LABEL_EXECUTOR_ID] ?? '';
    if (facts.selfExecutorId !== undefined && executorId === facts.selfExecutorId) return decide(false, 'own container');
    const liveness = facts.liveness(Number(labels[LABEL_EXECUTOR_PID]), executorId, labels[LABEL_EXECUTOR_START] || undefined);
    if (liveness === 'alive') return decide(false, 'executor alive');
    if (liveness === 'unreadable') return decide(false, 'executor process belongs to another user');
    if (facts.keepFailed && container.state === 'exited' && !/Exited \(0\)/.test(container.status)) {
      return decide(false, 'failed container kept (EXECUTOR_KEEP_FAILED_CONTAINERS)');
    }
    running ??= facts.runningExecutors();
    if (executorId && running.ids.has(executorId)) return decide(false, 'an executor restarted under its id runs');
    if (running.unreadable) return decide(false, 'an executor of another user may have adopted it');
    return decide(true, 'executor gone');
  });
}

export interface GcResult {
  removed: string[];
  kept: string[];
  /** Removed by a concurrent sweep (or its executor) while this one was at it. */
  alreadyGone: string[];
}

export interface GcOptions {
  keepFailed: boolean;
  selfExecutorId?: string;
  procRoot?: string;
}

export async function collectGarbage(docker: Docker, log: Logger, opts: GcOptions): Promise<GcResult> {
  const listed = await docker.listContainers({ all: true, filters: { label: [LABEL_TASK_ID] } });
  const procRoot = opts.procRoot ?? '/proc';
  const plan = planSweep(listed.map((c) => ({
    id: c.Id, name: c.Names[0]?.replace(/^\//, '') ?? c.Id, state: c.State, status: c.Status, labels: c.Labels,
  })), {
    selfExecutorId: opts.selfExecutorId,
    keepFailed: opts.keepFailed,
    liveness: (pid, executorId, startTime) => executorLiveness(pid, executorId, startTime, procRoot),
    runningExecutors: () => runningExecutors(procRoot),
  });
  const result: GcResult = { removed: [], kept: [], alreadyGone: [] };
  for (const { container, remove, why } of plan) {
    const context = { container: container.name, executorId: container.labels[LABEL_EXECUTOR_ID], taskId: container.labels[LABEL_TASK_ID] };
    if (!remove) {
      result.kept.push(container.name);
      log.debug({ ...context, why }, 'keeping container');
      continue;
    }
    try {
      await docker.getContainer(container.id).remove({ force: true });
      result.removed.push(container.name);
      log.info(context, 'removed container of a gone executor');
    } catch (err) {
      if (isRemovalRace(err)) {
        result.alreadyGone.push(container.name);
        log.debug({ ...context, cause: (err as Error).message }, 'container already removed by another sweep');
      } else {
        log.warn({ ...context, cause: (err as Error).message }, 'cannot remove container');
      }
    }
  }
  return result;
}
