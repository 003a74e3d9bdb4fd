import { buildTaskInfo, decodeTaskCommand, makeTaskId, parseTaskId } from '../../../scheduler/core';
import type { SingularityDeploy, SingularityRequest } from '../../../scheduler/model';
import { encode, decode, CONTENT_TYPE_PROTOBUF, scalar } from '../../../mesos-proto';

const request: SingularityRequest = { id: 'prod-web', requestType: 'SERVICE', instances: 2 };
const deploy: SingularityDeploy = {
  requestId: 'prod-web', id: 'v1_abc',
  command: 'httpd -f', env: { PORT: '8080' },
  resources: { cpus: 0.5, memoryMb: 128, numPorts: 2 },
  metadata: { serviceName: 'web', environment: 'prod' },
  containerInfo: {
    type: 'DOCKER',
    docker: {
      image: 'griddle/demo-http:2', network: 'BRIDGE',
      portMappings: [
        { containerPortType: 'LITERAL', containerPort: 8080, hostPortType: 'FROM_OFFER', hostPort: 0 },
        { containerPortType: 'LITERAL', containerPort: 8081, hostPortType: 'FROM_OFFER', hostPort: 1 },
      ],
      dockerParameters: [{ key: 'label', value: 'team=core' }],
    },
    volumes: [{ containerPath: '/data', hostPath: '/tmp/data', mode: 'RO' }],
  },
  healthcheck: { uri: '/health', portIndex: 0, intervalSeconds: 2, responseTimeoutSeconds: 1, maxRetries: 2, startupTimeoutSeconds: 30 },
  executorData: { env: { EXECUTOR_SIDECAR_MAX_FAILS: '3' } },
};

describe('task ids', () => {
  it.each([
    ['prod-web', 'v1_abc', 1700000000000, 3, 'agent.example.com'],
    ['a-b-c', 'd', 1, 1, 'h-1'],
  ])('round-trips %s/%s', (requestId, deployId, startedAt, instanceNo, host) => {
    const id = makeTaskId(requestId, deployId, startedAt, instanceNo, host);
    expect(parseTaskId(id)).toEqual({ requestId, deployId, startedAt, instanceNo, host: host.replace(/-/g, '_') });
  });
});

describe('buildTaskInfo', () => {
  const info = buildTaskInfo({
    taskId: 't1', agentId: 'a1', request, deploy, ports: [31000, 31001],
    resources: [scalar('cpus', 0.5), scalar('mem', 128)], executorCmd: 'node /opt/griddle/dist/executor/main.js',
  });

  it('runs griddle-executor as a CUSTOM executor with the executor env', () => {
    expect(info.executor).toMatchObject({
      type: 'CUSTOM', executor_id: { value: 't1' },
      command: { value: 'node /opt/griddle/dist/executor/main.js', shell: true, environment: { variables: [{ name: 'EXECUTOR_SIDECAR_MAX_FAILS', value: '3', type: 'VALUE' }] } },
    });
    expect(info.command).toBeUndefined(); // Mesos refuses a task with both command and executor
  });

  it('maps the Docker container with ports from the offer', () => {
    expect(info.container).toEqual({
      type: 'DOCKER',
      docker: {
        image: 'griddle/demo-http:2', network: 'BRIDGE', privileged: false, force_pull_image: false,
        port_mappings: [{ host_port: 31000, container_port: 8080, protocol: 'tcp' }, { host_port: 31001, container_port: 8081, protocol: 'tcp' }],
        parameters: [{ key: 'label', value: 'team=core' }],
      },
      volumes: [{ container_path: '/data', host_path: '/tmp/data', mode: 'RO' }],
    });
  });

  it('translates the health check to the container port in BRIDGE mode', () => {
    expect(info.health_check).toEqual({
      type: 'HTTP', http: { port: 8080, path: '/health', scheme: 'http' },
      delay_seconds: 0, interval_seconds: 2, timeout_seconds: 1, consecutive_failures: 3, grace_period_seconds: 30,
    });
  });

  it('labels the task for the executor and discovery', () => {
    expect(info.labels?.labels).toEqual([
      { key: 'griddle.request_id', value: 'prod-web' }, { key: 'griddle.deploy_id', value: 'v1_abc' },
      { key: 'griddle.service_name', value: 'web' }, { key: 'griddle.environment', value: 'prod' },
      { key: 'griddle.version', value: '2' },
    ]);
  });

  it('carries the task command in data', () => {
    expect(decodeTaskCommand(info.data)).toEqual({ value: 'httpd -f', shell: true, environment: { variables: [{ name: 'PORT', type: 'VALUE', value: '8080' }] } });
  });

  it('encodes in both content types', () => {
    const bin = encode('mesos.v1.TaskInfo', info, CONTENT_TYPE_PROTOBUF);
    expect(decode('mesos.v1.TaskInfo', bin, CONTENT_TYPE_PROTOBUF)).toMatchObject({ task_id: { value: 't1' }, executor: { type: 'CUSTOM' } });
  });

  it('names the field when a port index is out of range', () => {
    expect(() => buildTaskInfo({
      taskId: 't1', agentId: 'a1', request, deploy, ports: [31000], resources: [], executorCmd: 'x',
    })).toThrow(/portMappings: hostPort index 1 but only 1 ports/);
  });
});
