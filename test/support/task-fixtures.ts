import type { TaskInfo } from '../../mesos-proto';
import type { TaskRecord } from '../../scheduler/model';

/** A launched demo-http task: BRIDGE, container port 8080 → the given host port, with an HTTP health check. */
export function demoTaskInfo(taskId: string, hostPort: number, extra: Partial<TaskInfo> = {}): TaskInfo {
  return {
    name: 'demo',
    task_id: { value: taskId },
    agent_id: { value: 'agent-1' },
    container: {
      type: 'DOCKER',
      docker: {
        image: 'griddle/demo-http:1',
        network: 'BRIDGE',
        port_mappings: [{ host_port: hostPort, container_port: 8080, protocol: 'tcp' }],
      },
    },
    health_check: { type: 'HTTP', http: { port: 8080, path: '/health' } },
    labels: { labels: [{ key: 'griddle.service_name', value: 'demo' }, { key: 'griddle.version', value: '1' }] },
    ...extra,
  };
}

export function taskRecord(taskId: string, overrides: Partial<TaskRecord> = {}): TaskRecord {
  const hostPort = overrides.ports?.[0] ?? 31000;
  return {
    taskId,
    requestId: 'prod-demo',
    deployId: 'd1',
    instanceNo: 1,
    agentId: 'agent-1',
    hostname: '127.0.0.1',
    ports: [hostPort],
    startedAt: 1000,
    updatedAt: 1000,
    state: 'TASK_STAGING',
    taskInfo: demoTaskInfo(taskId, hostPort),
    ...overrides,
  };
}
