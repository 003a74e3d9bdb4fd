import {
  convert, deployIdFor, forceSuffix, MAX_DEPLOY_ID_LENGTH, normalizeId, requestIdFor,
} from '../../../cli/convert/to-singularity';
import { parseSpec } from '../../../cli/spec/spec-loader';

function converted(body: string, tag = '1', environment = 'dev') {
  const loaded = parseSpec(`nmesos_version: '0.1.0'\n${body}`, { file: 'x.yml', service: 'my-svc', environment });
  return convert(loaded, tag);
}

const MIN = `common:
  resources: { cpus: 0.1, memoryMb: 64 }
  container: { image: griddle/demo-http }
environments:
  dev: {}
`;

describe('ids', () => {
  it.each([
    ['dev', 'demo-http', 'dev_demo_http'],
    ['prod', 'my.svc', 'prod_my_svc'],
    ['qa', 'svc_1', 'qa_svc_1'],
  ])('request id of %s/%s is %s', (env, svc, id) => {
    expect(requestIdFor(env, svc)).toBe(id);
  });

  it.each([
    ['1', 'abc1234', undefined, '1_abc1234'],
    ['v1.2.3', 'abc1234', undefined, 'v1_2_3_abc1234'],
    ['1', 'abc1234', '312345678', '1_abc1234_312345678'],
  ])('deploy id of tag %s, hash %s, suffix %s is %s', (tag, hash, suffix, id) => {
    expect(deployIdFor(tag, hash, suffix)).toBe(id);
  });

  it('keeps deploy ids within 50 chars of [A-Za-z0-9_], hash and suffix intact', () => {
    const id = deployIdFor('feature/' + 'x'.repeat(80), 'abc1234', '312345678');
    expect(id.length).toBe(MAX_DEPLOY_ID_LENGTH);
    expect(id).toMatch(/^[A-Za-z0-9_]+_abc1234_312345678$/);
  });

  it('force suffix counts seconds since 2016-12-01', () => {
    expect(forceSuffix(Date.UTC(2016, 11, 1, 0, 1, 40))).toBe('100');
  });

  it('normalizes anything that is not alphanumeric', () => {
    expect(normalizeId('a-b.c/d:e f')).toBe('a_b_c_d_e_f');
  });

  it('the same spec and tag give the same deploy id; any change gives another', () => {
    const a = converted(MIN).deploy.id;
    expect(converted(MIN).deploy.id).toBe(a);
    expect(converted(MIN, '2').deploy.id).not.toBe(a);
    expect(converted(MIN.replace('memoryMb: 64', 'memoryMb: 65')).deploy.id).not.toBe(a);
    expect(converted(MIN.replace('dev: {}', 'dev: { singularity: { url: "http://x:1" } }')).deploy.id).toBe(a);
    expect(a).toMatch(/^1_[0-9a-f]{7}$/);
  });
});

describe('conversion to request and deploy', () => {
  it('converts a minimal service', () => {
    const { request, deploy } = converted(MIN);
    expect(request).toEqual({ id: 'dev_my_svc', requestType: 'SERVICE', instances: 1, agentPlacement: 'OPTIMISTIC' });
    expect(deploy).toEqual({
      requestId: 'dev_my_svc',
      id: deploy.id,
      resources: { cpus: 0.1, memoryMb: 64, numPorts: 0 },
      containerInfo: { type: 'DOCKER', docker: { image: 'griddle/demo-http:1', network: 'BRIDGE', forcePullImage: false } },
    });
  });

  it.each<[string, string, (c: ReturnType<typeof converted>) => unknown, unknown]>([
    ['a schedule makes the request SCHEDULED, without instances', 'singularity: { schedule: "*/5 * * * *" }',
      (c) => [c.request.requestType, c.request.schedule, c.request.instances], ['SCHEDULED', '*/5 * * * *', undefined]],
    ['an explicit requestType wins', 'singularity: { requestType: WORKER }', (c) => c.request.requestType, 'WORKER'],
    ['instances', 'resources: { instances: 3 }', (c) => c.request.instances, 3],
    ['labels become docker label parameters', 'container: { labels: { team: core, tier: "1" } }',
      (c) => c.deploy.containerInfo?.docker?.dockerParameters, [{ key: 'label', value: 'team=core' }, { key: 'label', value: 'tier=1' }]],
    ['docker parameters', 'container: { dockerParameters: { cap-add: NET_ADMIN } }',
      (c) => c.deploy.containerInfo?.docker?.dockerParameters, [{ key: 'cap-add', value: 'NET_ADMIN' }]],
    ['env vars, vault:// untouched, numbers as strings', 'container: { env_vars: { DB: "vault://secret/data/svc/db?key=password", PORT: 8080 } }',
      (c) => c.deploy.env, { DB: 'vault://secret/data/svc/db?key=password', PORT: '8080' }],
    ['executor env vars go to executorData.env', 'executor: { customExecutorCmd: /opt/ex, env_vars: { EXECUTOR_SIDECAR_BACKOFF: 20m } }',
      (c) => [c.deploy.customExecutorCmd, c.deploy.executorData], ['/opt/ex', { env: { EXECUTOR_SIDECAR_BACKOFF: '20m' } }]],
    ['a command runs in a shell', 'container: { command: "echo hi" }', (c) => [c.deploy.command, c.deploy.shell], ['echo hi', true]],
    ['volumes', 'container: { volumes: ["/tmp/a:/a", "/tmp/b:/b:ro"] }', (c) => c.deploy.containerInfo?.volumes,
      [{ hostPath: '/tmp/a', containerPath: '/a', mode: 'RW' }, { hostPath: '/tmp/b', containerPath: '/b', mode: 'RO' }]],
    ['ports set numPorts and port mappings', 'container: { ports: [8080, "9000:12000"] }',
      (c) => [c.deploy.resources?.numPorts, c.deploy.containerInfo?.docker?.portMappings?.map((p) => [p.hostPortType, p.hostPort])], [2, [['FROM_OFFER', 0], ['LITERAL', 12000]]]],
    ['HOST network', 'container: { network: HOST }', (c) => c.deploy.containerInfo?.docker?.network, 'HOST'],
    ['health check fields', 'container: { ports: [8080, 8081] }\n    singularity: { healthcheckUri: /health, healthcheckPortIndex: 1, healthcheckMaxRetries: 4, healthcheckTimeoutSeconds: 2, healthcheckMaxTotalTimeoutSeconds: 60, healthcheckIntervalSeconds: 3 }',
      (c) => c.deploy.healthcheck, { protocol: 'HTTP', uri: '/health', portIndex: 1, maxRetries: 4, responseTimeoutSeconds: 2, startupTimeoutSeconds: 60, intervalSeconds: 3 }],
    ['a TCP health check', 'container: { ports: [8080] }\n    singularity: { healthcheckProtocol: TCP }', (c) => c.deploy.healthcheck, { protocol: 'TCP', portIndex: 0 }],
    ['a COMMAND health check', 'singularity: { healthcheckProtocol: COMMAND, healthcheckCommand: "test -f /ok" }', (c) => c.deploy.healthcheck, { protocol: 'COMMAND', command: 'test -f /ok' }],
    ['no health check without a uri or protocol', 'singularity: {}', (c) => c.deploy.healthcheck, undefined],
    ['deploy steps', 'singularity: { deployInstanceCountPerStep: 1, deployStepWaitTimeMs: 1000, autoAdvanceDeploySteps: true, deployHealthTimeoutSeconds: 30 }',
      (c) => [c.deploy.deployInstanceCountPerStep, c.deploy.deployStepWaitTimeMs, c.deploy.autoAdvanceDeploySteps, c.deploy.deployHealthTimeoutSeconds], [1, 1000, true, 30]],
    ['placement and attributes', 'singularity: { slavePlacement: SEPARATE, requiredAttributes: { rack: r1 }, allowedSlaveAttributes: { zone: a }, requiredRole: ops }',
      (c) => [c.request.agentPlacement, c.request.requiredAgentAttributes, c.request.allowedAgentAttributes, c.request.requiredRole], ['SEPARATE', { rack: 'r1' }, { zone: 'a' }, 'ops']],
    ['SPREAD_ALL_SLAVES is SPREAD_ALL_AGENTS', 'singularity: { slavePlacement: SPREAD_ALL_SLAVES }', (c) => c.request.agentPlacement, 'SPREAD_ALL_AGENTS'],
    ['forcePullImage', 'container: { forcePullImage: true }', (c) => c.deploy.containerInfo?.docker?.forcePullImage, true],
    ['drainSeconds', 'singularity: { drainSeconds: 5 }', (c) => [c.request.drainSeconds, c.deploy.drainSeconds], [5, 5]],
  ])('%s', (_name, devBlock, pick, expected) => {
    expect(pick(converted(MIN.replace('dev: {}', `dev:\n    ${devBlock}`)))).toEqual(expected);
  });

  it('per-environment specs convert differently', () => {
    const body = MIN.replace('dev: {}', 'dev: {}\n  prod: { resources: { instances: 5, cpus: 2 } }');
    expect(converted(body, '1', 'prod').request).toMatchObject({ id: 'prod_my_svc', instances: 5 });
    expect(converted(body, '1', 'prod').deploy.resources?.cpus).toBe(2);
    expect(converted(body, '1', 'dev').deploy.resources?.cpus).toBe(0.1);
  });
});
