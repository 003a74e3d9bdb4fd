/**
 * Turns a Mesos TaskInfo (ContainerInfo DOCKER) into the Docker Engine create body: name,
 * labels, ports, env, docker parameters, volumes, limits and command. Pure: secrets come in
 * already resolved, so this is unit-tested without Docker or Vault.
 */
import type { ContainerCreateOptions, HostConfig } from 'dockerode';
import { MesosDecodeError, messageType, objectFromJson, type CommandInfo, type Labels, type Resource, type TaskInfo } from '../mesos-proto';
import { isVaultRef } from './vault-paths';

export class TaskSpecError extends Error {}

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
  };
}

export function containerName(taskId: string): string {
  return `griddle-${taskId.replace(/[^a-zA-Z0-9_.-]/g, '_')}`;
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

function splitPair(key: string, value: string, sep = '='): [string, string] {
  const i = value.indexOf(sep);
  if (i <= 0) throw new TaskSpecError(`docker parameter ${key}='${value}' must look like name${sep}value`);
  return [value.slice(0, i), value.slice(i + 1)];
}

const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };
function parseSize(key: string, value: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([bkmg]?)b?$/i.exec(value.trim());
  if (!m) throw new TaskSpecError(`docker parameter ${key}='${value}' must be a size such as 64m or 1g`);
  return Math.round(Number(m[1]) * SIZE_UNITS[m[2].toLowerCase()]);
}

interface ParameterTarget {
  config: ContainerCreateOptions;
  host: HostConfig;
  labels: Record<string, string>;
  env: Map<string, string>;
}

const push = (list: string[] | undefined, value: string): string[] => [...(list ?? []), value];

/** `docker run` flags, named as in `docker run --<key>` (sidecar-executor's mapping, widened). */
const PARAMETERS: Record<string, (t: ParameterTarget, value: string, key: string) => void> = {
  label: (t, v, k) => { const [n, val] = splitPair(k, v); t.labels[n] = val; },
  env: (t, v, k) => { const [n, val] = splitPair(k, v); t.env.set(n, val); },
  'cap-add': (t, v) => { t.host.CapAdd = push(t.host.CapAdd, v); },
  'cap-drop': (t, v) => { t.host.CapDrop = push(t.host.CapDrop, v); },
  'volume-driver': (t, v) => { t.host.VolumeDriver = v; },
  volume: (t, v) => { t.host.Binds = push(t.host.Binds, v); },
  'security-opt': (t, v) => { t.host.SecurityOpt = push(t.host.SecurityOpt, v); },
  dns: (t, v) => { t.host.Dns = push(t.host.Dns, v); },
  'dns-search': (t, v) => { t.host.DnsSearch = push(t.host.DnsSearch, v); },
  'add-host': (t, v) => { t.host.ExtraHosts = push(t.host.ExtraHosts, v); },
  device: (t, v) => {
    const [onHost, inContainer = onHost, perms = 'rwm'] = v.split(':');
    t.host.Devices = [...(t.host.Devices ?? []), { PathOnHost: onHost, PathInContainer: inContainer, CgroupPermissions: perms }];
  },
  ulimit: (t, v, k) => {
    const [name, limits] = splitPair(k, v);
    const [soft, hard = soft] = limits.split(':').map(Number);
    if (!Number.isInteger(soft) || !Number.isInteger(hard)) throw new TaskSpecError(`docker parameter ulimit='${v}' must look like nofile=1024:2048`);
    t.host.Ulimits = [...(t.host.Ulimits ?? []), { Name: name, Soft: soft, Hard: hard }];
  },
  sysctl: (t, v, k) => { const [n, val] = splitPair(k, v); t.host.Sysctls = { ...(t.host.Sysctls ?? {}), [n]: val }; },
  'log-driver': (t, v) => { t.host.LogConfig = { Type: v, Config: t.host.LogConfig?.Config ?? {} }; },
  'log-opt': (t, v, k) => {
    const [n, val] = splitPair(k, v);
    t.host.LogConfig = { Type: t.host.LogConfig?.Type ?? '', Config: { ...(t.host.LogConfig?.Config ?? {}), [n]: val } };
  },
  'shm-size': (t, v, k) => { t.host.ShmSize = parseSize(k, v); },
  'memory-swap': (t, v, k) => { t.host.MemorySwap = v === '-1' ? -1 : parseSize(k, v); },
  tmpfs: (t, v) => { const [path, opts = ''] = v.split(/:(.*)/s); t.host.Tmpfs = { ...(t.host.Tmpfs ?? {}), [path]: opts }; },
  'read-only': (t, v) => { t.host.ReadonlyRootfs = v !== 'false'; },
  init: (t, v) => { t.host.Init = v !== 'false'; },
  pid: (t, v) => { t.host.PidMode = v; },
  ipc: (t, v) => { t.host.IpcMode = v; },
  user: (t, v) => { t.config.User = v; },
  workdir: (t, v) => { t.config.WorkingDir = v; },
  hostname: (t, v) => { t.config.Hostname = v; },
  entrypoint: (t, v) => { t.config.Entrypoint = [v]; },
  'stop-signal': (t, v) => { t.config.StopSignal = v; },
};
const ALIASES: Record<string, string> = { e: 'env', v: 'volume', u: 'user', w: 'workdir', h: 'hostname', l: 'label' };

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
  /** Resolved values of `vault://` env entries, by env name. */
  secrets: ReadonlyMap<string, string>;
}

export interface ContainerPlan {
  name: string;
  image: string;
  identity: TaskIdentityInfo;
  options: ContainerCreateOptions;
}

export function buildContainerPlan(task: TaskInfo, ctx: ContainerContext): ContainerPlan {
  const image = dockerImage(task);
  const docker = task.container?.docker;
  const identity = taskIdentity(task);
  const taskId = task.task_id.value;
  const name = containerName(taskId);
  const network = docker?.network ?? 'HOST';

  const env = taskEnvironment(task);
  for (const [key, value] of env) {
    if (isVaultRef(value)) {
      const secret = ctx.secrets.get(key);
      if (secret === undefined) throw new TaskSpecError(`env ${key}: vault reference was not resolved`);
      env.set(key, secret);
    }
  }

  const host: HostConfig = { Privileged: docker?.privileged ?? false };
  const config: ContainerCreateOptions = { name, Image: image };
  const labels: Record<string, string> = {};
  const target: ParameterTarget = { config, host, labels, env };
  for (const { key, value } of docker?.parameters ?? []) {
    const canonical = ALIASES[key] ?? key.replace(/^-+/, '');
    const apply = PARAMETERS[canonical];
    if (!apply) {
      throw new TaskSpecError(`docker parameter '${key}' is not supported; supported: ${Object.keys(PARAMETERS).sort().join(', ')}`);
    }
    apply(target, value, canonical);
  }

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

  const facts: [string, string][] = [
    ...mesosPorts,
    ['MESOS_HOSTNAME', ctx.hostname],
    ['TASK_ID', taskId],
    ['SERVICE_NAME', identity.service],
    ['ENVIRONMENT_NAME', identity.environment],
    ['SERVICE_VERSION', identity.version],
  ];
  for (const [key, value] of facts) env.set(key, value);
  config.Env = [...env].map(([k, v]) => `${k}=${v}`);

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
  return { name, image, identity, options: config };
}
