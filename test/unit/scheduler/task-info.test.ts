import { buildTaskInfo, decodeTaskCommand, makeTaskId, parseTaskId } from '../../../scheduler/core';
import { encode, decode, CONTENT_TYPE_PROTOBUF, scalar } from '../../../mesos-proto';
import { webDeploy, webRequest } from '../../support/deploy-fixtures';

const request = webRequest();
const deploy = webDeploy();

describe('task ids', () => {
  it.each([
    ['prod-web', 'v1_abc', 1700000000000, 3, 'agent.example.com'],
    ['a-b-c', 'd', 1, 1, 'h-1'],
  ])('round-trips %s/%s', (requestId, deployId, startedAt, instanceNo, host) => {
    const id = makeTaskId(requestId, deployId, startedAt, instanceNo, host);
    expect(parseTaskId(id)).toEqual({ requestId, deployId, startedAt, instanceNo, sanitizedHost: host.replace(/-/g, '_'), sanitizedRackId: 'DEFAULT', legacy: false });
  });
});

describe('buildTaskInfo', () => {
  const info = buildTaskInfo({
    taskId: 't1', agentId: 'a1', request, deploy, ports: [31000, 31001],
    resources: [scalar('cpus', 0.5), scalar('mem', 128)], executorCmd: 'node /opt/griddle/dist/executor/main.js', placement: { instanceNo: 2, hostname: 'agent1', rackId: 'DEFAULT' },
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
      { key: 'griddle.version', value: '2' }, { key: 'griddle.instances', value: String(request.instances) },
      { key: 'griddle.instance_no', value: '2' },
    ]);
  });

  it('carries the task command in data', () => {
    const command = decodeTaskCommand(info.data)!;
    expect(command).toMatchObject({ value: 'httpd -f', shell: true });
    // Singularity's task variables from the placement, then the deploy's own env, which wins.
    const vars = Object.fromEntries(command.environment!.variables!.map((v) => [v.name, v.value]));
    expect(vars).toEqual({
      INSTANCE_NO: '2', TASK_HOST: 'agent1', TASK_RACK_ID: 'DEFAULT', AVAILABILITY_ZONE: 'DEFAULT',
      TASK_REQUEST_ID: 'prod-web', TASK_DEPLOY_ID: 'v1_abc', TASK_ID: 't1', ESTIMATED_INSTANCE_COUNT: String(request.instances),
      PORT: '8080',
    });
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

describe('buildTaskInfo: what the tasks of a deploy have alike is built once', () => {
  const hostDeploy = { ...webDeploy(), containerInfo: { type: 'DOCKER' as const, docker: { image: 'griddle/demo-http:2', network: 'HOST' as const } } };
  const build = (i: number, d = hostDeploy, r = request) => buildTaskInfo({
    taskId: `t${i}`, agentId: `a${i}`, request: r, deploy: d, ports: [31000 + i],
    resources: [scalar('cpus', 0.5)], executorCmd: 'griddle-executor', placement: { instanceNo: i, hostname: `h${i}`, rackId: 'DEFAULT' },
  });

  it('1,000 tasks share one executor command, one container and six label objects; each has its own ids and instance label', () => {
    const infos = Array.from({ length: 1000 }, (_, i) => build(i + 1));
    const distinct = (pick: (t: typeof infos[number]) => unknown): number => new Set(infos.map(pick)).size;
    expect(distinct((t) => t.executor!.command)).toBe(1);
    expect(distinct((t) => t.container)).toBe(1);
    expect(new Set(infos.flatMap((t) => t.labels!.labels!.filter((l) => l.key !== 'griddle.instance_no'))).size).toBe(6);
    expect(distinct((t) => t.labels!.labels)).toBe(1000);
    expect(distinct((t) => t.task_id)).toBe(1000);
    expect(infos[41].labels!.labels!.find((l) => l.key === 'griddle.instance_no')?.value).toBe('42');
  });

  it('the shared parts serialize as a TaskInfo built alone does, and a changed request or deploy gets its own', () => {
    const shared = build(7);
    const alone = buildTaskInfo({
      taskId: 't7', agentId: 'a7', request: { ...request }, deploy: { ...hostDeploy }, ports: [31007],
      resources: [scalar('cpus', 0.5)], executorCmd: 'griddle-executor', placement: { instanceNo: 7, hostname: 'h7', rackId: 'DEFAULT' },
    });
    expect(JSON.stringify(shared)).toBe(JSON.stringify(alone));
    expect(alone.executor!.command).not.toBe(shared.executor!.command);
    const scaled = build(7, hostDeploy, { ...request, instances: 9 });
    expect(scaled.labels!.labels!.find((l) => l.key === 'griddle.instances')?.value).toBe('9');
    expect(shared.labels!.labels!.find((l) => l.key === 'griddle.instances')?.value).toBe(String(request.instances ?? 1));
  });
});
