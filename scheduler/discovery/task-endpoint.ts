/**
 * Reads a task's endpoint (name, ports, image, version) off the TaskInfo it was launched with,
 * and derives its discovery status from the task's state. Pure functions.
 */
import { isTerminalState, type TaskInfo } from '../../mesos-proto';
import { SIDECAR_PROXY_MODES, type SidecarProxyMode } from '../../contract';
import type { TaskRecord } from '../model';
import type { Endpoint, EndpointPort, EndpointStatus } from './endpoint';

export type EndpointDescription = Omit<Endpoint, 'status' | 'createdAt' | 'updatedAt' | 'revision'>;

/** Sidecar's name label (its default `SERVICES_NAME_LABEL`), set by Nmesos specs' `labels`. */
export const LABEL_SIDECAR_SERVICE_NAME = 'ServiceName';
export const LABEL_SERVICE_NAME = 'griddle.service_name';
export const LABEL_VERSION = 'griddle.version';

/** The TaskInfo as the scheduler stored it (Mesos JSON mapping); missing or partial ones are tolerated. */
function taskInfoOf(task: TaskRecord): Partial<TaskInfo> {
  const info = task.taskInfo;
  return info !== null && typeof info === 'object' ? (info as Partial<TaskInfo>) : {};
}

/**
 * Labels that apply to the endpoint: TaskInfo labels, then Docker `label` parameters
 * (`key=value`), which is where Nmesos specs and Sidecar setups put `ServicePort_*` and `ProxyMode`.
 */
function labelsOf(info: Partial<TaskInfo>): Map<string, string> {
  const labels = new Map<string, string>();
  for (const label of info.labels?.labels ?? []) labels.set(label.key, label.value ?? '');
  for (const param of info.container?.docker?.parameters ?? []) {
    if (param.key !== 'label') continue;
    const eq = param.value.indexOf('=');
    if (eq > 0) labels.set(param.value.slice(0, eq), param.value.slice(eq + 1));
  }
  return labels;
}

function protocolsOf(protocol: string | undefined): ('tcp' | 'udp')[] {
  const list = (protocol ?? 'tcp').toLowerCase().split(',').map((p) => p.trim());
  const known = list.filter((p): p is 'tcp' | 'udp' => p === 'tcp' || p === 'udp');
  return known.length > 0 ? known : ['tcp'];
}

function servicePortOf(labels: Map<string, string>, containerPort: number): number {
  const value = labels.get(`ServicePort_${containerPort}`);
  const parsed = value === undefined ? NaN : Number(value);
  // Like Sidecar: a port without a label is published with ServicePort 0, which followers such
  // as haproxy-api skip, so two unlabelled services on 8080 never share a frontend.
  return Number.isInteger(parsed) && parsed > 0 && parsed < 65536 ? parsed : 0;
}

function proxyModeOf(labels: Map<string, string>): SidecarProxyMode {
  const mode = labels.get('ProxyMode')?.toLowerCase();
  return SIDECAR_PROXY_MODES.find((m) => m === mode) ?? 'http';
}

function portsOf(task: TaskRecord, info: Partial<TaskInfo>, labels: Map<string, string>): EndpointPort[] {
  const docker = info.container?.docker;
  // BRIDGE networking maps container ports to the offered host ports; in HOST networking the
  // task listens on the offered ports themselves.
  const mappings = docker?.port_mappings && docker.port_mappings.length > 0
    ? docker.port_mappings
    : task.ports.map((port) => ({ host_port: port, container_port: port, protocol: 'tcp' }));
  const ports: EndpointPort[] = [];
  for (const mapping of mappings) {
    for (const protocol of protocolsOf(mapping.protocol)) {
      ports.push({
        containerPort: mapping.container_port,
        hostPort: mapping.host_port,
        protocol,
        servicePort: servicePortOf(labels, mapping.container_port),
      });
    }
  }
  // Kept in the catalog for the task's life: a copy is sized to its items, where an array grown
  // by push keeps room for 16 more (~130 bytes).
  return ports.slice();
}

function imageTag(image: string): string | undefined {
  const slash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  return colon > slash ? image.slice(colon + 1) : undefined;
}

/**
 * `addressOf` gives the agent's address (advertised or resolved); without one the endpoint has
 * no `ip` and the hostname stands in.
 */
export function describeTask(task: TaskRecord, addressOf?: (hostname: string) => string | undefined): EndpointDescription {
  const info = taskInfoOf(task);
  const labels = labelsOf(info);
  const image = info.container?.docker?.image ?? '';
  const ip = addressOf?.(task.hostname);
  return {
    taskId: task.taskId,
    // Sidecar names a service by its container's ServiceName label; Griddle's own label (the
    // deploy's metadata, else the request id) comes next.
    serviceName: labels.get(LABEL_SIDECAR_SERVICE_NAME) || labels.get(LABEL_SERVICE_NAME) || task.requestId,
    requestId: task.requestId,
    deployId: task.deployId,
    host: task.hostname,
    ...(ip ? { ip } : {}),
    ports: portsOf(task, info, labels),
    image,
    version: labels.get(LABEL_VERSION) || imageTag(image) || task.deployId,
    proxyMode: proxyModeOf(labels),
  };
}

/**
 * sidecar-executor's `SidecarDiscover=false` (a TaskInfo label or Docker `label` parameter):
 * the task runs but is never published, so it is neither in rotation nor drained before a kill.
 */
export function isDiscoverable(task: TaskRecord): boolean {
  return labelsOf(taskInfoOf(task)).get('SidecarDiscover')?.toLowerCase() !== 'false';
}

export function hasHealthCheck(task: TaskRecord): boolean {
  return taskInfoOf(task).health_check !== undefined;
}

/**
 * The status a task's endpoint moves to. DRAINING and TOMBSTONE are sticky: a drained task
 * never returns to rotation, and a tombstone never comes back, so DRAINING always precedes
 * TOMBSTONE for a task Griddle kills.
 */
export function nextStatus(current: EndpointStatus | undefined, task: TaskRecord): EndpointStatus {
  if (current === 'TOMBSTONE' || isTerminalState(task.state)) return 'TOMBSTONE';
  if (current === 'DRAINING' || task.killRequestedAt !== undefined || task.state === 'TASK_KILLING') return 'DRAINING';
  if (task.state !== 'TASK_RUNNING') return 'UNKNOWN';
  if (task.healthy === true) return 'ALIVE';
  if (task.healthy === false) return 'UNHEALTHY';
  // A RUNNING update without a health verdict (reconciliation, a re-registered executor) keeps
  // the last verdict rather than flapping the endpoint out of rotation.
  if (current === 'ALIVE' || current === 'UNHEALTHY') return current;
  return hasHealthCheck(task) ? 'UNKNOWN' : 'ALIVE';
}
