/**
 * Everything the executor is told comes from its environment: the agent's `MESOS_*` variables,
 * Griddle's `EXECUTOR_*` settings and the `VAULT_*` credentials. Parsing is pure (it takes the
 * environment as a record) so that every default and error is unit-tested.
 */
import { CONTENT_TYPE_JSON, CONTENT_TYPE_PROTOBUF, parseMesosDuration, type ContentType } from '../mesos-proto';

export type Env = Readonly<Record<string, string | undefined>>;

export class ConfigError extends Error {}

export interface MesosEnvironment {
  agentEndpoint: string;
  frameworkId: string;
  executorId: string;
  agentId: string | undefined;
  directory: string | undefined;
  sandbox: string | undefined;
  checkpoint: boolean;
  recoveryTimeoutMs: number;
  subscriptionBackoffMaxMs: number;
  shutdownGracePeriodMs: number;
  authToken: string | undefined;
}

export interface ExecutorSettings {
  contentType: ContentType;
  killTaskTimeoutMs: number;
  keepFailedContainers: boolean;
  cpuLimit: boolean;
  memoryLimit: boolean;
  pullAttempts: number;
  pullRetryDelayMs: number;
  vaultAllowedPaths: string;
  logTailBytes: number;
  terminalAckTimeoutMs: number;
  /** 0: no watchdog. */
  agentHeartbeatIntervalMs: number;
  /** sidecar-executor's SidecarBackoff / SidecarPollInterval / SidecarMaxFails: label-driven checks. */
  sidecarBackoffMs: number;
  sidecarPollIntervalMs: number;
  sidecarMaxFails: number;
  /** EXECUTOR_SIDECAR_DRAINING_DURATION as set; undefined: the executor's default applies (task-runner.ts). */
  drainMs: number | undefined;
  /** EXECUTOR_SIDECAR_DISCOVER as written (the SidecarDiscover label wins over it). */
  sidecarDiscover: string | undefined;
  /** Refuse unknown docker parameters instead of skipping them with a warning. */
  strictDockerParameters: boolean;
  /** A `vault://` reference to the registry credential of this deploy's image. */
  registryAuth: string | undefined;
  /** DOCKER_CONFIG: the directory of the agent's Docker config.json (default ~/.docker). */
  dockerConfigDir: string | undefined;
}

export interface VaultSettings {
  addr: string;
  token: string | undefined;
  tokenFile: string | undefined;
  roleId: string | undefined;
  secretId: string | undefined;
  approleMount: string;
  username: string | undefined;
  password: string | undefined;
  userpassMount: string;
  namespace: string | undefined;
  timeoutMs: number;
  /** VAULT_TTL: the TTL (seconds) asked for a userpass token, and how long a cached one is reused. */
  ttlSeconds: number;
  tls: VaultTlsSettings;
}

/** The Vault CLI's TLS variables. */
export interface VaultTlsSettings {
  caCert: string | undefined;
  caPath: string | undefined;
  clientCert: string | undefined;
  clientKey: string | undefined;
  skipVerify: boolean;
}

/** Defaults of every `EXECUTOR_*` and `VAULT_*` variable; docs/executor.md lists the same. */
export const EXECUTOR_DEFAULTS = {
  EXECUTOR_CONTENT_TYPE: 'json',
  EXECUTOR_KILL_TASK_TIMEOUT: '5s',
  EXECUTOR_KEEP_FAILED_CONTAINERS: 'false',
  EXECUTOR_CPU_LIMIT: 'true',
  EXECUTOR_MEMORY_LIMIT: 'true',
  EXECUTOR_PULL_ATTEMPTS: '5',
  EXECUTOR_PULL_RETRY_DELAY: '1s',
  EXECUTOR_VAULT_ALLOWED_PATHS: 'secret/data/{service}/,secret/{service}/',
  EXECUTOR_LOG_TAIL_BYTES: '1024',
  EXECUTOR_TERMINAL_ACK_TIMEOUT: '30s',
  EXECUTOR_AGENT_HEARTBEAT_INTERVAL: '30mins', // Apache Mesos's DEFAULT_EXECUTOR_HEARTBEAT_INTERVAL
  EXECUTOR_GC_INTERVAL: '60s',
  // sidecar-executor's defaults for its Sidecar health polling:
  EXECUTOR_SIDECAR_BACKOFF: '1m',
  EXECUTOR_SIDECAR_POLL_INTERVAL: '30s',
  EXECUTOR_SIDECAR_MAX_FAILS: '3',
  EXECUTOR_STRICT_DOCKER_PARAMETERS: 'false',
  VAULT_ADDR: 'http://127.0.0.1:8200',
  VAULT_APPROLE_MOUNT: 'approle',
  VAULT_USERPASS_MOUNT: 'userpass',
  VAULT_TIMEOUT: '5s',
  VAULT_TTL: '86400', // sidecar-executor's default: one day
} as const;

const TRUE = new Set(['1', 'true', 'yes', 'on']);
const FALSE = new Set(['0', 'false', 'no', 'off', '']);

export function parseBool(name: string, value: string): boolean {
  const v = value.trim().toLowerCase();
  if (TRUE.has(v)) return true;
  if (FALSE.has(v)) return false;
  throw new ConfigError(`${name}='${value}' is not a boolean; use true or false`);
}

const GO_UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * Settings durations: a bare number is seconds (as sidecar-executor's KILL_TASK_TIMEOUT), `5s`,
 * `500ms`, `2m`, `1h` as Go writes them, or a Mesos duration such as `5secs`.
 */
export function parseSettingDuration(name: string, value: string): number {
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  const go = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text);
  if (go) return Number(go[1]) * GO_UNIT_MS[go[2]];
  try {
    return parseMesosDuration(text);
  } catch {
    throw new ConfigError(`${name}='${value}' is not a duration; use seconds (5), 5s, 500ms, 2m or 5secs`);
  }
}

function mesosDuration(env: Env, name: string, fallback: string): number {
  const value = env[name] ?? fallback;
  try {
    return parseMesosDuration(value);
  } catch (err) {
    throw new ConfigError(`${name}: ${(err as Error).message}`);
  }
}

function required(env: Env, name: string): string {
  const value = env[name];
  if (!value) throw new ConfigError(`${name} is not set; griddle-executor must be launched by a Mesos agent (or run with --gc)`);
  return value;
}

export function readMesosEnvironment(env: Env): MesosEnvironment {
  const checkpoint = env.MESOS_CHECKPOINT === '1';
  return {
    agentEndpoint: required(env, 'MESOS_AGENT_ENDPOINT'),
    frameworkId: required(env, 'MESOS_FRAMEWORK_ID'),
    executorId: required(env, 'MESOS_EXECUTOR_ID'),
    agentId: env.MESOS_SLAVE_ID ?? env.MESOS_AGENT_ID,
    directory: env.MESOS_DIRECTORY,
    sandbox: env.MESOS_SANDBOX ?? env.MESOS_DIRECTORY,
    checkpoint,
    // Mesos sets these two only with checkpointing; its own defaults apply otherwise.
    recoveryTimeoutMs: mesosDuration(env, 'MESOS_RECOVERY_TIMEOUT', '15mins'),
    subscriptionBackoffMaxMs: mesosDuration(env, 'MESOS_SUBSCRIPTION_BACKOFF_MAX', '2secs'),
    shutdownGracePeriodMs: mesosDuration(env, 'MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD', '5secs'),
    authToken: env.MESOS_EXECUTOR_AUTHENTICATION_TOKEN,
  };
}

function setting(env: Env, name: keyof typeof EXECUTOR_DEFAULTS): string {
  return env[name] ?? EXECUTOR_DEFAULTS[name];
}

function positiveInt(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new ConfigError(`${name}='${value}' must be a positive integer`);
  return n;
}

export function readExecutorSettings(env: Env): ExecutorSettings {
  // Each reader names the variable once: the same name both reads it and labels its error.
  const duration = (name: keyof typeof EXECUTOR_DEFAULTS): number => parseSettingDuration(name, setting(env, name));
  const bool = (name: keyof typeof EXECUTOR_DEFAULTS): boolean => parseBool(name, setting(env, name));
  const count = (name: keyof typeof EXECUTOR_DEFAULTS): number => positiveInt(name, setting(env, name));
  const type = setting(env, 'EXECUTOR_CONTENT_TYPE').toLowerCase();
  let contentType: ContentType;
  if (type === 'json' || type === CONTENT_TYPE_JSON) contentType = CONTENT_TYPE_JSON;
  else if (type === 'protobuf' || type === CONTENT_TYPE_PROTOBUF) contentType = CONTENT_TYPE_PROTOBUF;
  else throw new ConfigError(`EXECUTOR_CONTENT_TYPE='${type}' must be json or protobuf`);
  return {
    contentType,
    killTaskTimeoutMs: duration('EXECUTOR_KILL_TASK_TIMEOUT'),
    keepFailedContainers: bool('EXECUTOR_KEEP_FAILED_CONTAINERS'),
    cpuLimit: bool('EXECUTOR_CPU_LIMIT'),
    memoryLimit: bool('EXECUTOR_MEMORY_LIMIT'),
    pullAttempts: count('EXECUTOR_PULL_ATTEMPTS'),
    pullRetryDelayMs: duration('EXECUTOR_PULL_RETRY_DELAY'),
    vaultAllowedPaths: setting(env, 'EXECUTOR_VAULT_ALLOWED_PATHS'),
    logTailBytes: count('EXECUTOR_LOG_TAIL_BYTES'),
    terminalAckTimeoutMs: duration('EXECUTOR_TERMINAL_ACK_TIMEOUT'),
    agentHeartbeatIntervalMs: duration('EXECUTOR_AGENT_HEARTBEAT_INTERVAL'),
    sidecarBackoffMs: duration('EXECUTOR_SIDECAR_BACKOFF'),
    sidecarPollIntervalMs: duration('EXECUTOR_SIDECAR_POLL_INTERVAL'),
    sidecarMaxFails: count('EXECUTOR_SIDECAR_MAX_FAILS'),
    drainMs: env.EXECUTOR_SIDECAR_DRAINING_DURATION === undefined
      ? undefined
      : parseSettingDuration('EXECUTOR_SIDECAR_DRAINING_DURATION', env.EXECUTOR_SIDECAR_DRAINING_DURATION),
    sidecarDiscover: env.EXECUTOR_SIDECAR_DISCOVER,
    strictDockerParameters: bool('EXECUTOR_STRICT_DOCKER_PARAMETERS'),
    registryAuth: env.EXECUTOR_REGISTRY_AUTH || undefined,
    dockerConfigDir: env.DOCKER_CONFIG || undefined,
  };
}

/** Mean time between the orphan sweeps of a running executor; 0: none in the executor (only `--gc`). */
export function readGcIntervalMs(env: Env): number {
  return parseSettingDuration('EXECUTOR_GC_INTERVAL', setting(env, 'EXECUTOR_GC_INTERVAL'));
}

export function readVaultSettings(env: Env): VaultSettings {
  return {
    addr: setting(env, 'VAULT_ADDR').replace(/\/+$/, ''),
    token: env.VAULT_TOKEN || undefined,
    tokenFile: env.VAULT_TOKEN_FILE || undefined,
    roleId: env.VAULT_ROLE_ID || undefined,
    secretId: env.VAULT_SECRET_ID || undefined,
    approleMount: setting(env, 'VAULT_APPROLE_MOUNT'),
    username: env.VAULT_USERNAME || undefined,
    password: env.VAULT_PASSWORD || undefined,
    userpassMount: setting(env, 'VAULT_USERPASS_MOUNT'),
    namespace: env.VAULT_NAMESPACE || undefined,
    timeoutMs: parseSettingDuration('VAULT_TIMEOUT', setting(env, 'VAULT_TIMEOUT')),
    ttlSeconds: positiveInt('VAULT_TTL', setting(env, 'VAULT_TTL')),
    tls: {
      caCert: env.VAULT_CACERT || undefined,
      caPath: env.VAULT_CAPATH || undefined,
      clientCert: env.VAULT_CLIENT_CERT || undefined,
      clientKey: env.VAULT_CLIENT_KEY || undefined,
      skipVerify: parseBool('VAULT_SKIP_VERIFY', env.VAULT_SKIP_VERIFY ?? 'false'),
    },
  };
}
