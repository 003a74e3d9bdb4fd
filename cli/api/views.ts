import { z } from 'zod';
import { parseTaskId, type DeployState, type SingularityDeploy, type SingularityRequest } from '../../contract';

/**
 * What the CLI reads from the API, normalized. The API speaks Singularity's shapes and adds
 * Griddle's own fields beside them; these readers accept either spelling of a fact
 * (`taskId` as Singularity's object or as a string, health as `healthy` or a health-check
 * result), so the CLI keeps working with Singularity itself too.
 */

const str = z.string();
const num = z.number();
const record = z.record(z.string(), z.unknown());

const requestParentSchema = z.looseObject({
  request: z.looseObject({ id: str }),
  state: str.optional(),
  activeDeploy: z.looseObject({ id: str }).nullish(),
  pendingDeploy: z.looseObject({ id: str }).nullish(),
  activeDeployId: str.nullish(),
  pendingDeployId: str.nullish(),
  taskIds: z.unknown().optional(),
});

export interface RequestView {
  request: SingularityRequest;
  state: string;
  activeDeploy?: SingularityDeploy;
  activeDeployId?: string;
  pendingDeployId?: string;
}

export function readRequestParent(body: unknown): RequestView {
  const p = requestParentSchema.parse(body);
  return {
    request: p.request as unknown as SingularityRequest,
    state: p.state ?? 'ACTIVE',
    activeDeploy: (p.activeDeploy ?? undefined) as SingularityDeploy | undefined,
    activeDeployId: p.activeDeploy?.id ?? p.activeDeployId ?? undefined,
    pendingDeployId: p.pendingDeploy?.id ?? p.pendingDeployId ?? undefined,
  };
}

export interface TaskView {
  taskId: string;
  requestId: string;
  deployId: string;
  host: string;
  ports: number[];
  state: string;
  healthy?: boolean;
  startedAt?: number;
  instanceNo?: number;
  /** Griddle's: set once the scheduler decided to kill the task (discovery then drains it). */
  killRequestedAt?: number;
}

const taskIdObject = z.looseObject({
  id: str.optional(), requestId: str.optional(), deployId: str.optional(), host: str.optional(),
  startedAt: num.optional(), instanceNo: num.optional(),
});
const taskSchema = z.looseObject({
  taskId: z.union([str, taskIdObject]),
  requestId: str.optional(),
  deployId: str.optional(),
  hostname: str.optional(),
  host: str.optional(),
  ports: z.array(num).optional(),
  state: str.optional(),
  lastTaskState: str.optional(),
  healthy: z.boolean().nullish(),
  startedAt: num.optional(),
  instanceNo: num.optional(),
  killRequestedAt: num.nullish(),
  offer: z.looseObject({ hostname: str.optional() }).optional(),
  offers: z.array(z.looseObject({ hostname: str.optional() })).optional(),
  mesosTask: z.looseObject({ resources: z.array(record).optional() }).optional(),
  taskRequest: z.looseObject({
    request: z.looseObject({ id: str }).optional(),
    deploy: z.looseObject({ id: str }).optional(),
  }).optional(),
});

/** Singularity task ids (6 parts, or Griddle's legacy 5), split from the right: request ids hold '-'. */
function fromTaskIdString(id: string, requestId?: string): { startedAt?: number; instanceNo?: number } {
  const parsed = (requestId ? parseTaskId(id, requestId) : null) ?? parseTaskId(id);
  return parsed ? { startedAt: parsed.startedAt, instanceNo: parsed.instanceNo } : {};
}

function portsOf(resources: Record<string, unknown>[] | undefined): number[] {
  const ports: number[] = [];
  for (const r of resources ?? []) {
    if (r.name !== 'ports') continue;
    const ranges = (r.ranges as { range?: { begin: number; end: number }[] } | undefined)?.range ?? [];
    for (const { begin, end } of ranges) for (let p = begin; p <= end; p++) ports.push(p);
  }
  return ports;
}

export function readTask(body: unknown): TaskView {
  const t = taskSchema.parse(body);
  const idObject = typeof t.taskId === 'string' ? undefined : t.taskId;
  const taskId = typeof t.taskId === 'string' ? t.taskId : (t.taskId.id ?? '');
  const parsed = fromTaskIdString(taskId, t.requestId ?? idObject?.requestId);
  return {
    taskId,
    requestId: t.requestId ?? idObject?.requestId ?? t.taskRequest?.request?.id ?? '',
    deployId: t.deployId ?? idObject?.deployId ?? t.taskRequest?.deploy?.id ?? '',
    // The id object's host is sanitized (Singularity serves it so): the offer's is the real name.
    host: t.hostname ?? t.host ?? t.offer?.hostname ?? t.offers?.[0]?.hostname ?? idObject?.host ?? '',
    ports: t.ports ?? portsOf(t.mesosTask?.resources),
    state: t.state ?? t.lastTaskState ?? 'TASK_RUNNING',
    healthy: t.healthy ?? undefined,
    startedAt: t.startedAt ?? idObject?.startedAt ?? parsed.startedAt,
    instanceNo: t.instanceNo ?? idObject?.instanceNo ?? parsed.instanceNo,
    ...(t.killRequestedAt != null ? { killRequestedAt: t.killRequestedAt } : {}),
  };
}

export function readTasks(body: unknown): TaskView[] {
  const list = Array.isArray(body) ? body : z.looseObject({ tasks: z.array(z.unknown()) }).parse(body).tasks;
  return list.map(readTask);
}

const deployResultSchema = z.looseObject({
  deployState: str,
  message: str.nullish(),
  deployFailures: z.array(z.looseObject({ reason: str, taskId: z.union([str, taskIdObject]).nullish(), message: str.nullish() })).nullish(),
  timestamp: num.optional(),
});

export interface DeployFailureView { reason: string; taskId?: string; message?: string }
export interface DeployResultView { deployState: string; message?: string; failures: DeployFailureView[]; timestamp?: number }
export interface DeployHistoryView { deployId: string; timestamp?: number; result?: DeployResultView; deploy?: SingularityDeploy; message?: string }

const historySchema = z.looseObject({
  deployId: str.optional(),
  deployMarker: z.looseObject({ deployId: str, timestamp: num.optional(), message: str.nullish() }).optional(),
  deploy: z.looseObject({ id: str }).nullish(),
  deployResult: deployResultSchema.nullish(),
  result: deployResultSchema.nullish(),
  createdAt: num.optional(),
  message: str.nullish(),
});

export const FINISHED_DEPLOY_STATES: ReadonlySet<string> = new Set<DeployState>(['SUCCEEDED', 'FAILED', 'FAILED_INTERNAL_STATE', 'OVERDUE', 'CANCELED']);

export function readDeployHistory(body: unknown): DeployHistoryView {
  const h = historySchema.parse(body);
  const r = h.deployResult ?? h.result ?? undefined;
  return {
    deployId: h.deployMarker?.deployId ?? h.deploy?.id ?? h.deployId ?? '',
    timestamp: h.deployMarker?.timestamp ?? h.createdAt ?? r?.timestamp,
    deploy: (h.deploy ?? undefined) as SingularityDeploy | undefined,
    message: h.deployMarker?.message ?? h.message ?? undefined,
    result: r && {
      deployState: r.deployState,
      message: r.message ?? undefined,
      timestamp: r.timestamp,
      failures: (r.deployFailures ?? []).map((f) => ({
        reason: f.reason,
        taskId: typeof f.taskId === 'string' ? f.taskId : (f.taskId?.id ?? undefined),
        message: f.message ?? undefined,
      })),
    },
  };
}

export function readDeployHistoryList(body: unknown): DeployHistoryView[] {
  return z.array(z.unknown()).parse(body).map(readDeployHistory);
}

const pendingSchema = z.looseObject({
  deployMarker: z.looseObject({ deployId: str, requestId: str }).optional(),
  deployId: str.optional(),
  requestId: str.optional(),
  currentDeployState: str.optional(),
  deployProgress: z.looseObject({
    targetActiveInstances: num.optional(),
    currentActiveInstances: num.optional(),
    deployInstanceCountPerStep: num.optional(),
    stepComplete: z.boolean().optional(),
    step: num.optional(),
    pendingReason: str.nullish(),
  }).nullish(),
});

export interface PendingDeployView {
  requestId: string; deployId: string; targetActiveInstances?: number; currentActiveInstances?: number; perStep?: number;
  /** Griddle: the step number and why tasks are still pending (no matching offer...). */
  step?: number; pendingReason?: string;
}

export function readPendingDeploys(body: unknown): PendingDeployView[] {
  return z.array(z.unknown()).parse(body).map((item) => {
    const p = pendingSchema.parse(item);
    return {
      requestId: p.deployMarker?.requestId ?? p.requestId ?? '',
      deployId: p.deployMarker?.deployId ?? p.deployId ?? '',
      targetActiveInstances: p.deployProgress?.targetActiveInstances,
      currentActiveInstances: p.deployProgress?.currentActiveInstances,
      perStep: p.deployProgress?.deployInstanceCountPerStep,
      step: p.deployProgress?.step,
      pendingReason: p.deployProgress?.pendingReason ?? undefined,
    };
  });
}

/** `/api/sandbox/{taskId}/read` answers Mesos's `/files/read` chunk: `{data, offset}`. */
export function readSandboxChunk(body: unknown): { data: string; offset: number; nextOffset?: number } {
  return z.looseObject({ data: str, offset: num, nextOffset: num.optional() }).parse(body);
}
