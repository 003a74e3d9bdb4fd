import { buildContainerPlan, type ContainerContext } from '../../../executor/container-spec';
import { buildContainerEnv, envVaultReferences, type EnvSources, type TaskFacts } from '../../../executor/task-environment';
import type { TaskInfo } from '../../../mesos-proto';

const facts: TaskFacts = {
  taskId: 'web-d1-1700000000000-2-agent_1', host: 'agent-1.example', requestId: 'web', deployId: 'd1', rackId: 'r1',
  instanceNo: 2, instanceCount: 3, hostPorts: [31000, 31005], hostNetwork: true, mesosPorts: [['MESOS_PORT_8080', '31000']],
  defaults: [['SERVICE_NAME', 'web'], ['ENVIRONMENT_NAME', 'prod']], fromLabels: [['SERVICE_VERSION', '1.2']],
};
const none: EnvSources = { executorEnv: [], taskEnv: [], envParameters: [] };
const asMap = (env: string[]) => new Map(env.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));

describe('container environment', () => {
  it("has Singularity's task variables, PORT/PORTn as host ports, and sidecar-executor's names", () => {
    expect(Object.fromEntries(asMap(buildContainerEnv(none, facts, new Map())))).toEqual({
      INSTANCE_NO: '2', TASK_HOST: 'agent-1.example', TASK_RACK_ID: 'r1', TASK_REQUEST_ID: 'web', TASK_DEPLOY_ID: 'd1',
      TASK_ID: facts.taskId, ESTIMATED_INSTANCE_COUNT: '3', PORT: '31000', PORT0: '31000', PORT1: '31005',
      SERVICE_NAME: 'web', ENVIRONMENT_NAME: 'prod', MESOS_PORT_8080: '31000', MESOS_HOSTNAME: 'agent-1.example', SERVICE_VERSION: '1.2',
    });
  });

  it('leaves out facts it does not have, and PORT when the task has no ports', () => {
    const env = asMap(buildContainerEnv(none, { ...facts, rackId: undefined, instanceCount: undefined, hostPorts: [] }, new Map()));
    for (const absent of ['TASK_RACK_ID', 'ESTIMATED_INSTANCE_COUNT', 'PORT', 'PORT0']) expect(env.has(absent)).toBe(false);
  });

  it('layers executor env < task env < docker env parameters; the deploy may set SERVICE_NAME and PORT, not MESOS_* or label values', () => {
    const sources: EnvSources = {
      executorEnv: [['A', 'executor'], ['B', 'executor'], ['EXECUTOR_SIDECAR_BACKOFF', '1m'], ['VAULT_TOKEN', 't'], ['MESOS_X', 'y']],
      taskEnv: [['B', 'task'], ['C', 'task'], ['SERVICE_NAME', 'mine'], ['PORT', '8080']],
      envParameters: [['C', 'param'], ['MESOS_HOSTNAME', 'spoofed'], ['SERVICE_VERSION', 'spoofed']],
    };
    const env = asMap(buildContainerEnv(sources, facts, new Map()));
    expect([env.get('A'), env.get('B'), env.get('C')]).toEqual(['executor', 'task', 'param']);
    expect([env.get('SERVICE_NAME'), env.get('PORT'), env.get('PORT0')]).toEqual(['mine', '8080', '31000']);
    expect([env.get('MESOS_HOSTNAME'), env.get('SERVICE_VERSION')]).toEqual(['agent-1.example', '1.2']);
    for (const setting of ['EXECUTOR_SIDECAR_BACKOFF', 'VAULT_TOKEN', 'MESOS_X']) expect(env.has(setting)).toBe(false);
  });

  it('resolves vault:// in every source by reference, and refuses an unresolved one', () => {
    const ref = 'vault://secret/web/db?key=password';
    const sources: EnvSources = { executorEnv: [['E', ref]], taskEnv: [['T', ref]], envParameters: [['P', 'vault://secret/web/api']] };
    expect(envVaultReferences(sources)).toEqual([['E', ref], ['P', 'vault://secret/web/api']]);
    const env = asMap(buildContainerEnv(sources, facts, new Map([[ref, 's1'], ['vault://secret/web/api', 's2']])));
    expect([env.get('E'), env.get('T'), env.get('P')]).toEqual(['s1', 's1', 's2']);
    expect(() => buildContainerEnv(sources, facts, new Map([[ref, 's1']]))).toThrow(/env P: vault reference was not resolved/);
  });
});

describe('container plan from a TaskInfo', () => {
  const ctx: ContainerContext = { executorId: 'e', frameworkId: 'f', agentId: 'a', executorPid: 1, hostname: 'h1', rackId: 'r2', cpuLimit: false, memoryLimit: false, secrets: new Map([['vault://secret/web/x', 'X!']]) };
  const task = (extra: Partial<TaskInfo> = {}): TaskInfo => ({
    name: 'web', task_id: { value: 'web-d1-1700000000000-4-h1' }, agent_id: { value: 'a' },
    resources: [{ name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 31010, end: 31010 }] } }],
    container: { type: 'DOCKER', docker: { image: 'reg.example:5000/web:7', network: 'BRIDGE', port_mappings: [{ container_port: 8080, host_port: 31010 }], parameters: [
      { key: 'env', value: 'FROM_PARAM=vault://secret/web/x' }, { key: 'label', value: 'ServiceName=websvc' },
      { key: 'label', value: 'EnvironmentName=staging' }, { key: 'label', value: 'executor.ShellCommand=/bin/web --port 8080' },
    ] } },
    executor: { executor_id: { value: 'e' }, command: { environment: { variables: [{ name: 'FROM_EXECUTOR', value: 'vault://secret/web/x' }, { name: 'EXECUTOR_SIDECAR_BACKOFF', value: '5s' }] } } },
    labels: { labels: [{ key: 'griddle.request_id', value: 'web' }, { key: 'griddle.deploy_id', value: 'd1' }, { key: 'griddle.instances', value: '5' }] },
    ...extra,
  });

  it('fills every variable apps read, resolves env parameters and executor env, and runs executor.ShellCommand', () => {
    const plan = buildContainerPlan(task(), ctx);
    expect(Object.fromEntries(asMap(plan.options.Env ?? []))).toMatchObject({
      TASK_HOST: 'h1', TASK_RACK_ID: 'r2', INSTANCE_NO: '4', ESTIMATED_INSTANCE_COUNT: '5', TASK_REQUEST_ID: 'web', TASK_DEPLOY_ID: 'd1',
      PORT0: '31010', MESOS_PORT_8080: '31010', SERVICE_NAME: 'websvc', ENVIRONMENT_NAME: 'staging', SERVICE_VERSION: '7',
      FROM_PARAM: 'X!', FROM_EXECUTOR: 'X!',
    });
    expect(asMap(plan.options.Env ?? []).has('PORT')).toBe(false); // BRIDGE: the app binds its container port
    expect(plan.options.Cmd).toEqual(['/bin/web', '--port', '8080']);
    expect(plan.options.Entrypoint).toBeUndefined();
    expect(plan.options.Labels).toMatchObject({ ServiceName: 'websvc' });
    expect(plan.options.Labels).not.toHaveProperty('executor.ShellCommand');
  });

  it("keeps the task's own command over executor.ShellCommand", () => {
    const plan = buildContainerPlan(task({ data: Buffer.from(JSON.stringify({ value: 'run.sh', shell: true })).toString('base64') }), ctx);
    expect(plan.options.Cmd).toEqual(['run.sh']);
  });
});
