import { arr, call, type Harness, type Json, obj, startHarness } from '../../support/api-harness';

/**
 * Every call Nmesos makes (SINGULARITY-API.md's list), with the JSON Nmesos's upickle models
 * write, and the fields its readers require checked in each answer.
 */

const REQUEST_ID = 'dev_hello';
const nmesosRequest = (instances: number) => ({
  id: REQUEST_ID, requestType: 'SERVICE', slavePlacement: 'OPTIMISTIC', instances,
  requiredSlaveAttributes: {}, allowedSlaveAttributes: {},
});
const nmesosDeploy = (id: string, tag: string) => ({
  requestId: REQUEST_ID, id,
  resources: { cpus: 0.1, memoryMb: 64, numPorts: 1, diskMb: 0 },
  containerInfo: {
    type: 'DOCKER',
    docker: {
      network: 'BRIDGE', image: `griddle/demo-http:${tag}`,
      portMappings: [{ containerPort: 8080, hostPortType: 'FROM_OFFER', containerPortType: 'LITERAL', hostPort: 0, protocol: 'tcp' }],
      forcePullImage: false,
      dockerParameters: [{ key: 'label', value: 'team=web' }, { key: 'env', value: 'GREETING=hi' }],
    },
    volumes: [],
  },
  command: null,
  shell: null,
  customExecutorCmd: null,
  env: { EXECUTOR_SIDECAR_BACKOFF: '1s' },
  healthcheckUri: '/health',
  healthcheckPortIndex: 0,
  healthcheckMaxRetries: 3,
  healthcheckTimeoutSeconds: 2,
  healthcheckMaxTotalTimeoutSeconds: null,
  deployInstanceCountPerStep: null,
  deployStepWaitTimeMs: null,
  deployHealthTimeoutSeconds: 60,
  autoAdvanceDeploySteps: null,
});

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

async function waitForResult(deployId: string): Promise<Json> {
  expect(await h.sim.until(() => h.scheduler.deploys.get(`${REQUEST_ID}/${deployId}`)?.result !== undefined, 1000)).toBe(true);
  const res = await call(h, 'GET', `/api/history/request/${REQUEST_ID}/deploy/${deployId}`);
  expect(res.status).toBe(200);
  return obj(obj(res.json).deployResult);
}

describe.each(['/api', '/singularity/api'])('Nmesos release flow under %s', (base) => {
  const deployId = base === '/api' ? 'v1_0a1b2c' : 'v1_3d4e5f';
  beforeAll(() => {
    for (const id of [...h.scheduler.requests.keys()]) h.scheduler.deleteRequest(id);
  });

  it('ping: GET /api/requests answers 200 with a JSON array', async () => {
    const res = await call(h, 'GET', `${base}/requests`);
    expect(res.status).toBe(200);
    expect(Array.isArray(res.json)).toBe(true);
  });

  it('GET /api/requests/request/{id} is 4xx for an unknown request (Nmesos reads that as "none")', async () => {
    const res = await call(h, 'GET', `${base}/requests/request/${REQUEST_ID}`);
    expect(res.status).toBe(404);
    expect(obj(res.json).message).toMatch(REQUEST_ID);
  });

  it('POST /api/requests creates it and answers a SingularityRequestParent that compares equal to what was sent', async () => {
    const res = await call(h, 'POST', `${base}/requests`, nmesosRequest(3));
    expect(res.status).toBe(200);
    const parent = obj(res.json);
    expect(parent.state).toBe('ACTIVE');
    const got = await call(h, 'GET', `${base}/requests/request/${REQUEST_ID}`);
    const request = obj(obj(got.json).request);
    // Nmesos compares these fields to decide whether an update is needed.
    expect({
      id: request.id, requestType: request.requestType, slavePlacement: request.slavePlacement, instances: request.instances,
      requiredSlaveAttributes: request.requiredSlaveAttributes, allowedSlaveAttributes: request.allowedSlaveAttributes,
    }).toEqual(nmesosRequest(3));
  });

  it('GET /api/history/request/{id}/deploy/{deployId} is 404 before the deploy exists', async () => {
    const res = await call(h, 'GET', `${base}/history/request/${REQUEST_ID}/deploy/${deployId}`);
    expect(res.status).toBe(404);
  });

  it('POST /api/deploys with nulls for absent options starts the deploy; pending, then SUCCEEDED in history', async () => {
    // The simulated cluster stands still until the pending deploy has been read, so it is
    // pending for certain (no task can start, let alone turn healthy).
    h.sim.stop();
    try {
      const res = await call(h, 'POST', `${base}/deploys`, { deploy: nmesosDeploy(deployId, '1'), message: ' Deploying version griddle/demo-http:1', unpauseOnSuccessfulDeploy: true });
      expect(res.status).toBe(200);
      expect(obj(obj(res.json).request).id).toBe(REQUEST_ID);
      const pending = await call(h, 'GET', `${base}/deploys/pending`);
      expect(pending.status).toBe(200);
      const mine = arr(pending.json).find((p) => obj(p.deployMarker).deployId === deployId);
      expect(mine).toBeDefined();
      expect(obj(mine?.deployMarker).requestId).toBe(REQUEST_ID);
      expect(obj(mine?.deployProgress).targetActiveInstances).toBe(3);
      expect(mine?.currentDeployState).toBe('WAITING');
    } finally {
      h.sim.start();
    }
    const result = await waitForResult(deployId);
    expect(result.deployState).toBe('SUCCEEDED');
    expect(result.deployFailures).toEqual([]);
    const history = await call(h, 'GET', `${base}/history/request/${REQUEST_ID}/deploy/${deployId}`);
    const deploy = obj(obj(history.json).deploy);
    expect(obj(deploy.resources)).toEqual({ cpus: 0.1, memoryMb: 64, numPorts: 1, diskMb: 0 });
    expect(obj(obj(deploy.containerInfo).docker).image).toBe('griddle/demo-http:1');
    expect(obj(deploy.healthcheck)).toMatchObject({ uri: '/health', portIndex: 0, maxRetries: 3, responseTimeoutSeconds: 2 });
  });

  it('GET /api/tasks/active gives SingularityTask with taskId, offer.hostname and mesosTask port mappings', async () => {
    const res = await call(h, 'GET', `${base}/tasks/active`);
    expect(res.status).toBe(200);
    const mine = arr(res.json).filter((t) => obj(t.taskId).requestId === REQUEST_ID);
    expect(mine).toHaveLength(3);
    for (const t of mine) {
      const id = obj(t.taskId);
      expect(id).toMatchObject({ requestId: REQUEST_ID, deployId, host: '127.0.0.1', sanitizedHost: '127.0.0.1' });
      expect(typeof id.id).toBe('string');
      expect(typeof id.instanceNo).toBe('number');
      expect(obj(t.offer).hostname).toBe('127.0.0.1');
      const mappings = arr(obj(obj(obj(t.mesosTask).container).docker).portMappings);
      expect(mappings[0]).toMatchObject({ containerPort: 8080, hostPort: 31000 });
    }
  });

  it('GET /api/requests/request/{id} shows the activeDeploy with id and resources and healthy taskIds', async () => {
    const res = await call(h, 'GET', `${base}/requests/request/${REQUEST_ID}`);
    const parent = obj(res.json);
    expect(obj(parent.activeDeploy)).toMatchObject({ id: deployId, resources: { cpus: 0.1, memoryMb: 64, numPorts: 1, diskMb: 0 } });
    expect(arr(obj(parent.taskIds).healthy)).toHaveLength(3);
  });

  it('PUT /api/requests/request/{id}/scale as Nmesos sends it', async () => {
    const res = await call(h, 'PUT', `${base}/requests/request/${REQUEST_ID}/scale`, { message: " Scaling 'dev_hello' from 3 to 2 instances", instances: 2, skipHealthchecks: true });
    expect(res.status).toBe(200);
    expect(obj(res.json).state).toBe('ACTIVE');
    expect(obj(obj(res.json).request).instances).toBe(2);
    expect(await h.sim.until(() => [...h.scheduler.tasks.values()].filter((t) => t.requestId === REQUEST_ID).length === 2)).toBe(true);
  });

  it('POST /api/requests with a changed request updates it (Nmesos updateSingularityRequest)', async () => {
    const res = await call(h, 'POST', `${base}/requests`, { ...nmesosRequest(2), requiredRole: 'web' });
    expect(res.status).toBe(200);
    expect(obj(obj(res.json).request).requiredRole).toBe('web');
  });

  it('GET /api/history/request/{id}/tasks?requestId=&deployId= lists ended tasks with lastTaskState', async () => {
    const res = await call(h, 'GET', `${base}/history/request/${REQUEST_ID}/tasks?requestId=${REQUEST_ID}&deployId=${deployId}`);
    expect(res.status).toBe(200);
    const items = arr(res.json);
    expect(items.length).toBeGreaterThanOrEqual(1);
    expect(items[0].lastTaskState).toBe('TASK_KILLED');
    expect(obj(items[0].taskId).deployId).toBe(deployId);
  });

  it('GET /api/requests/active?includeFullRequestData=true lists it', async () => {
    const res = await call(h, 'GET', `${base}/requests/active?includeFullRequestData=true`);
    expect(res.status).toBe(200);
    expect(arr(res.json).map((p) => obj(p.request).id)).toContain(REQUEST_ID);
  });

  it('a second release of the same deploy id is refused (Nmesos asks for --force)', async () => {
    const res = await call(h, 'POST', `${base}/deploys`, { deploy: nmesosDeploy(deployId, '1'), message: 'again', unpauseOnSuccessfulDeploy: true });
    expect(res.status).toBe(409);
    expect(obj(res.json).message).toMatch(/already exists/);
  });

  it('GET /api/sandbox/{taskId}/read?path=stdout&length=50000&offset=0 names the problem when no agent address is known', async () => {
    const task = [...h.scheduler.tasks.values()].find((t) => t.requestId === REQUEST_ID);
    const res = await call(h, 'GET', `${base}/sandbox/${task?.taskId}/read?path=stdout&length=50000&offset=0`);
    expect(res.status).toBe(502);
    expect(obj(res.json).message).toMatch(/agent-1/);
  });
});
