/**
 * sidecar-executor's `EXECUTOR_*` settings, read as their Griddle equivalents, and a warning for
 * every `EXECUTOR_*` variable that neither knows. Pure: main.ts logs what `describeSettings`
 * returns, so that an operator moving a deploy over sees what each old setting became.
 */
import type { Env } from './config';

/** Griddle's own `EXECUTOR_*` settings (config.ts reads them). */
export const GRIDDLE_SETTINGS = [
  'EXECUTOR_CONTENT_TYPE', 'EXECUTOR_KILL_TASK_TIMEOUT', 'EXECUTOR_KEEP_FAILED_CONTAINERS', 'EXECUTOR_CPU_LIMIT',
  'EXECUTOR_MEMORY_LIMIT', 'EXECUTOR_PULL_ATTEMPTS', 'EXECUTOR_PULL_RETRY_DELAY', 'EXECUTOR_VAULT_ALLOWED_PATHS',
  'EXECUTOR_LOG_TAIL_BYTES', 'EXECUTOR_TERMINAL_ACK_TIMEOUT', 'EXECUTOR_AGENT_HEARTBEAT_INTERVAL', 'EXECUTOR_GC_INTERVAL',
  'EXECUTOR_STRICT_DOCKER_PARAMETERS', 'EXECUTOR_REGISTRY_AUTH',
] as const;

/** sidecar-executor settings Griddle honours, and what each one drives here. */
export const MAPPED_SETTINGS: Readonly<Record<string, string>> = {
  EXECUTOR_SIDECAR_BACKOFF: 'delay before the first label-driven (HealthCheck label) health check',
  EXECUTOR_SIDECAR_POLL_INTERVAL: 'interval of label-driven health checks',
  EXECUTOR_SIDECAR_MAX_FAILS: 'consecutive failed label-driven health checks before the task is killed',
  EXECUTOR_SIDECAR_DRAINING_DURATION: 'time between TASK_KILLING (discovery marks the task DRAINING) and SIGTERM',
  EXECUTOR_SIDECAR_DISCOVER: 'false: no discovery entry, no drain, no label-driven health check (as the SidecarDiscover label)',
  EXECUTOR_FORCE_CPU_LIMIT: 'EXECUTOR_CPU_LIMIT, when that is not set',
  EXECUTOR_FORCE_MEMORY_LIMIT: 'EXECUTOR_MEMORY_LIMIT, when that is not set',
  EXECUTOR_DEBUG: 'true: GRIDDLE_LOG_LEVEL=debug, when that is not set',
};

/** sidecar-executor settings with nothing to do in Griddle, and why. */
export const OBSOLETE_SETTINGS: Readonly<Record<string, string>> = {
  EXECUTOR_HTTP_TIMEOUT: 'there is no Sidecar to call; health checks use their own timeout',
  EXECUTOR_SIDECAR_RETRY_COUNT: 'there is no Sidecar to call',
  EXECUTOR_SIDECAR_RETRY_DELAY: 'there is no Sidecar to call',
  EXECUTOR_SIDECAR_URL: "discovery is the scheduler's catalog, fed by the task's status updates",
  EXECUTOR_SEED_SIDECAR: 'there is no Sidecar to seed',
  EXECUTOR_DOCKER_REPOSITORY: "credentials are matched to the image's own registry (see Private registries)",
  EXECUTOR_LOGS_SINCE: 'container output is copied to the sandbox as it is written',
  EXECUTOR_USE_CPU_SHARES: 'CPU shares are always set; EXECUTOR_CPU_LIMIT adds the quota',
  EXECUTOR_MESOS_MASTER_PORT: 'only used for EXECUTOR_SEED_SIDECAR',
  EXECUTOR_RELAY_SYSLOG: 'not supported: use a docker log-driver parameter',
  EXECUTOR_RELAY_SYSLOG_STARTUP_ONLY: 'not supported: use a docker log-driver parameter',
  EXECUTOR_RELAY_SYSLOG_STARTUP_TIME: 'not supported: use a docker log-driver parameter',
  EXECUTOR_SYSLOG_ADDR: 'not supported: use a docker log-driver parameter',
  EXECUTOR_CONTAINER_LOGS_STDOUT: 'container output always goes to the sandbox',
  EXECUTOR_SEND_DOCKER_LABELS: 'not supported (syslog relay)',
  EXECUTOR_AWS_ROLE: 'not supported: read AWS credentials with a vault:// env value',
  EXECUTOR_AWS_ROLE_TTL: 'not supported',
  EXECUTOR_AWS_ROLE_MAX_TTL: 'not supported',
};

export interface SettingNote {
  name: string;
  value: string;
  kind: 'mapped' | 'obsolete' | 'unknown';
  /** What it became, or why it does nothing. */
  note: string;
}

/** One note per `EXECUTOR_*` variable that is not simply one of Griddle's own settings. */
export function describeSettings(env: Env): SettingNote[] {
  const own = new Set<string>(GRIDDLE_SETTINGS);
  const notes: SettingNote[] = [];
  // A plain comparison: localeCompare would load ICU's collator, megabytes of RSS.
  for (const [name, value] of Object.entries(env).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (!name.startsWith('EXECUTOR_') || value === undefined || own.has(name)) continue;
    if (MAPPED_SETTINGS[name]) notes.push({ name, value, kind: 'mapped', note: MAPPED_SETTINGS[name] });
    else if (OBSOLETE_SETTINGS[name]) notes.push({ name, value, kind: 'obsolete', note: OBSOLETE_SETTINGS[name] });
    else notes.push({ name, value, kind: 'unknown', note: 'not a griddle-executor or sidecar-executor setting; ignored (a typo?)' });
  }
  return notes;
}

/** The Griddle setting a sidecar-executor alias stands in for, when the Griddle one is unset. */
export function withAliases(env: Env): Env {
  const out: Record<string, string | undefined> = { ...env };
  const alias = (griddle: string, old: string, map: (v: string) => string = (v) => v) => {
    if (out[griddle] === undefined && out[old] !== undefined) out[griddle] = map(out[old] as string);
  };
  alias('EXECUTOR_CPU_LIMIT', 'EXECUTOR_FORCE_CPU_LIMIT');
  alias('EXECUTOR_MEMORY_LIMIT', 'EXECUTOR_FORCE_MEMORY_LIMIT');
  alias('GRIDDLE_LOG_LEVEL', 'EXECUTOR_DEBUG', (v) => (/^(1|t|true)$/i.test(v) ? 'debug' : 'info'));
  return out;
}
