import {
  discoveryEnabled, effectiveLabels, labelEnvironment, renderCheckArgs, shellCommand, sidecarCheck, sidecarPolicy,
} from '../../../executor/sidecar-labels';
import type { TaskInfo } from '../../../mesos-proto';

const labels = (o: Record<string, string>) => new Map(Object.entries(o));

describe("sidecar-executor's and Sidecar's labels", () => {
  it('reads docker label parameters over TaskInfo labels', () => {
    const task = {
      labels: { labels: [{ key: 'ServiceName', value: 'from-task' }, { key: 'Other', value: '1' }] },
      container: { type: 'DOCKER', docker: { image: 'x', parameters: [{ key: 'label', value: 'ServiceName=from-param' }, { key: 'env', value: 'A=1' }] } },
    } as unknown as TaskInfo;
    expect(Object.fromEntries(effectiveLabels(task))).toEqual({ ServiceName: 'from-param', Other: '1' });
  });

  it('splits executor.ShellCommand at spaces', () => {
    expect(shellCommand(labels({ 'executor.ShellCommand': '/app  serve --x 1' }))).toEqual(['/app', 'serve', '--x', '1']);
    expect(shellCommand(labels({}))).toBeUndefined();
  });

  it('SidecarDiscover=false (or EXECUTOR_SIDECAR_DISCOVER=false) takes the task out of discovery; anything unparsable leaves it in', () => {
    expect(discoveryEnabled(labels({ SidecarDiscover: 'false' }), undefined)).toBe(false);
    expect(discoveryEnabled(labels({}), 'false')).toBe(false);
    expect(discoveryEnabled(labels({ SidecarDiscover: 'true' }), 'false')).toBe(true);
    expect(discoveryEnabled(labels({ SidecarDiscover: 'nope' }), undefined)).toBe(true);
    expect(discoveryEnabled(labels({}), undefined)).toBe(true);
  });

  it('derives SERVICE_NAME, ENVIRONMENT_NAME and ENVIRONMENT from labels', () => {
    expect(labelEnvironment(labels({ ServiceName: 's', EnvironmentName: 'e' }))).toEqual([['SERVICE_NAME', 's'], ['ENVIRONMENT_NAME', 'e']]);
    expect(labelEnvironment(labels({ Environment: 'prod' }))).toEqual([['ENVIRONMENT', 'prod'], ['ENVIRONMENT_NAME', 'prod']]);
  });

  it('reads HealthCheck and HealthCheckArgs; an unknown type is HttpGet as in Sidecar', () => {
    expect(sidecarCheck(labels({ HealthCheck: 'External', HealthCheckArgs: '/bin/true' }))).toEqual({ type: 'External', args: '/bin/true' });
    expect(sidecarCheck(labels({ HealthCheck: 'Weird' }))).toEqual({ type: 'HttpGet', args: '' });
    expect(sidecarCheck(labels({}))).toBeUndefined();
  });

  it('fills {{ host }}, {{ container }} and {{ tcp N }} by ServicePort label or container port', () => {
    const ctx = {
      host: '127.0.0.1', container: 'c0ffee', labels: labels({ ServicePort_8080: '10100' }),
      hostPort: (p: number, proto: 'tcp' | 'udp') => (p === 8080 && proto === 'tcp' ? 31000 : p === 53 && proto === 'udp' ? 31053 : undefined),
    };
    expect(renderCheckArgs('http://{{ host }}:{{ tcp 10100 }}/health', ctx)).toBe('http://127.0.0.1:31000/health');
    expect(renderCheckArgs('http://{{host}}:{{ tcp 8080 }}/ {{ container }} {{ udp 53 }} {{ tcp 9 }}', ctx)).toBe('http://127.0.0.1:31000/ c0ffee 31053 9');
  });

  it('times label checks with the EXECUTOR_SIDECAR_* settings', () => {
    expect(sidecarPolicy({ backoffMs: 60_000, pollIntervalMs: 30_000, maxFails: 3 }))
      .toEqual({ delayMs: 60_000, intervalMs: 30_000, timeoutMs: 10_000, gracePeriodMs: 0, consecutiveFailures: 3 });
  });
});
