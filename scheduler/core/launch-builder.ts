import type { TaskInfo } from '../../mesos-proto';
import type { TaskRecord } from '../model';
import type { Assignment, TaskDemand } from '../placement';
import { deployKey, type PlannedLaunch } from './reconcile-plan';
import type { StateRepository } from './state-repository';
import { makeTaskId, rackOf } from './task-id';
import { buildTaskInfo, DEFAULT_EXECUTOR_RESOURCES } from './task-info';

type Records = Pick<StateRepository, 'requests' | 'deploys'> & { tasks: ReadonlyMap<string, TaskRecord> };

/** What one planned launch asks of an offer, or why it cannot be asked yet. */
export function demandFor(state: Records, requestId: string, deployId: string, instanceNo: number, instances: number): TaskDemand | string {
  const request = state.requests.get(requestId);
  const deploy = state.deploys.get(deployKey(requestId, deployId));
  if (!request) return `request ${requestId} not found`;
  if (!deploy) return `deploy ${deployId} of ${requestId} not found`;
  const res = deploy.deploy.resources;
  const executor = deploy.deploy.customExecutorResources ?? DEFAULT_EXECUTOR_RESOURCES;
  const hostPorts = (deploy.deploy.containerInfo?.docker?.portMappings ?? [])
    .filter((m) => (m.hostPortType ?? 'LITERAL') === 'LITERAL').map((m) => m.hostPort);
  return {
    key: `${requestId}/${deployId}/${instanceNo}`,
    group: deployKey(requestId, deployId),
    requestId,
    deployId,
    cpus: res?.cpus ?? 1,
    memMb: res?.memoryMb ?? 64,
    diskMb: res?.diskMb ?? 0,
    numPorts: res?.numPorts ?? 0,
    hostPorts,
    executor: { cpus: executor.cpus, memMb: executor.memoryMb, diskMb: executor.diskMb ?? 0, numPorts: executor.numPorts ?? 0 },
    placement: request.request.agentPlacement ?? 'OPTIMISTIC',
    requiredAttributes: request.request.requiredAgentAttributes,
    allowedAttributes: request.request.allowedAgentAttributes,
    instances,
    maxTasksPerOffer: request.request.maxTasksPerOffer,
    priority: request.request.taskPriorityLevel,
  };
}

/**
 * A cycle's planned launches as demands, worked out once per deploy: only the key differs per
 * instance. Most cycles never match (launches being written, no offers): they need the deploys,
 * not 30,000 demand objects rebuilt and dropped on every cycle.
 */
export class PlannedDemands {
  /** Per deploy (`requestId/deployId`): why its launches cannot be asked of an offer. */
  readonly reasons = new Map<string, string>();
  /** Deploys with launches that can be asked. */
  readonly groups: string[] = [];
  /** Launches that can be asked. */
  count = 0;
  private readonly byDeploy = new Map<string, TaskDemand | string>();

  constructor(state: Records, private readonly launches: readonly PlannedLaunch[], instances: ReadonlyMap<string, number>) {
    for (const l of launches) {
      const key = deployKey(l.requestId, l.deployId);
      let demand = this.byDeploy.get(key);
      if (demand === undefined) {
        this.byDeploy.set(key, (demand = demandFor(state, l.requestId, l.deployId, l.instanceNo, instances.get(key) ?? 1)));
        if (typeof demand === 'string') this.reasons.set(key, demand);
        else this.groups.push(key);
      }
      if (typeof demand !== 'string') this.count++;
    }
  }

  /** One demand per launch that can be asked, in the plan's order. */
  all(): TaskDemand[] {
    const out: TaskDemand[] = [];
    for (const l of this.launches) {
      const demand = this.byDeploy.get(deployKey(l.requestId, l.deployId));
      if (demand !== undefined && typeof demand !== 'string') out.push({ ...demand, key: `${demand.group}/${l.instanceNo}` });
    }
    return out;
  }
}

/**
 * The record of a task about to be launched on an assigned offer (state TASK_STAGING, its
 * TaskInfo inside), or the pending reason when the deploy cannot be turned into a TaskInfo.
 */
export function launchRecord(state: Records, a: Assignment, now: number, executorCmd: string): TaskRecord | string {
  const { requestId, deployId } = a.demand;
  const request = state.requests.get(requestId)!;
  const deploy = state.deploys.get(deployKey(requestId, deployId))!;
  const instanceNo = Number(a.demand.key.slice(a.demand.key.lastIndexOf('/') + 1));
  // Ids must be unique: on a clash the timestamp moves on until a free one is found (now + 1
  // alone may be taken as well, e.g. by the previous cycle's bump).
  const rackId = rackOf(a.offer);
  let startedAt = now;
  let taskId = makeTaskId(requestId, deployId, startedAt, instanceNo, a.offer.hostname, rackId);
  while (state.tasks.has(taskId)) taskId = makeTaskId(requestId, deployId, ++startedAt, instanceNo, a.offer.hostname, rackId);
  let taskInfo: TaskInfo;
  try {
    taskInfo = buildTaskInfo({
      taskId, agentId: a.offer.agent_id.value, request: request.request, deploy: deploy.deploy,
      ports: a.ports, resources: a.resources, executorResources: a.executorResources, executorCmd,
      placement: { instanceNo, hostname: a.offer.hostname, rackId },
    });
  } catch (err) {
    return `invalid deploy: ${(err as Error).message}`;
  }
  return {
    taskId, requestId, deployId, instanceNo,
    agentId: a.offer.agent_id.value, hostname: a.offer.hostname, rackId, ports: a.ports,
    startedAt, updatedAt: now, state: 'TASK_STAGING', taskInfo,
  };
}
