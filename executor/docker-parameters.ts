/**
 * Docker `parameters`, named as in `docker run --<key>` (sidecar-executor's mapping, widened).
 * Pure. An unknown key is skipped with a warning, as sidecar-executor skipped what it did not
 * know; with EXECUTOR_STRICT_DOCKER_PARAMETERS it fails the task instead.
 */
import type { ContainerCreateOptions, HostConfig } from 'dockerode';
import type { Parameter } from '../mesos-proto';
import { TaskSpecError } from './task-spec-error';

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

export interface ParameterTarget {
  config: ContainerCreateOptions;
  host: HostConfig;
  labels: Record<string, string>;
  env: Map<string, string>;
}

export const push = (list: string[] | undefined, value: string): string[] => [...(list ?? []), value];

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
export const ALIASES: Record<string, string> = { e: 'env', v: 'volume', u: 'user', w: 'workdir', h: 'hostname', l: 'label' };

/**
 * Applies every parameter to `target`; returns a warning per skipped one. `executor.ShellCommand`
 * labels are not Docker's: they become the command (sidecar-labels.ts) and are dropped here.
 */
export function applyDockerParameters(parameters: readonly Parameter[], target: ParameterTarget, strict: boolean): string[] {
  const warnings: string[] = [];
  for (const { key, value } of parameters) {
    const canonical = ALIASES[key] ?? key.replace(/^-+/, '');
    const apply = PARAMETERS[canonical];
    if (!apply) {
      const why = `docker parameter '${key}' is not supported; supported: ${Object.keys(PARAMETERS).sort().join(', ')}`;
      if (strict) throw new TaskSpecError(`${why} (EXECUTOR_STRICT_DOCKER_PARAMETERS=true)`);
      warnings.push(`${why}; skipped`);
      continue;
    }
    if (canonical === 'label' && value.startsWith('executor.ShellCommand=')) continue;
    apply(target, value, canonical);
  }
  return warnings;
}
