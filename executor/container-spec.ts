/**
 * Turns a Mesos TaskInfo (ContainerInfo DOCKER) into the Docker Engine create body: name,
 * labels, ports, env, docker parameters, volumes, limits and command. Pure: secrets come in
 * already resolved, so this is unit-tested without Docker or Vault.
 */
import type { ContainerCreateOptions, HostConfig } from 'dockerode';
import { containerName } from '../contract/container-name';
import { MesosDecodeError, messageType, objectFromJson, type CommandInfo, type Labels, type Resource, type TaskInfo } from '../mesos-proto';
import { applyDockerParameters, push, type ParameterTarget } from './docker-parameters';
import { effectiveLabels, labelEnvironment, shellCommand } from './sidecar-labels';
import { buildContainerEnv, hostPortsOf, type EnvSources } from './task-environment';
import { TaskSpecError } from './task-spec-error';
import { isVaultRef } from './vault-paths';

export { containerName };

export { TaskSpecError };

export const LABEL_TASK_ID = 'griddle.task_id';
export const LABEL_EXECUTOR_ID = 'griddle.executor_id';
export const LABEL_EXECUTOR_PID = 'griddle.executor_pid';
/** /proc/<pid>/stat field 22 of the executor: with the pid, it names one process for the host's uptime. */
export const LABEL_EXECUTOR_START = 'griddle.executor_start_time';
export const LABEL_AGENT_ID = 'griddle.agent_id';
export const LABEL_FRAMEWORK_ID = 'griddle.framework_id';

export interface TaskIdentityInfo {
  requestId: string | undefined;
  deployId: string | undefined;
  service: string;
  environment: string;
  version: string;
  instanceNo: number | undefined;
  instanceCount: number | undefined;
}

const count = (v: string | undefined): number | undefined => (v && /^\d+$/.test(v) ? Number(v) : undefined);

/** The instance number in a Griddle/Singularity task id: `<request>-<deploy>-<startedAt>-<instanceNo>-<host>`. */
function instanceFromTaskId(taskId: string): number | undefined {
  return count(/-\d{10,}-(\d+)-[A-Za-z0-9_.]+$/.exec(taskId)?.[1]);
}

export function labelMap(labels: Labels | undefined): Map<string, string> {
  return new Map((labels?.labels ?? []).map((l) => [l.key, l.value ?? '']));
}

/** The tag of `repo/name:tag` (`latest` when absent; digests are not tags). */
export function imageTag(image: string): string {
  const at = image.indexOf('@');
  const ref = at === -1 ? image : image.slice(0, at);
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  return colon > slash ? ref.slice(colon + 1) : 'latest';
}

export function dockerImage(task: TaskInfo): string {
  const container = task.container;
  if (!container || container.type !== 'DOCKER' || !container.docker?.image) {
    throw new TaskSpecError(`task ${task.task_id.value}: TaskInfo.container must be of type DOCKER with docker.image set`);
  }
  return container.docker.image;
}

export function taskIdentity(task: TaskInfo): TaskIdentityInfo {
  const labels = labelMap(task.labels);
  return {
    requestId: labels.get('griddle.request_id'),
    deployId: labels.get('griddle.deploy_id'),
    service: labels.get('griddle.service_name') || task.discovery?.name || labels.get('griddle.request_id') || task.name,
    environment: labels.get('griddle.environment') ?? task.discovery?.environment ?? '',
    version: labels.get('griddle.version') || imageTag(dockerImage(task)),
    instanceNo: count(labels.get('griddle.instance_no')) ?? instanceFromTaskId(task.task_id.value),
    instanceCount: count(labels.get('griddle.instances')),
  };
}

/**
 * The task's own command and environment. Mesos refuses a TaskInfo with both `executor` and
 * `command`, so with a CUSTOM executor the scheduler sends it in `TaskInfo.data`: base64 of a
 * CommandInfo in Mesos's JSON mapping. `TaskInfo.command` is honoured when present.
 */
export function taskCommand(task: TaskInfo): CommandInfo | undefined {
  if (task.command) return task.command;
  if (!task.data) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(task.data, 'base64').toString('utf8'));
  } catch {
    throw new TaskSpecError('TaskInfo.data must be base64 of a CommandInfo in JSON ({"value", "arguments", "shell", "environment"})');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new TaskSpecError('TaskInfo.data must be base64 of a JSON object (a CommandInfo)');
  }
  try {
    return objectFromJson(messageType('mesos.v1.CommandInfo'), parsed as Parameters<typeof objectFromJson>[1], 'TaskInfo.data') as CommandInfo;
  } catch (err) {
    if (err instanceof MesosDecodeError) throw new TaskSpecError(`TaskInfo.data is not a valid CommandInfo: ${err.message}`);
    throw err;
  }
}

/** The task's environment as written, with `vault://` references still unresolved. */
export function taskEnvironment(task: TaskInfo): Map<string, string> {
  return new Map((taskCommand(task)?.environment?.variables ?? []).map((v) => [v.name, v.value ?? '']));
}

export function vaultReferences(env: Map<string, string>): [string, string][] {
  return [...env.entries()].filter(([, value]) => isVaultRef(value));
}

/** Every env source of the container, as written (docker `env` parameters split at '='). */
export function envSources(task: TaskInfo): EnvSources {
  const pairs = (vars: { name: string; value?: string }[] | undefined) => (vars ?? []).map((v): [string, string] => [v.name, v.value ?? '']);
  const envParameters: [string, string][] = [];
  for (const { key, value } of task.container?.docker?.parameters ?? []) {
    if (!['env', 'e', '-e', '--env'].includes(key)) continue;
    const i = value.indexOf('=');
    if (i > 0) envParameters.push([value.slice(0, i), value.slice(i + 1)]);
  }
  return {
    executorEnv: pairs(task.executor?.command?.environment?.variables),
    taskEnv: pairs(taskCommand(task)?.environment?.variables),
    envParameters,
  };
}

function scalar(resources: Resource[] | undefined, name: string): number | undefined {
  const found = (resources ?? []).filter((r) => r.name === name && r.scalar);
  return found.length ? found.reduce((sum, r) => sum + (r.scalar?.value ?? 0), 0) : undefined;
}

export function portResources(resources: Resource[] | undefined): number[] {
  const ports: number[] = [];
  for (const r of resources ?? []) {
    if (r.name !== 'ports') continue;
    for (const range of r.ranges?.range ?? []) for (let p = range.begin; p <= range.end; p++) ports.push(p);
  }
  return ports;
}

export interface ContainerContext {
  executorId: string;
  frameworkId: string;
  agentId: string;
  executorPid: number;
  executorStartTime?: string;
  /** The agent's hostname (MESOS_HOSTNAME). */
  hostname: string;
  cpuLimit: boolean;
  memoryLimit: boolean;
  /** The agent's rack (Singularity's TASK_RACK_ID), when it has one. */
  rackId?: string;
  /** Refuse unknown docker parameters (EXECUTOR_STRICT_DOCKER_PARAMETERS) instead of skipping them. */
  strictDockerParameters?: boolean;
  /** Resolved values of `vault://` env values, by reference. */
  secrets: ReadonlyMap<string, string>;
}

export interface ContainerPlan {
  name: string;
  image: string;
  identity: TaskIdentityInfo;
  options: ContainerCreateOptions;
  /** Docker parameters that were skipped, to be logged. */
  warnings: string[];
}

export function buildContainerPlan(task: TaskInfo, ctx: ContainerContext): ContainerPlan {
  const image = dockerImage(task);
  const docker = task.container?.docker;
  const identity = taskIdentity(task);
  const taskId = task.task_id.value;
  const name = containerName(taskId);
  const network = docker?.network ?? 'HOST';

  const host: HostConfig = { Privileged: docker?.privileged ?? false };
  const config: ContainerCreateOptions = { name, Image: image };
  const labels: Record<string, string> = {};
  // env parameters are applied by buildContainerEnv, in their place among the env sources.
  const target: ParameterTarget = { config, host, labels, env: new Map() };
  const warnings = applyDockerParameters(docker?.parameters ?? [], target, ctx.strictDockerParameters ?? false);

  const mesosPorts: [string, string][] = [];
  if (network === 'BRIDGE') {
    host.NetworkMode = 'bridge';
    const exposed: Record<string, object> = {};
    const bindings: Record<string, { HostPort: string }[]> = {};
    for (const mapping of docker?.port_mappings ?? []) {
      for (const protocol of (mapping.protocol ?? 'tcp').split(',').map((p) => p.trim().toLowerCase())) {
        const key = `${mapping.container_port}/${protocol}`;
        exposed[key] = {};
        bindings[key] = [...(bindings[key] ?? []), { HostPort: String(mapping.host_port) }];
      }
      mesosPorts.push([`MESOS_PORT_${mapping.container_port}`, String(mapping.host_port)]);
    }
    config.ExposedPorts = exposed;
    host.PortBindings = bindings;
  } else if (network === 'HOST') {
    host.NetworkMode = 'host';
    for (const port of portResources(task.resources)) mesosPorts.push([`MESOS_PORT_${port}`, String(port)]);
  } else if (network === 'NONE') {
    host.NetworkMode = 'none';
  } else {
    const user = task.container?.network_infos?.[0]?.name;
    if (!user) throw new TaskSpecError('docker.network USER needs container.network_infos[0].name');
    host.NetworkMode = user;
  }

  const sidecarLabels = effectiveLabels(task);
  try {
    config.Env = buildContainerEnv(envSources(task), {
      taskId,
      host: ctx.hostname,
      requestId: identity.requestId,
      deployId: identity.deployId,
      rackId: ctx.rackId,
      instanceNo: identity.instanceNo,
      instanceCount: identity.instanceCount,
      hostPorts: hostPortsOf(task, portResources(task.resources)),
      hostNetwork: network === 'HOST',
      mesosPorts,
      defaults: [['SERVICE_NAME', identity.service], ['ENVIRONMENT_NAME', identity.environment]],
      fromLabels: [...labelEnvironment(sidecarLabels), ['SERVICE_VERSION', identity.version]],
    }, ctx.secrets);
  } catch (err) {
    throw new TaskSpecError((err as Error).message, { cause: err });
  }

  for (const volume of task.container?.volumes ?? []) {
    const mode = volume.mode === 'RO' ? 'ro' : 'rw';
    if (volume.host_path) host.Binds = push(host.Binds, `${volume.host_path}:${volume.container_path}:${mode}`);
    else config.Volumes = { ...(config.Volumes ?? {}), [volume.container_path]: {} };
  }

  const cpus = scalar(task.resources, 'cpus');
  const mem = scalar(task.resources, 'mem');
  if (cpus !== undefined) {
    host.CpuShares = Math.max(2, Math.round(cpus * 1024));
    if (ctx.cpuLimit) host.NanoCpus = Math.round(cpus * 1e9);
  }
  if (mem !== undefined && ctx.memoryLimit) {
    // Docker refuses limits under 6 MiB; swap equal to memory means no swap.
    host.Memory = Math.max(6, Math.round(mem)) * 1024 * 1024;
    host.MemorySwap ??= host.Memory;
  }

  const command = taskCommand(task);
  if (command?.value) {
    if (command.shell ?? true) {
      config.Entrypoint = ['/bin/sh', '-c'];
      config.Cmd = [command.value];
    } else {
      config.Cmd = [command.value, ...(command.arguments ?? [])];
    }
  } else if (command?.arguments?.length) {
    config.Cmd = command.arguments;
  } else {
    // sidecar-executor's way to give a command: Cmd, keeping the image's entrypoint.
    const words = shellCommand(sidecarLabels);
    if (words) config.Cmd = words;
  }
  if (task.container?.hostname) config.Hostname = task.container.hostname;

  config.Labels = {
    ...labels,
    [LABEL_TASK_ID]: taskId,
    'griddle.request_id': identity.requestId ?? '',
    'griddle.deploy_id': identity.deployId ?? '',
    [LABEL_EXECUTOR_ID]: ctx.executorId,
    [LABEL_EXECUTOR_PID]: String(ctx.executorPid),
    ...(ctx.executorStartTime ? { [LABEL_EXECUTOR_START]: ctx.executorStartTime } : {}),
    [LABEL_AGENT_ID]: ctx.agentId,
    [LABEL_FRAMEWORK_ID]: ctx.frameworkId,
  };
  config.HostConfig = host;
  return { name, image, identity, options: config, warnings };
}
