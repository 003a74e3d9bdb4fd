import type { CommandInfo, ContainerInfo, HealthCheck, Label, Resource, TaskInfo } from '../../mesos-proto';
import type { DockerPortMapping, HealthcheckSpec, SingularityDeploy, SingularityRequest } from '../model';

export interface TaskInfoInput {
  taskId: string;
  agentId: string;
  request: SingularityRequest;
  deploy: SingularityDeploy;
  /** Host ports allocated from the offer, in the deploy's order. */
  ports: number[];
  resources: Resource[];
  /** The executor's own resources, from the same offer (ExecutorInfo.resources). */
  executorResources?: Resource[];
  executorCmd: string;
  /** Where the task lands, for Singularity's task environment (TASK_HOST, TASK_RACK_ID, ...). */
  placement?: { instanceNo: number; hostname: string; rackId: string };
}

/**
 * What griddle-executor gets when a deploy sets no `customExecutorResources`. A Mesos master
 * warns about an executor under 0.01 cpus or 32 MB; the executor's RSS is about 58 MB, so
 * 64 MB. Singularity's custom executor defaults are of the same order (0.1 cpus).
 */
export const DEFAULT_EXECUTOR_RESOURCES = { cpus: 0.1, memoryMb: 64, numPorts: 0, diskMb: 0 } as const;

function portOf(mapping: DockerPortMapping, side: 'host' | 'container', ports: readonly number[]): number {
  const type = side === 'host' ? mapping.hostPortType : mapping.containerPortType;
  const value = side === 'host' ? mapping.hostPort : mapping.containerPort;
  if (type === 'FROM_OFFER') {
    const port = ports[value];
    if (port === undefined) throw new Error(`containerInfo.docker.portMappings: ${side}Port index ${value} but only ${ports.length} ports were allocated (raise resources.numPorts)`);
    return port;
  }
  return value;
}

export function imageTag(image: string): string | undefined {
  const slash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  return colon > slash ? image.slice(colon + 1) : undefined;
}

function container(deploy: SingularityDeploy, ports: readonly number[]): ContainerInfo | undefined {
  const spec = deploy.containerInfo;
  if (!spec?.docker) return undefined;
  const d = spec.docker;
  const info: ContainerInfo = {
    type: 'DOCKER',
    docker: {
      image: d.image,
      network: d.network ?? 'BRIDGE',
      privileged: d.privileged ?? false,
      force_pull_image: d.forcePullImage ?? false,
    },
  };
  if (d.portMappings?.length) {
    info.docker!.port_mappings = d.portMappings.map((m) => ({
      host_port: portOf(m, 'host', ports),
      container_port: portOf(m, 'container', ports),
      protocol: m.protocol ?? 'tcp',
    }));
  }
  if (d.dockerParameters?.length) info.docker!.parameters = d.dockerParameters.map((p) => ({ key: p.key, value: p.value }));
  if (spec.volumes?.length) {
    info.volumes = spec.volumes.map((v) => ({ container_path: v.containerPath, host_path: v.hostPath, mode: v.mode ?? 'RW' }));
  }
  return info;
}

/** The port a health check probes: the container port in BRIDGE mode, else the host port. */
function healthPort(spec: HealthcheckSpec, deploy: SingularityDeploy, ports: readonly number[]): number {
  if (spec.portNumber !== undefined) return spec.portNumber;
  const index = spec.portIndex ?? 0;
  const docker = deploy.containerInfo?.docker;
  if (docker && (docker.network ?? 'BRIDGE') === 'BRIDGE') {
    const mapping = docker.portMappings?.find((m) => (m.hostPortType ?? 'LITERAL') === 'FROM_OFFER' && m.hostPort === index);
    if (mapping) return portOf(mapping, 'container', ports);
  }
  const port = ports[index];
  if (port === undefined) throw new Error(`healthcheck.portIndex ${index}: the task has only ${ports.length} ports (raise resources.numPorts)`);
  return port;
}

/** Singularity's healthcheck (with its defaults) → Mesos HealthCheck, run by griddle-executor. */
export function healthCheck(spec: HealthcheckSpec | undefined, deploy: SingularityDeploy, ports: readonly number[]): HealthCheck | undefined {
  if (!spec) return undefined;
  const protocol = spec.protocol ?? 'HTTP';
  const check: HealthCheck = {
    delay_seconds: spec.startupDelaySeconds ?? 0,
    interval_seconds: spec.intervalSeconds ?? spec.startupIntervalSeconds ?? 5,
    timeout_seconds: spec.responseTimeoutSeconds ?? 5,
    consecutive_failures: Math.max(1, (spec.maxRetries ?? 2) + 1),
    grace_period_seconds: spec.startupTimeoutSeconds ?? 45,
  };
  if (protocol === 'COMMAND') {
    if (!spec.command) throw new Error('healthcheck.command: required when healthcheck.protocol is COMMAND');
    check.type = 'COMMAND';
    check.command = { value: spec.command, shell: true };
  } else if (protocol === 'TCP') {
    check.type = 'TCP';
    check.tcp = { port: healthPort(spec, deploy, ports) };
  } else {
    check.type = 'HTTP';
    check.http = { port: healthPort(spec, deploy, ports), path: spec.uri ?? '/', scheme: protocol === 'HTTPS' ? 'https' : 'http' };
    if (spec.failureStatusCodes?.length) {
      // Mesos lists the statuses that count as healthy; Singularity lists failing ones.
      check.http.statuses = [200, 201, 202, 203, 204, 205, 206, 301, 302, 303, 304, 307, 308].filter((s) => !spec.failureStatusCodes!.includes(s));
    }
  }
  return check;
}

function executorEnv(deploy: SingularityDeploy): { name: string; value: string }[] {
  const env = deploy.executorData?.env;
  if (env === undefined) return [];
  if (typeof env !== 'object' || env === null || Array.isArray(env)) throw new Error('executorData.env: must be an object of string values');
  return Object.entries(env as Record<string, unknown>).map(([name, value]) => {
    if (typeof value !== 'string') throw new Error(`executorData.env.${name}: must be a string`);
    return { name, value };
  });
}

/**
 * The variables Singularity puts in every task's environment. Host and rack are the agent's own
 * (unsanitized) values, as Singularity passes them; the task id carries the sanitized ones.
 */
function taskEnvironment(taskId: string, request: SingularityRequest, deploy: SingularityDeploy, p: NonNullable<TaskInfoInput['placement']>): [string, string][] {
  return [
    ['INSTANCE_NO', String(p.instanceNo)],
    ['TASK_HOST', p.hostname],
    ['TASK_RACK_ID', p.rackId],
    ['AVAILABILITY_ZONE', p.rackId],
    ['TASK_REQUEST_ID', request.id],
    ['TASK_DEPLOY_ID', deploy.id],
    ['TASK_ID', taskId],
    ['ESTIMATED_INSTANCE_COUNT', String(request.instances ?? 1)],
  ];
}

/**
 * The task's own command. Mesos refuses a TaskInfo that has both `executor` and `command`, so
 * with our CUSTOM executor it travels in `TaskInfo.data`: base64 of a CommandInfo in Mesos's
 * JSON mapping (`value`, `arguments`, `shell`, `environment`).
 */
export function taskCommand(deploy: SingularityDeploy, facts: [string, string][] = []): CommandInfo {
  const command: CommandInfo = {};
  if (deploy.command !== undefined) command.value = deploy.command;
  if (deploy.arguments?.length) command.arguments = deploy.arguments;
  command.shell = deploy.shell ?? (deploy.arguments === undefined || deploy.arguments.length === 0);
  if (deploy.user) command.user = deploy.user;
  // The deploy's own env comes last so it wins, as in Singularity.
  const env = [...new Map([...facts, ...Object.entries(deploy.env ?? {})])];
  if (env.length > 0) command.environment = { variables: env.map(([name, value]) => ({ name, type: 'VALUE', value: String(value) })) };
  return command;
}

export function decodeTaskCommand(data: string | undefined): CommandInfo | undefined {
  return data ? JSON.parse(Buffer.from(data, 'base64').toString('utf8')) as CommandInfo : undefined;
}

export function taskLabels(request: SingularityRequest, deploy: SingularityDeploy, instanceNo?: number): Label[] {
  return labelsOf(sharedLabels(request, deploy), instanceNo);
}

function labelsOf({ fixed, own }: { fixed: Label[]; own: Label[] }, instanceNo: number | undefined): Label[] {
  // Kept in the task's TaskInfo for its life: concat sizes the array to its items, where a
  // spread into a literal grows it as push does (~150 bytes more per task).
  return instanceNo === undefined ? fixed.concat(own) : fixed.concat([{ key: 'griddle.instance_no', value: String(instanceNo) }], own);
}

function sharedLabels(request: SingularityRequest, deploy: SingularityDeploy): { fixed: Label[]; own: Label[] } {
  const meta = deploy.metadata ?? {};
  const image = deploy.containerInfo?.docker?.image;
  const fixed: Label[] = [
    { key: 'griddle.request_id', value: request.id },
    { key: 'griddle.deploy_id', value: deploy.id },
    { key: 'griddle.service_name', value: meta.serviceName ?? meta.service ?? request.id },
    { key: 'griddle.environment', value: meta.environment ?? '' },
    { key: 'griddle.version', value: deploy.version ?? (image ? imageTag(image) : undefined) ?? deploy.id },
    // Singularity's INSTANCE_NO and ESTIMATED_INSTANCE_COUNT, which apps read to shard work.
    { key: 'griddle.instances', value: String(request.instances ?? 1) },
  ];
  const own = Object.entries(deploy.labels ?? {}).filter(([key]) => !key.startsWith('griddle.')).map(([key, value]) => ({ key, value }));
  return { fixed, own };
}

/**
 * What every task of a deploy launched with one request and executor command has alike: its
 * name, executor command, labels (but the instance number) and, without port mappings, its
 * container. Built once and shared by their TaskInfos, which nothing modifies: built per task,
 * these objects were about 550 bytes of each task's memory for its life.
 */
interface DeployParts {
  name: string;
  executorCommand: CommandInfo;
  labels: { fixed: Label[]; own: Label[] };
  container: ContainerInfo | undefined;
}

const partsByDeploy = new WeakMap<SingularityDeploy, WeakMap<SingularityRequest, Map<string, DeployParts>>>();

function deployParts(request: SingularityRequest, deploy: SingularityDeploy, executorCmd: string): DeployParts {
  let byRequest = partsByDeploy.get(deploy);
  if (!byRequest) partsByDeploy.set(deploy, byRequest = new WeakMap());
  let byCmd = byRequest.get(request);
  if (!byCmd) byRequest.set(request, byCmd = new Map());
  let parts = byCmd.get(executorCmd);
  if (!parts) {
    parts = {
      name: `${request.id}:${deploy.id}`,
      executorCommand: {
        value: deploy.customExecutorCmd ?? executorCmd,
        shell: true,
        environment: { variables: executorEnv(deploy).map((v) => ({ ...v, type: 'VALUE' as const })) },
      },
      labels: sharedLabels(request, deploy),
      container: deploy.containerInfo?.docker?.portMappings?.length ? undefined : container(deploy, []),
    };
    byCmd.set(executorCmd, parts);
  }
  return parts;
}

/** The TaskInfo Griddle launches: a CUSTOM griddle-executor per task, with the Docker container to run. */
export function buildTaskInfo(input: TaskInfoInput): TaskInfo {
  const { deploy, request } = input;
  const parts = deployParts(request, deploy, input.executorCmd);
  const command = taskCommand(deploy, input.placement ? taskEnvironment(input.taskId, request, deploy, input.placement) : []);
  const info: TaskInfo = {
    name: parts.name,
    task_id: { value: input.taskId },
    agent_id: { value: input.agentId },
    resources: input.resources,
    executor: {
      type: 'CUSTOM',
      executor_id: { value: input.taskId },
      name: 'griddle-executor',
      source: input.taskId,
      ...(input.executorResources?.length ? { resources: input.executorResources } : {}),
      command: parts.executorCommand,
    },
    labels: { labels: labelsOf(parts.labels, input.placement?.instanceNo) },
    data: Buffer.from(JSON.stringify(command)).toString('base64'),
  };
  const c = parts.container ?? container(deploy, input.ports);
  if (c) info.container = c;
  const hc = request.skipHealthchecks ? undefined : healthCheck(deploy.healthcheck, deploy, input.ports);
  if (hc) info.health_check = hc;
  return info;
}
