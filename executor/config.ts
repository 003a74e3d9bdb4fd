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
  VAULT_ADDR: 'http://127.0.0.1:8200',
  VAULT_APPROLE_MOUNT: 'approle',
  VAULT_USERPASS_MOUNT: 'userpass',
  VAULT_TIMEOUT: '5s',
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
  const type = setting(env, 'EXECUTOR_CONTENT_TYPE').toLowerCase();
  let contentType: ContentType;
  if (type === 'json' || type === CONTENT_TYPE_JSON) contentType = CONTENT_TYPE_JSON;
  else if (type === 'protobuf' || type === CONTENT_TYPE_PROTOBUF) contentType = CONTENT_TYPE_PROTOBUF;
  else throw new ConfigError(`EXECUTOR_CONTENT_TYPE='${type}' must be json or protobuf`);
  return {
    contentType,
    killTaskTimeoutMs: parseSettingDuration('EXECUTOR_KILL_TASK_TIMEOUT', setting(env, 'EXECUTOR_KILL_TASK_TIMEOUT')),
    keepFailedContainers: parseBool('EXECUTOR_KEEP_FAILED_CONTAINERS', setting(env, 'EXECUTOR_KEEP_FAILED_CONTAINERS')),
    cpuLimit: parseBool('EXECUTOR_CPU_LIMIT', setting(env, 'EXECUTOR_CPU_LIMIT')),
    memoryLimit: parseBool('EXECUTOR_MEMORY_LIMIT', setting(env, 'EXECUTOR_MEMORY_LIMIT')),
    pullAttempts: positiveInt('EXECUTOR_PULL_ATTEMPTS', setting(env, 'EXECUTOR_PULL_ATTEMPTS')),
    pullRetryDelayMs: parseSettingDuration('EXECUTOR_PULL_RETRY_DELAY', setting(env, 'EXECUTOR_PULL_RETRY_DELAY')),
    vaultAllowedPaths: setting(env, 'EXECUTOR_VAULT_ALLOWED_PATHS'),
    logTailBytes: positiveInt('EXECUTOR_LOG_TAIL_BYTES', setting(env, 'EXECUTOR_LOG_TAIL_BYTES')),
    terminalAckTimeoutMs: parseSettingDuration('EXECUTOR_TERMINAL_ACK_TIMEOUT', setting(env, 'EXECUTOR_TERMINAL_ACK_TIMEOUT')),
    agentHeartbeatIntervalMs: parseSettingDuration('EXECUTOR_AGENT_HEARTBEAT_INTERVAL', setting(env, 'EXECUTOR_AGENT_HEARTBEAT_INTERVAL')),
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
  };
}
