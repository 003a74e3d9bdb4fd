import { readExecutorSettings } from '../../../executor/config';
import { describeSettings, withAliases } from '../../../executor/settings-map';

describe("sidecar-executor's settings", () => {
  it('reads the Sidecar timing and drain settings as Griddle equivalents', () => {
    const s = readExecutorSettings({
      EXECUTOR_SIDECAR_BACKOFF: '20m', EXECUTOR_SIDECAR_POLL_INTERVAL: '5s', EXECUTOR_SIDECAR_MAX_FAILS: '7',
      EXECUTOR_SIDECAR_DRAINING_DURATION: '0s', EXECUTOR_SIDECAR_DISCOVER: 'false', EXECUTOR_STRICT_DOCKER_PARAMETERS: 'true',
    });
    expect(s).toMatchObject({ sidecarBackoffMs: 1_200_000, sidecarPollIntervalMs: 5000, sidecarMaxFails: 7, drainMs: 0, sidecarDiscover: 'false', strictDockerParameters: true });
  });

  it('notes each mapped, obsolete and unknown EXECUTOR_* variable, and not Griddle’s own', () => {
    const notes = describeSettings({ EXECUTOR_SIDECAR_BACKOFF: '1m', EXECUTOR_RELAY_SYSLOG: 'true', EXECUTOR_SIDCAR_BACKOF: '1m', EXECUTOR_PULL_ATTEMPTS: '2', PATH: '/bin' });
    expect(notes.map((n) => [n.name, n.kind])).toEqual([
      ['EXECUTOR_RELAY_SYSLOG', 'obsolete'], ['EXECUTOR_SIDCAR_BACKOF', 'unknown'], ['EXECUTOR_SIDECAR_BACKOFF', 'mapped'],
    ]);
  });

  it('takes EXECUTOR_FORCE_*_LIMIT and EXECUTOR_DEBUG where the Griddle setting is unset', () => {
    expect(withAliases({ EXECUTOR_FORCE_CPU_LIMIT: 'false', EXECUTOR_DEBUG: 'true' })).toMatchObject({ EXECUTOR_CPU_LIMIT: 'false', GRIDDLE_LOG_LEVEL: 'debug' });
    expect(withAliases({ EXECUTOR_FORCE_MEMORY_LIMIT: 'false', EXECUTOR_MEMORY_LIMIT: 'true' })).toMatchObject({ EXECUTOR_MEMORY_LIMIT: 'true' });
  });
});
