import { deployRequestSchema, singularityDeploySchema, singularityRequestSchema } from '../../../scheduler/api';
import { parseInput } from '../../../scheduler/api/http-errors';

describe('SingularityRequest normalization', () => {
  it.each([
    ['slavePlacement alias', { id: 'r', requestType: 'SERVICE', slavePlacement: 'SEPARATE' }, { agentPlacement: 'SEPARATE' }],
    ['agentPlacement wins over the alias', { id: 'r', agentPlacement: 'GREEDY', slavePlacement: 'SEPARATE' }, { agentPlacement: 'GREEDY' }],
    ['requiredSlaveAttributes alias', { id: 'r', requiredSlaveAttributes: { rack: 'r1' } }, { requiredAgentAttributes: { rack: 'r1' } }],
    ['allowedSlaveAttributes alias', { id: 'r', allowedSlaveAttributes: { zone: 'a' } }, { allowedAgentAttributes: { zone: 'a' } }],
    ['type defaults to SERVICE', { id: 'r' }, { requestType: 'SERVICE' }],
    ['a schedule implies SCHEDULED', { id: 'r', schedule: '*/5 * * * *' }, { requestType: 'SCHEDULED', schedule: '*/5 * * * *' }],
    ['quartzSchedule alias', { id: 'r', requestType: 'SCHEDULED', quartzSchedule: '0 0 12 * * ?' }, { schedule: '0 0 12 * * ?' }],
    ['nulls mean absent (Nmesos/Jackson)', { id: 'r', instances: null, schedule: null }, { requestType: 'SERVICE' }],
  ])('%s', (_name, input, expected) => {
    const out = parseInput(singularityRequestSchema, input);
    expect(out).toMatchObject(expected);
    expect(out).not.toHaveProperty('slavePlacement');
    expect(out).not.toHaveProperty('requiredSlaveAttributes');
  });

  it('unknown fields are ignored, as Singularity does', () => {
    expect(parseInput(singularityRequestSchema, { id: 'r', somethingNew: 1 })).toEqual({ id: 'r', requestType: 'SERVICE' });
  });
});

const base = { requestId: 'r', id: 'v1', containerInfo: { docker: { image: 'img:1' } } };

describe('SingularityDeploy normalization', () => {
  it.each([
    ['flat health check (Nmesos)', { ...base, resources: { cpus: 1, memoryMb: 10, numPorts: 1 }, healthcheckUri: '/h', healthcheckPortIndex: 0, healthcheckMaxRetries: 3, healthcheckTimeoutSeconds: 2, healthcheckIntervalSeconds: 4, healthcheckMaxTotalTimeoutSeconds: 60 },
      { healthcheck: { uri: '/h', portIndex: 0, maxRetries: 3, responseTimeoutSeconds: 2, intervalSeconds: 4, startupTimeoutSeconds: 60 } }],
    ['flat and nested agree', { ...base, resources: { cpus: 1, memoryMb: 10, numPorts: 1 }, healthcheckUri: '/h', healthcheck: { uri: '/h', portIndex: 0 } }, { healthcheck: { uri: '/h', portIndex: 0 } }],
    ['dockerParameters list', { ...base, containerInfo: { docker: { image: 'i', dockerParameters: [{ key: 'label', value: 'a=b' }] } } }, { containerInfo: { type: 'DOCKER', docker: { image: 'i', dockerParameters: [{ key: 'label', value: 'a=b' }] } } }],
    ['older parameters map', { ...base, containerInfo: { docker: { image: 'i', parameters: { 'cap-add': 'NET_ADMIN' } } } }, { containerInfo: { type: 'DOCKER', docker: { image: 'i', dockerParameters: [{ key: 'cap-add', value: 'NET_ADMIN' }] } } }],
    ['both forms are joined', { ...base, containerInfo: { docker: { image: 'i', dockerParameters: [{ key: 'env', value: 'A=1' }], parameters: { label: 'x=y' } } } }, { containerInfo: { docker: { dockerParameters: [{ key: 'env', value: 'A=1' }, { key: 'label', value: 'x=y' }] } } }],
    ['lower-case network and volume mode', { ...base, containerInfo: { volumes: [{ hostPath: '/h', containerPath: '/c', mode: 'ro' }], docker: { image: 'i', network: 'bridge' } } }, { containerInfo: { volumes: [{ hostPath: '/h', containerPath: '/c', mode: 'RO' }], docker: { network: 'BRIDGE' } } }],
    ['uri objects become strings', { ...base, uris: ['http://a', { uri: 'http://b' }] }, { uris: ['http://a', 'http://b'] }],
    ['default resources', base, { resources: { cpus: 1, memoryMb: 64, numPorts: 0 } }],
  ])('%s', (_name, input, expected) => {
    expect(parseInput(singularityDeploySchema, input)).toMatchObject(expected);
  });

  it.each([
    [{ ...base, healthcheckPortIndex: 1, healthcheck: { portIndex: 0, uri: '/h' }, resources: { cpus: 1, memoryMb: 1, numPorts: 2 } }, 'healthcheckPortIndex: is 1 but healthcheck.portIndex is 0'],
    [{ ...base, healthcheck: { protocol: 'TCP' } }, 'healthcheck.portIndex: or healthcheck.portNumber is required'],
    [{ ...base, healthcheck: { protocol: 'COMMAND' } }, 'healthcheck.command: is required for a COMMAND health check'],
    [{ ...base, resources: { cpus: 1, memoryMb: 1, numPorts: 1 }, healthcheck: { portIndex: 0 } }, 'healthcheck.uri: is required for an HTTP health check'],
    [{ ...base, containerInfo: { type: 'DOCKER' } }, 'containerInfo.docker: is required when containerInfo.type is DOCKER'],
  ])('refuses %j', (input, message) => {
    expect(() => parseInput(singularityDeploySchema, input)).toThrow(message);
  });

  it('a deploy request prefixes field names with deploy.', () => {
    expect(() => parseInput(deployRequestSchema, { deploy: { ...base, id: 'bad-id' } })).toThrow(/^deploy\.id: must be 1-50 characters/);
    expect(parseInput(deployRequestSchema, { deploy: base })).toMatchObject({ unpauseOnSuccessfulDeploy: false });
  });
});
