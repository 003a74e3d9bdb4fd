/** TaskInfo builders and Docker helpers shared by the executor's integration tests. */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { HealthCheck, TaskInfo } from '../../mesos-proto';

export function uniqueId(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

export function dockerTask(opts: {
  taskId: string;
  image?: string;
  command?: string;
  env?: Record<string, string>;
  network?: 'BRIDGE' | 'HOST';
  ports?: [number, number][];
  health?: HealthCheck;
  killGraceMs?: number;
  volumes?: { host_path: string; container_path: string }[];
  service?: string;
}): TaskInfo {
  return {
    name: opts.taskId,
    task_id: { value: opts.taskId },
    agent_id: { value: 'fake-agent-S0' },
    resources: [
      { name: 'cpus', type: 'SCALAR', scalar: { value: 0.1 } },
      { name: 'mem', type: 'SCALAR', scalar: { value: 32 } },
    ],
    container: {
      type: 'DOCKER',
      docker: {
        image: opts.image ?? 'griddle/demo-http:1',
        network: opts.network ?? 'BRIDGE',
        port_mappings: (opts.ports ?? []).map(([container_port, host_port]) => ({ container_port, host_port, protocol: 'tcp' })),
      },
      volumes: (opts.volumes ?? []).map((v) => ({ ...v, mode: 'RW' as const })),
    },
    // As Griddle's scheduler sends it: Mesos refuses `command` beside a CUSTOM `executor`.
    data: Buffer.from(JSON.stringify({
      shell: true,
      ...(opts.command ? { value: opts.command } : {}),
      environment: { variables: Object.entries(opts.env ?? {}).map(([name, value]) => ({ name, value })) },
    })).toString('base64'),
    ...(opts.health ? { health_check: opts.health } : {}),
    ...(opts.killGraceMs !== undefined ? { kill_policy: { grace_period: { nanoseconds: opts.killGraceMs * 1e6 } } } : {}),
    labels: { labels: [
      { key: 'griddle.request_id', value: `test_${opts.service ?? 'web'}` },
      { key: 'griddle.deploy_id', value: 'd1' },
      { key: 'griddle.service_name', value: opts.service ?? 'web' },
      { key: 'griddle.environment', value: 'test' },
    ] },
  };
}

export function containerExists(name: string): boolean {
  try {
    execFileSync('docker', ['inspect', '--type', 'container', name], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function removeContainers(names: string[]): void {
  for (const name of names) {
    try {
      execFileSync('docker', ['rm', '-f', name], { stdio: 'ignore' });
    } catch {
      // Already gone.
    }
  }
}
