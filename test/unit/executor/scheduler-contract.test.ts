/** The TaskInfo Griddle's scheduler builds is one the executor turns into the intended container. */
import { buildContainerPlan, taskIdentity } from '../../../executor/container-spec';
import { healthPolicyOptions } from '../../../executor/health-policy';
import { CONTENT_TYPE_PROTOBUF, decode, encode, scalar } from '../../../mesos-proto';
import { buildTaskInfo } from '../../../scheduler/core';
import { webDeploy, webRequest } from '../../support/deploy-fixtures';

const request = webRequest(1);
const deploy = webDeploy({
  id: 'v2_abc', command: 'exec /bin/demo-http', env: { PORT: '8080', DB_PASSWORD: 'vault://secret/web/db?key=password' },
});

describe("the scheduler's TaskInfo, as the executor reads it", () => {
  // Through the wire and back, as the agent hands it over in LAUNCH.
  const sent = buildTaskInfo({
    taskId: 'prod-web-v2_abc-1-0-host', agentId: 'a1', request, deploy, ports: [31000, 31001],
    resources: [scalar('cpus', 0.5), scalar('mem', 128)], executorCmd: 'node dist/executor/main.js',
  });
  const task = decode('mesos.v1.TaskInfo', encode('mesos.v1.TaskInfo', sent, CONTENT_TYPE_PROTOBUF), CONTENT_TYPE_PROTOBUF);
  const plan = buildContainerPlan(task, {
    executorId: 'prod-web-v2_abc-1-0-host', frameworkId: 'fw', agentId: 'a1', executorPid: 1, hostname: 'agent-1',
    cpuLimit: true, memoryLimit: true, secrets: new Map([['vault://secret/web/db?key=password', 'resolved']]),
  });
  const env = new Map((plan.options.Env ?? []).map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));

  it('gets the command and env from TaskInfo.data', () => {
    expect(plan.options.Entrypoint).toEqual(['/bin/sh', '-c']);
    expect(plan.options.Cmd).toEqual(['exec /bin/demo-http']);
    expect(env.get('PORT')).toBe('8080');
    expect(env.get('DB_PASSWORD')).toBe('resolved');
  });

  it('maps the offered ports and names the service from the labels', () => {
    expect(env.get('MESOS_PORT_8080')).toBe('31000');
    expect(env.get('MESOS_PORT_8081')).toBe('31001');
    expect(taskIdentity(task)).toMatchObject({ requestId: 'prod-web', deployId: 'v2_abc', service: 'web', environment: 'prod', version: '2' });
  });

  it('health-checks the container port', () => {
    expect(task.health_check?.http?.port).toBe(8080);
    expect(healthPolicyOptions(task.health_check!).consecutiveFailures).toBe(3);
  });
});
