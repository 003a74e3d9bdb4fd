import { ConfigError, parseSettingDuration, readExecutorSettings, readMesosEnvironment, readVaultSettings } from '../../../executor/config';

const MESOS = {
  MESOS_AGENT_ENDPOINT: '127.0.0.1:5051',
  MESOS_FRAMEWORK_ID: 'fw-1',
  MESOS_EXECUTOR_ID: 'ex-1',
  MESOS_SLAVE_ID: 'agent-1',
  MESOS_SANDBOX: '/tmp/sandbox',
};

describe('MESOS_* environment', () => {
  it('reads the agent variables and Mesos durations', () => {
    const env = readMesosEnvironment({
      ...MESOS,
      MESOS_CHECKPOINT: '1',
      MESOS_RECOVERY_TIMEOUT: '15mins',
      MESOS_SUBSCRIPTION_BACKOFF_MAX: '2secs',
      MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD: '500ms',
      MESOS_EXECUTOR_AUTHENTICATION_TOKEN: 'jwt',
    });
    expect(env).toMatchObject({
      agentEndpoint: '127.0.0.1:5051', frameworkId: 'fw-1', executorId: 'ex-1', agentId: 'agent-1', sandbox: '/tmp/sandbox',
      checkpoint: true, recoveryTimeoutMs: 900_000, subscriptionBackoffMaxMs: 2000, shutdownGracePeriodMs: 500, authToken: 'jwt',
    });
  });

  it('defaults the durations Mesos sets only with checkpointing, and treats a missing MESOS_CHECKPOINT as off', () => {
    const env = readMesosEnvironment(MESOS);
    expect(env.checkpoint).toBe(false);
    expect(env.recoveryTimeoutMs).toBe(900_000);
    expect(env.subscriptionBackoffMaxMs).toBe(2000);
    expect(env.shutdownGracePeriodMs).toBe(5000);
  });

  it('names the missing variable', () => {
    expect(() => readMesosEnvironment({ ...MESOS, MESOS_AGENT_ENDPOINT: undefined })).toThrow(/MESOS_AGENT_ENDPOINT is not set/);
  });

  it('names the variable holding a bad duration', () => {
    expect(() => readMesosEnvironment({ ...MESOS, MESOS_RECOVERY_TIMEOUT: '15 minutes' })).toThrow(/MESOS_RECOVERY_TIMEOUT/);
  });
});

describe('EXECUTOR_* settings', () => {
  it('has the documented defaults', () => {
    const s = readExecutorSettings({});
    expect(s).toEqual({
      contentType: 'application/json', killTaskTimeoutMs: 5000, keepFailedContainers: false, cpuLimit: true, memoryLimit: true,
      pullAttempts: 5, pullRetryDelayMs: 1000, vaultAllowedPaths: 'secret/data/{service}/,secret/{service}/', logTailBytes: 1024,
      terminalAckTimeoutMs: 30_000, agentHeartbeatIntervalMs: 1_800_000,
      sidecarBackoffMs: 60_000, sidecarPollIntervalMs: 30_000, sidecarMaxFails: 3, drainMs: undefined, sidecarDiscover: undefined,
      strictDockerParameters: false, registryAuth: undefined, dockerConfigDir: undefined,
    });
  });

  it('accepts protobuf, booleans and durations in several spellings', () => {
    const s = readExecutorSettings({
      EXECUTOR_CONTENT_TYPE: 'protobuf', EXECUTOR_KEEP_FAILED_CONTAINERS: 'yes', EXECUTOR_CPU_LIMIT: '0', EXECUTOR_KILL_TASK_TIMEOUT: '12',
    });
    expect(s.contentType).toBe('application/x-protobuf');
    expect(s.keepFailedContainers).toBe(true);
    expect(s.cpuLimit).toBe(false);
    expect(s.killTaskTimeoutMs).toBe(12_000);
    expect(readExecutorSettings({ EXECUTOR_AGENT_HEARTBEAT_INTERVAL: '30mins' }).agentHeartbeatIntervalMs).toBe(1_800_000);
    expect(readExecutorSettings({ EXECUTOR_AGENT_HEARTBEAT_INTERVAL: '0' }).agentHeartbeatIntervalMs).toBe(0);
  });

  it('rejects bad values naming the variable', () => {
    expect(() => readExecutorSettings({ EXECUTOR_CONTENT_TYPE: 'xml' })).toThrow(ConfigError);
    expect(() => readExecutorSettings({ EXECUTOR_CPU_LIMIT: 'maybe' })).toThrow(/EXECUTOR_CPU_LIMIT='maybe'/);
    expect(() => readExecutorSettings({ EXECUTOR_PULL_ATTEMPTS: '0' })).toThrow(/EXECUTOR_PULL_ATTEMPTS/);
  });

  it.each([
    ['5', 5000], ['5s', 5000], ['500ms', 500], ['2m', 120_000], ['1h', 3_600_000], ['5secs', 5000], ['1.5', 1500],
  ])('parses the duration %s', (text, ms) => {
    expect(parseSettingDuration('X', text)).toBe(ms);
  });

  it('rejects a duration without a known unit', () => {
    expect(() => parseSettingDuration('EXECUTOR_KILL_TASK_TIMEOUT', '5 parsecs')).toThrow(/EXECUTOR_KILL_TASK_TIMEOUT='5 parsecs'/);
  });
});

describe('VAULT_* settings', () => {
  it('defaults the address and mounts and strips a trailing slash', () => {
    expect(readVaultSettings({})).toMatchObject({ addr: 'http://127.0.0.1:8200', approleMount: 'approle', userpassMount: 'userpass', timeoutMs: 5000 });
    expect(readVaultSettings({ VAULT_ADDR: 'https://vault:8200/' }).addr).toBe('https://vault:8200');
  });

  it('treats empty credentials as unset', () => {
    expect(readVaultSettings({ VAULT_TOKEN: '' }).token).toBeUndefined();
  });
});
