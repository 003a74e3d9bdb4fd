import type { EndpointStatus } from '../../contract';

/**
 * The cluster audit behind `verify`, as a comparison of three readings: the scheduler's
 * requests, its active tasks, and the discovery catalog (Sidecar's services.json). Nmesos's
 * verify compared Singularity with the Docker containers it found over SSH; here discovery
 * is the second witness, since it is fed by the executors' health checks.
 */

export interface AuditRequest {
  id: string;
  state: string;
  requestType: string;
  /** Undefined for SPREAD_ALL_AGENTS, whose count follows the agents. */
  instances?: number;
  activeDeployId?: string;
  hasHealthcheck: boolean;
}

export interface AuditTask {
  taskId: string;
  requestId: string;
  deployId: string;
  host: string;
  state: string;
  healthy?: boolean;
  killRequestedAt?: number;
}

export interface AuditEndpoint { taskId: string; service: string; host: string; status: EndpointStatus }

export type FindingKind = 'missing-instances' | 'unhealthy-task' | 'not-in-discovery' | 'discovery-disagrees' | 'unknown-task';

export interface Finding { kind: FindingKind; requestId?: string; taskId?: string; message: string }

const LONG_RUNNING = new Set(['SERVICE', 'WORKER']);

/** The discovery statuses that agree with a task's state and health. */
function agreeingStatuses(t: AuditTask): EndpointStatus[] | undefined {
  if (t.killRequestedAt !== undefined || t.state === 'TASK_KILLING') return undefined; // draining: anything goes
  if (t.state !== 'TASK_RUNNING') return ['UNKNOWN'];
  if (t.healthy === true) return ['ALIVE'];
  if (t.healthy === false) return ['UNHEALTHY'];
  return ['ALIVE', 'UNKNOWN', 'UNHEALTHY'];
}

export function auditCluster(requests: AuditRequest[], tasks: AuditTask[], endpoints: AuditEndpoint[]): Finding[] {
  const findings: Finding[] = [];
  const requestIds = new Set(requests.map((r) => r.id));
  const taskIds = new Set(tasks.map((t) => t.taskId));
  const endpointOf = new Map(endpoints.map((e) => [e.taskId, e]));

  for (const r of requests) {
    if (r.state !== 'ACTIVE' || !LONG_RUNNING.has(r.requestType)) continue;
    if (!r.activeDeployId) {
      findings.push({ kind: 'missing-instances', requestId: r.id, message: `${r.id} is active but has no active deploy` });
      continue;
    }
    const mine = tasks.filter((t) => t.requestId === r.id && t.deployId === r.activeDeployId && t.killRequestedAt === undefined);
    const running = mine.filter((t) => t.state === 'TASK_RUNNING');
    const ready = running.filter((t) => (r.hasHealthcheck ? t.healthy === true : t.healthy !== false));
    if (r.instances !== undefined && ready.length < r.instances) {
      findings.push({ kind: 'missing-instances', requestId: r.id, message: `${r.id}: ${ready.length}/${r.instances} instance(s) of deploy ${r.activeDeployId} running and ${r.hasHealthcheck ? 'healthy' : 'up'} (${mine.length} task(s) in all)` });
    }
    for (const t of running.filter((x) => x.healthy === false)) {
      findings.push({ kind: 'unhealthy-task', requestId: r.id, taskId: t.taskId, message: `${t.taskId} on ${t.host} is running but failing its health check` });
    }
  }

  for (const t of tasks) {
    if (!requestIds.has(t.requestId)) {
      findings.push({ kind: 'unknown-task', requestId: t.requestId, taskId: t.taskId, message: `${t.taskId} on ${t.host} runs for request ${t.requestId}, which the scheduler has no request for` });
    }
    const endpoint = endpointOf.get(t.taskId);
    const wanted = agreeingStatuses(t);
    if (!endpoint || endpoint.status === 'TOMBSTONE') {
      if (t.state === 'TASK_RUNNING' && wanted !== undefined) {
        findings.push({ kind: 'not-in-discovery', requestId: t.requestId, taskId: t.taskId, message: `${t.taskId} on ${t.host} is running, but discovery ${endpoint ? 'has tombstoned it' : 'does not list it'}` });
      }
    } else if (wanted !== undefined && !wanted.includes(endpoint.status) && endpoint.status !== 'DRAINING') {
      const said = t.state !== 'TASK_RUNNING' ? t.state : t.healthy === true ? 'healthy' : 'unhealthy';
      findings.push({ kind: 'discovery-disagrees', requestId: t.requestId, taskId: t.taskId, message: `${t.taskId}: the scheduler says ${said}, discovery says ${endpoint.status}` });
    }
  }

  for (const e of endpoints) {
    if (e.status === 'TOMBSTONE' || taskIds.has(e.taskId)) continue;
    findings.push({ kind: 'unknown-task', taskId: e.taskId, message: `discovery lists ${e.taskId} (${e.service} on ${e.host}, ${e.status}), a task the scheduler does not know` });
  }
  return findings;
}
