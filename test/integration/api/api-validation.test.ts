import { call, demoDeploy, obj, useHarness } from '../../support/api-harness';

/** The API's answers to malformed input (400, 413) and unknown ids (404). */

const h = useHarness();

describe('400 names the field and what is wrong', () => {
  it.each([
    ['POST', '/api/requests', { id: 'bad id!', requestType: 'SERVICE' }, 'id: must be 1-100 characters'],
    ['POST', '/api/requests', { id: 'r1', requestType: 'DAEMON' }, 'requestType: Invalid option'],
    ['POST', '/api/requests', { id: 'r1', requestType: 'SERVICE', instances: -1 }, 'instances: Too small'],
    ['POST', '/api/requests', { id: 'r1', requestType: 'SERVICE', slavePlacement: 'ANYWHERE' }, 'slavePlacement: Invalid option'],
    ['POST', '/api/requests', { id: 'r1', requestType: 'SCHEDULED' }, 'schedule: is required for a SCHEDULED request'],
    ['POST', '/api/requests', { id: 'r1', requestType: 'SCHEDULED', schedule: '61 * * * *' }, 'schedule: is not a valid cron expression'],
    ['POST', '/api/requests', { id: 'r1', requestType: 'SERVICE', schedule: '* * * * *' }, 'schedule: is only valid for requestType SCHEDULED'],
    ['POST', '/api/requests', [1, 2], '(body): a JSON object is required'],
    ['POST', '/api/deploys', {}, 'deploy: Invalid input'],
    ['POST', '/api/deploys', { deploy: { requestId: 'r1', id: 'has-dash' } }, 'deploy.id: must be 1-50 characters'],
    ['POST', '/api/deploys', { deploy: { requestId: 'r1', id: 'v1', resources: { cpus: 'lots', memoryMb: 10 } } }, 'deploy.resources.cpus: Invalid input: expected number, received string'],
    ['POST', '/api/deploys', { deploy: { requestId: 'r1', id: 'v1', containerInfo: { docker: { image: 'x', portMappings: [{ containerPort: 80, hostPortType: 'FROM_OFFER', hostPort: 2 }] } } } }, 'deploy.containerInfo.docker.portMappings[0].hostPort: is a FROM_OFFER port index (2) but resources.numPorts is 0'],
    ['POST', '/api/deploys', { deploy: { requestId: 'r1', id: 'v1', containerInfo: { docker: { image: 'x' } }, healthcheckUri: '/health' } }, 'deploy.healthcheck.portIndex: or healthcheck.portNumber is required'],
    ['POST', '/api/deploys', { deploy: { requestId: 'r1', id: 'v1' } }, 'deploy.command: is required unless containerInfo.docker.image is given'],
    ['POST', '/api/deploys', { deploy: { requestId: 'r1', id: 'v1', command: 'x' }, updatedRequest: { id: 'r2', requestType: 'SERVICE' } }, 'updatedRequest.id: is "r2" but deploy.requestId is "r1"'],
    ['PUT', '/api/requests/request/r1/scale', { instances: 'three' }, 'instances: Invalid input: expected number'],
    ['GET', '/api/history/request/r1/deploys?count=abc', undefined, 'count: must be a whole number'],
    ['GET', '/api/sandbox/t1/read?path=../../etc/passwd', undefined, 'path: must be relative to the sandbox'],
    ['GET', '/api/requests/request/bad%20id', undefined, 'requestId: not a valid request id'],
    ['POST', '/api/requests', '{"id": "r1",', '(body): not valid JSON'],
  ])('%s %s → 400 "%s…"', async (method, path, body, message) => {
    const res = await call(h, method, path, body);
    expect(res.status).toBe(400);
    expect(obj(res.json).message).toContain(message);
  });

  it('413 for a body over the limit, naming the limit', async () => {
    const res = await call(h, 'POST', '/api/requests', { id: 'big', requestType: 'SERVICE', owners: ['x'.repeat(2_000_000)] });
    expect(res.status).toBe(413);
    expect(obj(res.json).message).toContain('1mb');
  });
});

describe('404 for unknown ids', () => {
  it.each([
    ['GET', '/api/requests/request/nope', undefined],
    ['DELETE', '/api/requests/request/nope', undefined],
    ['PUT', '/api/requests/request/nope/scale', { instances: 1 }],
    ['POST', '/api/requests/request/nope/pause', undefined],
    ['POST', '/api/requests/request/nope/unpause', undefined],
    ['POST', '/api/requests/request/nope/bounce', undefined],
    ['POST', '/api/requests/request/nope/rollback', undefined],
    ['POST', '/api/requests/request/nope/run', undefined],
    ['POST', '/api/deploys', { deploy: demoDeploy('nope', 'v1') }],
    ['DELETE', '/api/deploys/deploy/v1/request/nope', undefined],
    ['GET', '/api/history/request/nope/deploys', undefined],
    ['GET', '/api/history/request/nope/deploy/v1', undefined],
    ['GET', '/api/history/request/nope/tasks', undefined],
    ['GET', '/api/history/task/nope-v1-1-1-host', undefined],
    ['GET', '/api/tasks/task/nope-v1-1-1-host', undefined],
    ['DELETE', '/api/tasks/task/nope-v1-1-1-host', undefined],
    ['GET', '/api/sandbox/nope-v1-1-1-host/read?path=stdout', undefined],
    ['GET', '/api/no/such/endpoint', undefined],
  ])('%s %s', async (method: string, path: string, body: unknown) => {
    const res = await call(h, method, path, body);
    expect(res.status).toBe(404);
    expect(typeof obj(res.json).message).toBe('string');
  });
});
