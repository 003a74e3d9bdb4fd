import {
  containerName,
  type ExtendedTaskState, type RequestCleanupType, type SingularityRequestCleanup, type SingularityTaskHealthcheckResult,
  type SingularityTaskHistory, type SingularityTaskHistoryUpdate, type SingularityTaskIdHistory, type TaskCleanupType,
} from '../../contract';
import { isTerminalState } from '../../mesos-proto';
import type { DeployRecord, RequestRecord, TaskRecord } from '../model';
import { renderTask, taskIdObject } from './singularity-shapes';

/**
 * Views of tasks that Singularity keeps as records of their own (cleanups, kill records, status
 * update lists) and Griddle derives from its task records. Pure.
 */

/**
 * A task's status updates as Singularity lists them: TASK_LAUNCHED when Griddle launched it,
 * the updates its record kept (the last 20), and TASK_CLEANING when Griddle decided to kill it.
 * Records from before updates were kept get them rebuilt from what they hold.
 */
export function taskUpdates(t: TaskRecord): SingularityTaskHistoryUpdate[] {
  const taskId = taskIdObject(t.taskId, t);
  const out: SingularityTaskHistoryUpdate[] = [];
  const push = (timestamp: number, taskState: ExtendedTaskState, statusMessage?: string, statusReason?: string): void => {
    out.push({ taskId, timestamp, taskState, ...(statusMessage ? { statusMessage } : {}), ...(statusReason ? { statusReason } : {}), previous: [] });
  };
  push(t.startedAt, 'TASK_LAUNCHED');
  if (t.updates) {
    for (const u of t.updates) push(u.at, u.state, u.message, u.reason);
    if (t.killRequestedAt !== undefined) push(t.killRequestedAt, 'TASK_CLEANING', t.killReason);
    // Stable: an update in the same millisecond as the launch stays after it.
    return out.sort((a, b) => a.timestamp - b.timestamp);
  }
  if (t.runningSince !== undefined) push(t.runningSince, 'TASK_RUNNING');
  if (t.killRequestedAt !== undefined) push(t.killRequestedAt, 'TASK_CLEANING', t.killReason);
  const last = out[out.length - 1];
  if (t.state !== last.taskState && !(t.state === 'TASK_RUNNING' && t.runningSince !== undefined)) push(Math.max(t.updatedAt, last.timestamp), t.state, t.message, t.reason);
  return out.sort((a, b) => a.timestamp - b.timestamp);
}

const HEALTH_FAILING = /^health check failing: /;
const STATUS_CODE = /\breturned (\d{3})\b/;

/** The health changes the executor reported, as Singularity's results: a failing one carries its error (and HTTP status). */
export function healthcheckResults(t: TaskRecord): SingularityTaskHealthcheckResult[] {
  const taskId = taskIdObject(t.taskId, t);
  let everHealthy = false;
  return (t.healthResults ?? []).map((h) => {
    const result: SingularityTaskHealthcheckResult = { taskId, timestamp: h.at, startup: !everHealthy && !h.healthy };
    if (!h.healthy) {
      const error = (h.message ?? 'health check failing').replace(HEALTH_FAILING, '');
      result.errorMessage = error;
      const code = STATUS_CODE.exec(error);
      if (code) result.statusCode = Number(code[1]);
    }
    everHealthy ||= h.healthy;
    return result;
  });
}

/** `GET /history/task/{id}`: the task, its updates and health results, its sandbox and container. */
export function renderTaskHistory(t: TaskRecord, request: RequestRecord | undefined, deploy: DeployRecord | undefined, directory: string | null): SingularityTaskHistory {
  return {
    task: renderTask(t, request, deploy),
    taskUpdates: taskUpdates(t),
    healthcheckResults: healthcheckResults(t),
    loadBalancerUpdates: [],
    shellCommandHistory: [],
    taskMetadata: [],
    directory,
    // The executor names the container after the task; Docker's id is never reported back.
    containerId: usesGriddleExecutor(t) ? containerName(t.taskId) : null,
    lastTaskState: t.state,
  };
}

/** A task run by griddle-executor (Docker): Mesos's CommandInfo-only tasks have no container to name. */
function usesGriddleExecutor(t: TaskRecord): boolean {
  const info = t.taskInfo as { executor?: unknown; container?: { type?: string } } | undefined;
  return info === undefined || info.executor !== undefined || info.container?.type === 'DOCKER';
}

export function taskIdHistory(t: TaskRecord, runId: string | undefined): SingularityTaskIdHistory {
  return { taskId: taskIdObject(t.taskId, t), updatedAt: t.updatedAt, lastTaskState: t.state, ...(runId ? { runId } : {}) };
}

/** Why Griddle is killing a task, in Singularity's TaskCleanupType terms. */
export function taskCleanupType(
  t: TaskRecord, r: RequestRecord | undefined, deploy: DeployRecord | undefined, rolling: 'deploy' | 'bounce' | undefined,
): TaskCleanupType {
  if (!r || r.state === 'DELETED' || r.state === 'DELETING') return 'REQUEST_DELETING';
  if (r.state === 'PAUSED') return 'PAUSING';
  if (t.killReason?.includes('through the API')) return 'USER_REQUESTED';
  if (t.deployId === r.activeDeployId) {
    if (rolling === 'bounce') return 'BOUNCING';
    if (rolling === 'deploy') return 'DEPLOY_STEP_FINISHED';
    return 'SCALING_DOWN';
  }
  const state = deploy?.result?.deployState;
  if (state === 'CANCELED' || state === 'CANCELING') return 'DEPLOY_CANCELED';
  if (state === 'OVERDUE') return 'OVERDUE_NEW_TASK';
  if (state && state !== 'SUCCEEDED') return 'DEPLOY_FAILED';
  if (t.deployId === r.pendingDeployId) return t.healthy === false ? 'UNHEALTHY_NEW_TASK' : 'SCALING_DOWN';
  return 'NEW_DEPLOY_SUCCEEDED';
}

/**
 * Requests being cleaned up: deleted or paused ones whose tasks are still alive, and bounces
 * in progress. Timestamps are the first kill of the request's tasks (or now for a bounce).
 */
export function requestCleanups(
  tasks: Iterable<TaskRecord>, requests: ReadonlyMap<string, RequestRecord>,
  bounces: readonly { requestId: string; deployId: string; incremental: boolean; startedAt: number }[],
): SingularityRequestCleanup[] {
  const byRequest = new Map<string, SingularityRequestCleanup>();
  for (const t of tasks) {
    if (isTerminalState(t.state)) continue;
    const r = requests.get(t.requestId);
    const type: RequestCleanupType | undefined = !r || r.state === 'DELETED' || r.state === 'DELETING' ? 'DELETING' : r.state === 'PAUSED' ? 'PAUSING' : undefined;
    if (!type) continue;
    const at = t.killRequestedAt ?? t.updatedAt;
    const existing = byRequest.get(t.requestId);
    if (existing) existing.timestamp = Math.min(existing.timestamp, at);
    else byRequest.set(t.requestId, { cleanupType: type, timestamp: at, killTasks: true, requestId: t.requestId });
  }
  for (const b of bounces) {
    byRequest.set(b.requestId, { cleanupType: b.incremental ? 'INCREMENTAL_BOUNCE' : 'BOUNCE', timestamp: b.startedAt, killTasks: true, requestId: b.requestId, deployId: b.deployId });
  }
  return [...byRequest.values()];
}

export interface TaskSearch {
  requestId?: string;
  deployId?: string;
  runId?: string;
  host?: string;
  lastTaskStatus?: string;
  startedBefore?: number;
  startedAfter?: number;
  updatedBefore?: number;
  updatedAfter?: number;
  orderDirection?: 'ASC' | 'DESC';
  count?: number;
  page?: number;
}

/**
 * Singularity's task history search: every given filter must hold; sorted by updatedAt (newest
 * first unless ASC); `count` per page (default 100, at most 1000), pages from 1. Returns the
 * page and how many matched in all.
 */
export function searchTasks(tasks: readonly TaskRecord[], q: TaskSearch, runIdOf: (taskId: string) => string | undefined): { page: TaskRecord[]; total: number } {
  const matched = tasks.filter((t) =>
    (q.requestId === undefined || t.requestId === q.requestId)
    && (q.deployId === undefined || t.deployId === q.deployId)
    && (q.runId === undefined || runIdOf(t.taskId) === q.runId)
    && (q.host === undefined || t.hostname === q.host)
    && (q.lastTaskStatus === undefined || t.state === q.lastTaskStatus)
    && (q.startedBefore === undefined || t.startedAt < q.startedBefore)
    && (q.startedAfter === undefined || t.startedAt > q.startedAfter)
    && (q.updatedBefore === undefined || t.updatedAt < q.updatedBefore)
    && (q.updatedAfter === undefined || t.updatedAt > q.updatedAfter));
  matched.sort((a, b) => (q.orderDirection === 'ASC' ? a.updatedAt - b.updatedAt : b.updatedAt - a.updatedAt) || a.taskId.localeCompare(b.taskId));
  const count = Math.min(q.count ?? 100, 1000);
  const page = q.page ?? 1;
  return { page: matched.slice((page - 1) * count, page * count), total: matched.length };
}

/** The page count Singularity reports beside a page: ceil(dataCount / count). */
export function pageCount(total: number, count = 100): number {
  return Math.ceil(total / Math.min(count, 1000));
}
