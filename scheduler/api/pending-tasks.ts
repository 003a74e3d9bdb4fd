import type {
  PendingType, SingularityPendingRequest, SingularityPendingTaskId, SingularityScheduledTasksInfo,
} from '../../contract';
import { countsAsInstance, deployKey } from '../core';
import type { DeployRecord, DesiredDeployment, RequestRecord, TaskRecord } from '../model';
import { LONG_RUNNING_TYPES } from './request-schema';

/**
 * Pending (scheduled) tasks: the instances the scheduler wants running but has not launched yet,
 * derived from the same desired state the core plans from. Pure; the API passes the live maps.
 */
export interface PendingInput {
  desired: readonly DesiredDeployment[];
  tasks: Iterable<TaskRecord>;
  requests: ReadonlyMap<string, RequestRecord>;
  deploy(requestId: string, deployId: string): DeployRecord | undefined;
  /** The rollout in progress for a request, if any. */
  rollout(requestId: string): { kind: 'deploy' | 'bounce'; deployId: string; step: number } | undefined;
  /** Open runs, queue order; `taskId` set while one of its tasks is live. */
  openRuns(requestId: string): readonly { runId: string; deployId: string; queuedAt: number; taskId?: string }[];
  /** Ended tasks of a request, newest first. */
  ended(requestId: string): readonly TaskRecord[];
  crash: ReadonlyMap<string, { nextLaunchAt: number }>;
  launch: ReadonlyMap<string, { nextLaunchAt: number }>;
  pendingReasons: ReadonlyMap<string, string>;
}

export interface PendingTask { pendingTaskId: SingularityPendingTaskId; runId?: string; pendingReason?: string }

export function pendingTaskIdString(p: Omit<SingularityPendingTaskId, 'id'>): string {
  return `${p.requestId}-${p.deployId}-${p.nextRunAt}-${p.instanceNo}-${p.pendingType}-${p.createdAt}`;
}

/** Parses `requestId-deployId-nextRunAt-instanceNo-pendingType-createdAt` from the right (request ids may hold '-'). */
export function parsePendingTaskId(id: string): Omit<SingularityPendingTaskId, 'id'> | null {
  const m = /^(.+)-([A-Za-z0-9_]+)-(\d{1,15})-(\d{1,6})-([A-Z_]+)-(\d{1,15})$/.exec(id);
  if (!m) return null;
  return { requestId: m[1], deployId: m[2], nextRunAt: Number(m[3]), instanceNo: Number(m[4]), pendingType: m[5] as PendingType, createdAt: Number(m[6]) };
}

function pendingTypeOf(input: PendingInput, r: RequestRecord, deployId: string, previous: TaskRecord | undefined): PendingType {
  if (!LONG_RUNNING_TYPES.has(r.request.requestType)) return 'ONEOFF';
  const rollout = input.rollout(r.request.id);
  if (rollout?.deployId === deployId) {
    if (rollout.kind === 'bounce') return 'BOUNCE';
    return rollout.step > 1 ? 'NEXT_DEPLOY_STEP' : 'NEW_DEPLOY';
  }
  if (previous) return 'TASK_DONE';
  return r.state === 'ACTIVE' && r.updatedAt > (input.deploy(r.request.id, deployId)?.createdAt ?? 0) ? 'UPDATED_REQUEST' : 'NEW_DEPLOY';
}

/** Each desired deploy of a request that exists, once (its first entry), with its key. */
function* desiredOnce(desired: readonly DesiredDeployment[], requests: ReadonlyMap<string, RequestRecord>): Generator<{ d: DesiredDeployment; key: string; r: RequestRecord }> {
  const seen = new Set<string>();
  for (const d of desired) {
    const key = deployKey(d.requestId, d.deployId);
    const r = requests.get(d.requestId);
    if (!r || seen.has(key)) continue;
    seen.add(key);
    yield { d, key, r };
  }
}

/**
 * How many tasks `pendingTasks` lists, from each deploy's count of distinct live instance
 * numbers (`liveInstances`) alone: without a walk of the tasks.
 */
export function pendingCount(desired: readonly DesiredDeployment[], requests: ReadonlyMap<string, RequestRecord>, liveInstances: (key: string) => number): number {
  let n = 0;
  for (const { d, key } of desiredOnce(desired, requests)) n += Math.max(0, d.instances - liveInstances(key));
  return n;
}

/** Every pending task, soonest first (Singularity's order: nextRunAt, then request, deploy, instance). */
export function pendingTasks(input: PendingInput): PendingTask[] {
  const live = new Map<string, Set<number>>();
  for (const t of input.tasks) {
    if (!countsAsInstance(t)) continue;
    const key = deployKey(t.requestId, t.deployId);
    let set = live.get(key);
    if (!set) live.set(key, (set = new Set()));
    set.add(t.instanceNo);
  }
  const out: PendingTask[] = [];
  for (const { d, key, r } of desiredOnce(input.desired, input.requests)) {
    const used = live.get(key) ?? new Set<number>();
    const missing = d.instances - used.size;
    if (missing <= 0) continue;
    const runs = input.openRuns(d.requestId).filter((run) => run.deployId === d.deployId && run.taskId === undefined);
    const ended = input.ended(d.requestId);
    const deployCreated = input.deploy(d.requestId, d.deployId)?.createdAt ?? r.createdAt;
    for (let instanceNo = 1, found = 0; found < missing; instanceNo++) {
      if (used.has(instanceNo)) continue;
      const run = runs[found];
      found++;
      const previous = ended.find((t) => t.deployId === d.deployId && t.instanceNo === instanceNo);
      const createdAt = run?.queuedAt ?? Math.max(previous?.updatedAt ?? 0, deployCreated);
      const nextRunAt = Math.max(createdAt, input.crash.get(key)?.nextLaunchAt ?? 0, input.launch.get(`${key}/${instanceNo}`)?.nextLaunchAt ?? 0);
      const idParts = { requestId: d.requestId, deployId: d.deployId, nextRunAt, instanceNo, pendingType: pendingTypeOf(input, r, d.deployId, previous), createdAt };
      out.push({ pendingTaskId: { ...idParts, id: pendingTaskIdString(idParts) }, runId: run?.runId, pendingReason: input.pendingReasons.get(key) });
    }
  }
  return out.sort((a, b) => a.pendingTaskId.nextRunAt - b.pendingTaskId.nextRunAt
    || a.pendingTaskId.requestId.localeCompare(b.pendingTaskId.requestId)
    || a.pendingTaskId.deployId.localeCompare(b.pendingTaskId.deployId)
    || a.pendingTaskId.instanceNo - b.pendingTaskId.instanceNo);
}

/** Pending tasks folded into Singularity's pending requests: one per request, deploy, type and run. */
export function pendingRequests(tasks: readonly PendingTask[]): SingularityPendingRequest[] {
  const byKey = new Map<string, SingularityPendingRequest>();
  for (const p of tasks) {
    const id = p.pendingTaskId;
    const key = `${id.requestId}/${id.deployId}/${id.pendingType}/${p.runId ?? ''}`;
    const existing = byKey.get(key);
    if (existing) {
      existing.missingInstances++;
      existing.timestamp = Math.min(existing.timestamp, id.createdAt);
      continue;
    }
    byKey.set(key, {
      requestId: id.requestId, deployId: id.deployId, timestamp: id.createdAt, pendingType: id.pendingType,
      ...(p.runId ? { runId: p.runId } : {}), ...(p.pendingReason ? { message: p.pendingReason } : {}), missingInstances: 1,
    });
  }
  return [...byKey.values()];
}

/** Singularity's deltaAfterWhichTasksAreLateMillis default. */
export const LATE_AFTER_MS = 30_000;

/** Late tasks (due more than LATE_AFTER_MS ago and still not launched), future ones, and the worst lag. */
export function scheduledTasksInfo(tasks: readonly PendingTask[], requests: ReadonlyMap<string, RequestRecord>, now: number): SingularityScheduledTasksInfo {
  const late = tasks.map((t) => t.pendingTaskId).filter((id) => now - id.nextRunAt > LATE_AFTER_MS);
  const onDemand = (id: SingularityPendingTaskId): boolean => requests.get(id.requestId)?.request.requestType === 'ON_DEMAND';
  const due = tasks.map((t) => t.pendingTaskId).filter((id) => id.nextRunAt <= now);
  return {
    lateTasks: late.filter((id) => !onDemand(id)),
    onDemandLateTasks: late.filter(onDemand),
    numFutureTasks: tasks.filter((t) => t.pendingTaskId.nextRunAt > now).length,
    maxTaskLag: due.reduce((m, id) => Math.max(m, now - id.nextRunAt), 0),
    timestamp: now,
  };
}
