import { buildContainerPlan, containerName, imageTag, taskCommand, type ContainerContext } from '../../../executor/container-spec';
import type { TaskInfo } from '../../../mesos-proto';

const ctx: ContainerContext = {
  executorId: 'ex-1', frameworkId: 'fw-1', agentId: 'agent-1', executorPid: 42, hostname: 'agent.example',
  cpuLimit: true, memoryLimit: true, secrets: new Map([['vault://secret/web/db?key=password', 's3cret'], ['vault://secret/web/db', 's3cret']]),
};

function task(overrides: Partial<TaskInfo> = {}): TaskInfo {
  return {
    name: 'web',
    task_id: { value: 'prod_web-d1-123-0' },
    agent_id: { value: 'agent-1' },
    resources: [
      { name: 'cpus', type: 'SCALAR', scalar: { value: 0.5 } },
      { name: 'mem', type: 'SCALAR', scalar: { value: 64 } },
      { name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 31000, end: 31001 }] } },
    ],
    container: {
      type: 'DOCKER',
      docker: {
        image: 'registry:5000/griddle/demo-http:1',
        network: 'BRIDGE',
        port_mappings: [{ host_port: 31000, container_port: 8080 }, { host_port: 31001, container_port: 8081, protocol: 'tcp,udp' }],
        parameters: [
          { key: 'label', value: 'team=core' }, { key: 'env', value: 'EXTRA=1' },
          { key: 'cap-add', value: 'NET_ADMIN' }, { key: 'cap-drop', value: 'MKNOD' }, { key: 'ulimit', value: 'nofile=1024:2048' },
        ],
      },
      volumes: [{ container_path: '/data', host_path: '/srv/data', mode: 'RO' }, { container_path: '/scratch', mode: 'RW' }],
    },
    command: { shell: true, environment: { variables: [{ name: 'DB_PASSWORD', value: 'vault://secret/web/db?key=password' }, { name: 'PLAIN', value: 'x' }] } },
    labels: { labels: [
      { key: 'griddle.request_id', value: 'prod_web' }, { key: 'griddle.deploy_id', value: 'd1' },
      { key: 'griddle.service_name', value: 'web' }, { key: 'griddle.environment', value: 'prod' },
    ] },
    ...overrides,
  };
}

const envOf = (env: string[] | undefined) => new Map((env ?? []).map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));

describe('container plan', () => {
  it('names the container after the sanitized task id', () => {
    expect(containerName('a/b:c d')).toBe('griddle-a_b_c_d');
  });

  it('takes the image tag, ignoring registry ports', () => {
    expect(imageTag('registry:5000/a/b:7')).toBe('7');
    expect(imageTag('registry:5000/a/b')).toBe('latest');
  });

  it('maps BRIDGE ports and adds MESOS_PORT_<containerPort>', () => {
    const { options } = buildContainerPlan(task(), ctx);
    expect(options.HostConfig?.NetworkMode).toBe('bridge');
    expect(options.HostConfig?.PortBindings).toEqual({
      '8080/tcp': [{ HostPort: '31000' }], '8081/tcp': [{ HostPort: '31001' }], '8081/udp': [{ HostPort: '31001' }],
    });
    expect(Object.keys(options.ExposedPorts ?? {})).toEqual(['8080/tcp', '8081/tcp', '8081/udp']);
    const env = envOf(options.Env);
    expect(env.get('MESOS_PORT_8080')).toBe('31000');
    expect(env.get('MESOS_PORT_8081')).toBe('31001');
  });

  it('substitutes resolved secrets and adds the task facts', () => {
    const env = envOf(buildContainerPlan(task(), ctx).options.Env);
    expect(env.get('DB_PASSWORD')).toBe('s3cret');
    expect(env.get('PLAIN')).toBe('x');
    expect(env.get('EXTRA')).toBe('1');
    expect(env.get('MESOS_HOSTNAME')).toBe('agent.example');
    expect(env.get('TASK_ID')).toBe('prod_web-d1-123-0');
    expect(env.get('SERVICE_NAME')).toBe('web');
    expect(env.get('ENVIRONMENT_NAME')).toBe('prod');
    expect(env.get('SERVICE_VERSION')).toBe('1');
  });

  it('refuses to build a container with an unresolved secret', () => {
    expect(() => buildContainerPlan(task(), { ...ctx, secrets: new Map() })).toThrow(/DB_PASSWORD: vault reference was not resolved/);
  });

  it('maps docker parameters like sidecar-executor', () => {
    const { options } = buildContainerPlan(task(), ctx);
    expect(options.Labels).toMatchObject({
      team: 'core', 'griddle.task_id': 'prod_web-d1-123-0', 'griddle.request_id': 'prod_web', 'griddle.deploy_id': 'd1',
      'griddle.executor_id': 'ex-1', 'griddle.agent_id': 'agent-1', 'griddle.executor_pid': '42',
    });
    expect(options.HostConfig?.CapAdd).toEqual(['NET_ADMIN']);
    expect(options.HostConfig?.CapDrop).toEqual(['MKNOD']);
    expect(options.HostConfig?.Ulimits).toEqual([{ Name: 'nofile', Soft: 1024, Hard: 2048 }]);
  });

  it('skips an unknown docker parameter with a warning naming it, and refuses it when strict', () => {
    const t = task();
    t.container!.docker!.parameters = [{ key: 'frobnicate', value: '1' }, { key: 'cap-add', value: 'NET_ADMIN' }];
    const plan = buildContainerPlan(t, ctx);
    expect(plan.warnings).toEqual([expect.stringMatching(/^docker parameter 'frobnicate' is not supported; .*; skipped$/)]);
    expect(plan.options.HostConfig?.CapAdd).toEqual(['NET_ADMIN']);
    expect(() => buildContainerPlan(t, { ...ctx, strictDockerParameters: true }))
      .toThrow(/docker parameter 'frobnicate' is not supported.*EXECUTOR_STRICT_DOCKER_PARAMETERS=true/);
  });

  it('binds volumes and declares anonymous ones', () => {
    const { options } = buildContainerPlan(task(), ctx);
    expect(options.HostConfig?.Binds).toEqual(['/srv/data:/data:ro']);
    expect(options.Volumes).toEqual({ '/scratch': {} });
  });

  it('sets cpu and memory limits by default and can leave them off', () => {
    const on = buildContainerPlan(task(), ctx).options.HostConfig;
    expect(on?.NanoCpus).toBe(500_000_000);
    expect(on?.CpuShares).toBe(512);
    expect(on?.Memory).toBe(64 * 1024 * 1024);
    expect(on?.MemorySwap).toBe(64 * 1024 * 1024);
    const off = buildContainerPlan(task(), { ...ctx, cpuLimit: false, memoryLimit: false }).options.HostConfig;
    expect(off?.NanoCpus).toBeUndefined();
    expect(off?.Memory).toBeUndefined();
    expect(off?.CpuShares).toBe(512);
  });

  it("keeps the image's CMD when command.value is unset", () => {
    const { options } = buildContainerPlan(task(), ctx);
    expect(options.Cmd).toBeUndefined();
    expect(options.Entrypoint).toBeUndefined();
  });

  it('runs a shell command through /bin/sh -c, and argv without a shell', () => {
    const shell = buildContainerPlan(task({ command: { value: 'echo hi && sleep 1', shell: true } }), ctx).options;
    expect(shell.Entrypoint).toEqual(['/bin/sh', '-c']);
    expect(shell.Cmd).toEqual(['echo hi && sleep 1']);
    const argv = buildContainerPlan(task({ command: { value: '/bin/app', shell: false, arguments: ['--port', '80'] } }), ctx).options;
    expect(argv.Entrypoint).toBeUndefined();
    expect(argv.Cmd).toEqual(['/bin/app', '--port', '80']);
  });

  it('uses the host network in HOST mode with MESOS_PORT_<port> for the offered ports', () => {
    const t = task();
    t.container!.docker!.network = 'HOST';
    const { options } = buildContainerPlan(t, ctx);
    expect(options.HostConfig?.NetworkMode).toBe('host');
    expect(options.HostConfig?.PortBindings).toBeUndefined();
    expect(envOf(options.Env).get('MESOS_PORT_31001')).toBe('31001');
  });

  it('takes SERVICE_VERSION from the griddle.version label when set', () => {
    const t = task();
    t.labels!.labels!.push({ key: 'griddle.version', value: '2.0.1' });
    expect(envOf(buildContainerPlan(t, ctx).options.Env).get('SERVICE_VERSION')).toBe('2.0.1');
  });

  it('requires a DOCKER container', () => {
    expect(() => buildContainerPlan(task({ container: { type: 'MESOS' } }), ctx)).toThrow(/must be of type DOCKER/);
  });
});

describe('the task command in TaskInfo.data', () => {
  const data = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');

  it('reads command and env from base64 CommandInfo JSON when TaskInfo.command is absent', () => {
    const t = task({ command: undefined, data: data({ value: 'run.sh', shell: true, environment: { variables: [{ name: 'DB_PASSWORD', value: 'vault://secret/web/db' }, { name: 'A', value: 'b' }] } }) });
    expect(taskCommand(t)?.value).toBe('run.sh');
    const { options } = buildContainerPlan(t, ctx);
    expect(options.Cmd).toEqual(['run.sh']);
    expect(envOf(options.Env).get('A')).toBe('b');
    expect(envOf(options.Env).get('DB_PASSWORD')).toBe('s3cret');
  });

  it('says what TaskInfo.data must hold when it is not a CommandInfo', () => {
    expect(() => taskCommand(task({ command: undefined, data: Buffer.from('not json').toString('base64') }))).toThrow(/TaskInfo.data must be base64 of a CommandInfo/);
    expect(() => taskCommand(task({ command: undefined, data: data({ shell: 'yes' }) }))).toThrow(/TaskInfo.data.shell: expecting a JSON boolean/);
  });
});
