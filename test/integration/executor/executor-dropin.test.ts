/**
 * What apps and operators got from sidecar-executor and Singularity, against the real executor,
 * Docker and the Vault double: the container's env from every source, executor.ShellCommand,
 * SidecarDiscover=false, HealthCheck labels, the EXECUTOR_SIDECAR_* settings and the drain.
 */
import { execFileSync } from 'node:child_process';
import { containerName } from '../../../executor/container-spec';
import type { TaskInfo } from '../../../mesos-proto';
import { dockerTask, uniqueId } from '../../support/executor-tasks';
import { freePort } from '../../support/kit';
import { startVaultDevServer, type VaultDevServer } from '../../support/vault-dev-server';
import { executorHarness } from './executor-harness';

jest.setTimeout(120_000);

const harness = executorHarness();
let vault: VaultDevServer;
beforeAll(async () => {
  vault = await startVaultDevServer();
  vault.mountKv('secret', 2);
  vault.putSecret('secret/web/db', { password: 'from-vault-1', api: 'from-vault-2' });
});
afterAll(() => vault.close());

const vaultEnv = () => ({ VAULT_ADDR: vault.addr, VAULT_TOKEN: vault.createToken(['secret/data/web/*']) });

function containerEnv(taskId: string): Map<string, string> {
  const env = JSON.parse(execFileSync('docker', ['inspect', '-f', '{{json .Config.Env}}', containerName(taskId)], { encoding: 'utf8' })) as string[];
  return new Map(env.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
}

function withParameters(task: TaskInfo, parameters: Record<string, string>[]): TaskInfo {
  task.container!.docker!.parameters = parameters.map((p) => ({ key: Object.keys(p)[0], value: Object.values(p)[0] }));
  return task;
}

describe('griddle-executor as a drop-in for sidecar-executor under Singularity', () => {
  it('gives the container every variable apps read, vault:// resolved in each env source, runs executor.ShellCommand and reports SidecarDiscover=false', async () => {
    const hostPort = await freePort();
    const { taskId, agent, executor } = await harness.runningTask('env', (id) => {
      const task = withParameters(dockerTask({ taskId: `web-d1-1700000000000-3-agent`, image: 'griddle/busybox:latest', ports: [[8080, hostPort]], env: { FROM_TASK: 'vault://secret/web/db?key=password' } }), [
        { env: 'FROM_PARAM=vault://secret/web/db?key=api' }, { label: 'ServiceName=websvc' }, { label: 'EnvironmentName=staging' },
        { label: 'SidecarDiscover=false' }, { label: 'executor.ShellCommand=sleep 300' }, { 'blkio-weight': '300' },
      ]);
      task.task_id.value = id;
      task.resources!.push({ name: 'ports', type: 'RANGES', ranges: { range: [{ begin: hostPort, end: hostPort }] } });
      task.executor = { executor_id: { value: `${id}-executor` }, command: { environment: { variables: [{ name: 'FROM_EXECUTOR', value: 'vault://secret/web/db?key=password' }] } } };
      return task;
    }, { env: { ...vaultEnv(), EXECUTOR_SIDECAR_BACKOFF: '2m', EXECUTOR_SIDCAR_MAX_FAIL: '1' } });
    const env = containerEnv(taskId);
    expect(Object.fromEntries([...env].filter(([k]) => /^(TASK_|INSTANCE_NO|ESTIMATED|PORT|SERVICE_|ENVIRONMENT_NAME|FROM_|MESOS_)/.test(k)))).toEqual({
      TASK_HOST: '127.0.0.1', TASK_ID: taskId, TASK_REQUEST_ID: 'test_web', TASK_DEPLOY_ID: 'd1',
      PORT0: String(hostPort), MESOS_PORT_8080: String(hostPort), MESOS_HOSTNAME: '127.0.0.1',
      SERVICE_NAME: 'websvc', ENVIRONMENT_NAME: 'staging', SERVICE_VERSION: 'latest',
      FROM_TASK: 'from-vault-1', FROM_PARAM: 'from-vault-2', FROM_EXECUTOR: 'from-vault-1',
      ...(env.has('INSTANCE_NO') ? { INSTANCE_NO: env.get('INSTANCE_NO') } : {}),
    });
    const cmd = execFileSync('docker', ['inspect', '-f', '{{json .Config.Cmd}}', containerName(taskId)], { encoding: 'utf8' });
    expect(JSON.parse(cmd)).toEqual(['sleep', '300']);
    const running = agent.updates.find((u) => u.state === 'TASK_RUNNING');
    expect(running?.labels?.labels).toEqual([{ key: 'griddle.discover', value: 'false' }]);
    const log = executor.output();
    expect(log).toMatch(/docker parameter 'blkio-weight' is not supported; .*skipped/);
    expect(log).toMatch(/EXECUTOR_SIDECAR_BACKOFF: honoured as delay before the first label-driven/);
    expect(log).toMatch(/EXECUTOR_SIDCAR_MAX_FAIL: unknown setting/);
    for (const secret of ['from-vault-1', 'from-vault-2']) expect(log).not.toContain(secret);
    agent.kill(taskId);
    await agent.waitForState('TASK_KILLED');
  });

  it('refuses an unknown docker parameter with EXECUTOR_STRICT_DOCKER_PARAMETERS=true', async () => {
    const { taskId, agent } = await harness.start(uniqueId('strict'), { env: { EXECUTOR_STRICT_DOCKER_PARAMETERS: 'true' } });
    agent.launch(withParameters(dockerTask({ taskId, image: 'griddle/busybox:latest', command: 'sleep 30' }), [{ 'blkio-weight': '300' }]));
    const failed = await agent.waitForState('TASK_FAILED');
    expect(failed.message).toMatch(/docker parameter 'blkio-weight' is not supported.*EXECUTOR_STRICT_DOCKER_PARAMETERS=true/);
  });

  it("health-checks with the HealthCheck labels on the EXECUTOR_SIDECAR_* schedule, and drains EXECUTOR_SIDECAR_DRAINING_DURATION before SIGTERM", async () => {
    const hostPort = await freePort();
    const { taskId, agent } = await harness.runningTask('label-hc', (id) => withParameters(dockerTask({ taskId: id, ports: [[8080, hostPort]] }), [
      { label: 'HealthCheck=HttpGet' }, { label: 'HealthCheckArgs=http://{{ host }}:{{ tcp 10100 }}/health' }, { label: 'ServicePort_8080=10100' },
    ]), { env: { EXECUTOR_SIDECAR_BACKOFF: '1s', EXECUTOR_SIDECAR_POLL_INTERVAL: '1s', EXECUTOR_SIDECAR_MAX_FAILS: '10', EXECUTOR_SIDECAR_DRAINING_DURATION: '1500ms' } });
    await agent.waitFor((u) => u.some((s) => s.state === 'TASK_RUNNING' && s.healthy === true), 'healthy from the HttpGet label');
    agent.kill(taskId);
    await agent.waitForState('TASK_KILLED');
    const at = (state: string) => agent.updates.findIndex((u) => u.state === state);
    const [killing, killed] = [agent.updates[at('TASK_KILLING')], agent.updates[at('TASK_KILLED')]];
    expect((killed.timestamp ?? 0) - (killing.timestamp ?? 0)).toBeGreaterThanOrEqual(1.4);
  });

  it('kills a task whose External label check fails EXECUTOR_SIDECAR_MAX_FAILS times', async () => {
    const { agent } = await harness.runningTask('label-ext', (id) => withParameters(dockerTask({ taskId: id, image: 'griddle/busybox:latest', command: 'sleep 300' }), [
      { label: 'HealthCheck=External' }, { label: 'HealthCheckArgs=false' },
    ]), { env: { EXECUTOR_SIDECAR_BACKOFF: '0s', EXECUTOR_SIDECAR_POLL_INTERVAL: '500ms', EXECUTOR_SIDECAR_MAX_FAILS: '2' } });
    const failed = await agent.waitForState('TASK_FAILED');
    expect(failed.message).toMatch(/^health check failed: External 'false' failed: exit 1 \(2 consecutive failures\)/);
  });
});
