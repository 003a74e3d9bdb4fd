import {
  DEFAULT_RACK_ID, sanitizeIdPart,
  type SingularityDeployHistory, type SingularityDeployMarker, type SingularityDeployResult, type SingularityDeployView,
  type SingularityRequestView, type SingularityTask, type SingularityTaskCleanup,
  type SingularityTaskHistoryItem, type SingularityTaskId, type TaskCleanupType,
} from '../../contract';
import { parseTaskId } from '../core';
import type {
  DeployFailure, DeployRecord, RequestRecord, SingularityDeploy, SingularityRequest, TaskRecord,
} from '../model';
import { usesHealthchecks } from '../deploys';

/**
 * Griddle's records rendered in the wire shapes of `contract/singularity-views`, with the
 * fields that Singularity always writes filled in, since clients such as Nmesos require them.
 */

/** A request as it came: without `instances` when it was sent without (Singularity echoes it so). */
export function renderRequest(r: SingularityRequest): SingularityRequestView {
  const placement = r.agentPlacement ?? 'OPTIMISTIC';
  return {
    ...r,
    agentPlacement: placement,
    slavePlacement: placement,
    requiredAgentAttributes: r.requiredAgentAttributes ?? {},
    requiredSlaveAttributes: r.requiredAgentAttributes ?? {},
    allowedAgentAttributes: r.allowedAgentAttributes ?? {},
    allowedSlaveAttributes: r.allowedAgentAttributes ?? {},
  };
}

export function renderDeploy(d: SingularityDeploy): SingularityDeployView {
  const out: SingularityDeployView = {
    ...d,
    resources: { numPorts: 0, diskMb: 0, ...(d.resources ?? { cpus: 1, memoryMb: 64 }) },
    env: d.env ?? {},
  };
  if (d.containerInfo) {
    const docker = d.containerInfo.docker;
    out.containerInfo = {
      ...d.containerInfo,
      volumes: d.containerInfo.volumes ?? [],
      ...(docker ? {
        docker: {
          network: 'BRIDGE', portMappings: [], forcePullImage: false, privileged: false, dockerParameters: [],
          ...docker,
        },
      } : {}),
    };
  }
  return out;
}

/**
 * A task id as Singularity serves it. The fields come from the id itself (the record only fills
 * in what an unparsable id lacks), so formatting them gives back `id`; a legacy 5-part id is
 * served with rack DEFAULT, which the API resolves back to it (`legacyTaskIdOf`).
 */
export function taskIdObject(taskId: string, record?: TaskRecord): SingularityTaskId {
  const parsed = parseTaskId(taskId, record?.requestId) ?? parseTaskId(taskId);
  const sanitizedHost = parsed?.sanitizedHost ?? sanitizeIdPart(record?.hostname ?? '');
  const sanitizedRackId = parsed?.sanitizedRackId ?? DEFAULT_RACK_ID;
  return {
    id: taskId,
    requestId: parsed?.requestId ?? record?.requestId ?? '',
    deployId: parsed?.deployId ?? record?.deployId ?? '',
    startedAt: parsed?.startedAt ?? record?.startedAt ?? 0,
    instanceNo: parsed?.instanceNo ?? record?.instanceNo ?? 0,
    host: sanitizedHost,
    sanitizedHost,
    rackId: sanitizedRackId,
    sanitizedRackId,
  };
}

function camel(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** Mesos's JSON mapping (snake_case) → the camelCase Singularity serves as `mesosTask`. */
export function camelize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelize);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [camel(k), camelize(v)]));
  }
  return value;
}

/**
 * Mesos's JSON leaves an empty repeated field out, so a Docker task without ports has no
 * `port_mappings`; Singularity always writes `portMappings`, and Nmesos cannot read
 * `/api/tasks/active` without it.
 */
function withPortMappings(mesosTask: unknown): unknown {
  const container = (mesosTask as { container?: { docker?: Record<string, unknown> } } | null)?.container;
  if (container?.docker && !Array.isArray(container.docker.portMappings)) container.docker.portMappings = [];
  return mesosTask;
}

export function isTaskHealthy(t: TaskRecord, deploy: SingularityDeploy | undefined, request: SingularityRequest | undefined): boolean {
  if (t.state !== 'TASK_RUNNING' || t.killRequestedAt !== undefined) return false;
  if (deploy && request && usesHealthchecks(deploy, request)) return t.healthy === true;
  return t.healthy !== false;
}

export function renderTask(t: TaskRecord, request?: RequestRecord, deploy?: DeployRecord): SingularityTask {
  const offer = { hostname: t.hostname, agentId: { value: t.agentId }, slaveId: { value: t.agentId } };
  return {
    taskId: taskIdObject(t.taskId, t),
    taskRequest: {
      request: request ? renderRequest(request.request) : undefined,
      deploy: deploy ? renderDeploy(deploy.deploy) : undefined,
      pendingTask: { pendingTaskId: { requestId: t.requestId, deployId: t.deployId, instanceNo: t.instanceNo, createdAt: t.startedAt } },
    },
    offer,
    offers: [offer],
    mesosTask: withPortMappings(camelize(t.taskInfo ?? { taskId: { value: t.taskId } })),
    rackId: t.rackId ?? DEFAULT_RACK_ID,
    agentId: { value: t.agentId },
    // Griddle's own, beside Singularity's shape:
    state: t.state,
    healthy: t.healthy,
    ports: t.ports,
    killRequestedAt: t.killRequestedAt,
  };
}

export function renderTaskHistoryItem(t: TaskRecord): SingularityTaskHistoryItem {
  return {
    taskId: taskIdObject(t.taskId, t),
    updatedAt: t.updatedAt,
    lastTaskState: t.state,
    message: t.message,
    reason: t.reason,
  };
}

/** Singularity's answer to a kill: the cleanup it queued (Griddle kills at once, with a drain). */
export function renderTaskCleanup(t: TaskRecord, cleanupType: TaskCleanupType, timestamp: number, extra: { user?: string; message?: string; actionId?: string }): SingularityTaskCleanup {
  return { user: extra.user, cleanupType, timestamp, taskId: taskIdObject(t.taskId, t), message: extra.message, actionId: extra.actionId };
}

export function deployMarker(d: DeployRecord, user?: string): SingularityDeployMarker {
  return { requestId: d.deploy.requestId, deployId: d.deploy.id, timestamp: d.createdAt, message: d.message, user };
}

function renderFailure(f: DeployFailure): SingularityDeployResult['deployFailures'][number] {
  return { reason: f.reason, message: f.message, taskId: f.taskId ? taskIdObject(f.taskId) : undefined };
}

/**
 * Failures as Singularity reports them: one per task, and at most one without a task (its
 * message counting the others), since Nmesos reads `taskId` on every failure but the one.
 */
export function reportedFailures(failures: DeployFailure[]): DeployFailure[] {
  const withTask = failures.filter((f) => f.taskId);
  const without = failures.filter((f) => !f.taskId);
  if (without.length <= 1) return [...withTask, ...without];
  const first = without[0];
  return [...withTask, { ...first, message: `${first.message ?? first.reason} (${without.length} instances)` }];
}

export function renderDeployHistory(d: DeployRecord): SingularityDeployHistory {
  return {
    deploy: renderDeploy(d.deploy),
    deployMarker: deployMarker(d),
    deployResult: d.result && {
      deployState: d.result.deployState,
      message: d.result.message,
      deployFailures: reportedFailures(d.result.deployFailures).map(renderFailure),
      timestamp: d.result.timestamp,
    },
    rollbackOf: d.rollbackOf,
    unpauseOnSuccessfulDeploy: d.unpauseOnSuccessfulDeploy,
  };
}
