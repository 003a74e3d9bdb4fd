import express, { type Request, type Response } from 'express';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type {
  DeployRecord, DeployResult, RequestRecord, SingularityDeploy, SingularityRequest,
} from '../../scheduler/model';

/**
 * An in-test stand-in for Griddle's REST API, following DESIGN.md's REST table and
 * SINGULARITY-API.md's shapes, so the CLI's HTTP side is tested before the real API exists.
 * Deploys advance on a timer: tasks start, turn healthy, and the deploy succeeds; an image
 * whose tag is in `failingTags` fails its health checks instead, leaving a sandbox to read.
 */
export interface StandInTask {
  taskId: string; requestId: string; deployId: string; instanceNo: number; hostname: string;
  ports: number[]; startedAt: number; state: string; healthy?: boolean;
}

export interface StandIn {
  url: string;
  requests: Map<string, RequestRecord>;
  deploys: Map<string, DeployRecord>;
  tasks: Map<string, StandInTask>;
  historyTasks: StandInTask[];
  /** Every call the CLI made: `METHOD path`. */
  calls: string[];
  sandbox: Map<string, { stdout: string; stderr: string }>;
  failingTags: Set<string>;
  close(): Promise<void>;
}

export async function startStandIn(options: {
  tickMs?: number;
  token?: string;
  /** Forget a failed task's sandbox at once, as an agent that garbage-collects it would. */
  dropFinishedSandboxes?: boolean;
} = {}): Promise<StandIn> {
  const requests = new Map<string, RequestRecord>();
  const deploys = new Map<string, DeployRecord>();
  const tasks = new Map<string, StandInTask>();
  const historyTasks: StandInTask[] = [];
  const sandbox = new Map<string, { stdout: string; stderr: string }>();
  const failingTags = new Set<string>();
  const calls: string[] = [];
  const sandboxReads = new Map<string, Set<string>>();
  const listeners = new Set<{ requestId?: string; res: Response }>();
  let port = 31000;

  const emit = (type: string, requestId: string, data: unknown): void => {
    for (const l of listeners) if (!l.requestId || l.requestId === requestId) l.res.write(`event: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  const key = (requestId: string, deployId: string): string => `${requestId}/${deployId}`;
  /** Singularity's task id object, with Griddle's task fields beside it. */
  const taskJson = ({ taskId, ...t }: StandInTask) => ({
    ...t,
    taskId: { id: taskId, requestId: t.requestId, deployId: t.deployId, host: t.hostname, startedAt: t.startedAt, instanceNo: t.instanceNo },
  });
  /** As the API renders them: Singularity's always-present fields filled with their defaults, old names echoed. */
  const renderRequest = (q: SingularityRequest) => ({
    ...q, slavePlacement: q.agentPlacement ?? 'OPTIMISTIC', requiredAgentAttributes: q.requiredAgentAttributes ?? {},
    requiredSlaveAttributes: q.requiredAgentAttributes ?? {}, allowedSlaveAttributes: q.allowedAgentAttributes ?? {},
  });
  const renderDeploy = (d: SingularityDeploy | undefined) => d && ({
    ...d,
    env: d.env ?? {},
    resources: { numPorts: 0, diskMb: 0, ...d.resources },
    containerInfo: d.containerInfo && {
      volumes: [], ...d.containerInfo,
      docker: d.containerInfo.docker && { privileged: false, portMappings: [], dockerParameters: [], ...d.containerInfo.docker },
    },
  });
  const parent = (r: RequestRecord) => ({
    request: renderRequest(r.request),
    state: r.state,
    activeDeploy: renderDeploy(r.activeDeployId ? deploys.get(key(r.request.id, r.activeDeployId))?.deploy : undefined),
    pendingDeploy: renderDeploy(r.pendingDeployId ? deploys.get(key(r.request.id, r.pendingDeployId))?.deploy : undefined),
    taskIds: [...tasks.values()].filter((t) => t.requestId === r.request.id).map((t) => t.taskId),
  });

  function startDeploy(requestId: string, deploy: SingularityDeploy, rollbackOf?: string): DeployRecord {
    const record: DeployRecord = { deploy, createdAt: Date.now(), rollbackOf };
    deploys.set(key(requestId, deploy.id), record);
    const r = requests.get(requestId);
    if (r) r.pendingDeployId = deploy.id;
    emit('deploy', requestId, { requestId, deployId: deploy.id, state: 'WAITING' });
    return record;
  }

  function finish(r: RequestRecord, record: DeployRecord, result: DeployResult): void {
    record.result = result;
    r.pendingDeployId = undefined;
    const deployId = record.deploy.id;
    const doomed = [...tasks.values()].filter((t) => t.requestId === r.request.id && (result.deployState === 'SUCCEEDED' ? t.deployId !== deployId : t.deployId === deployId));
    for (const t of doomed) {
      tasks.delete(t.taskId);
      historyTasks.push({ ...t, state: t.state === 'TASK_FAILED' ? 'TASK_FAILED' : 'TASK_KILLED' });
    }
    if (result.deployState === 'SUCCEEDED') r.activeDeployId = deployId;
    emit('deploy', r.request.id, { requestId: r.request.id, deployId, result });
  }

  /** One step of every pending deploy. */
  function tick(): void {
    for (const r of requests.values()) {
      if (!r.pendingDeployId) continue;
      const record = deploys.get(key(r.request.id, r.pendingDeployId));
      if (!record) continue;
      const { deploy } = record;
      const mine = [...tasks.values()].filter((t) => t.requestId === r.request.id && t.deployId === deploy.id);
      const want = r.request.requestType === 'SCHEDULED' ? 0 : (r.request.instances ?? 1);
      const tag = deploy.containerInfo?.docker?.image.split(':').pop() ?? '';
      const starting = mine.find((t) => t.state !== 'TASK_RUNNING' || (deploy.healthcheck && !t.healthy));
      if (starting) {
        if (starting.state !== 'TASK_RUNNING') starting.state = 'TASK_RUNNING';
        else if (failingTags.has(tag) && starting.healthy === undefined) {
          // A failing check shows first as RUNNING and unhealthy, as the executor reports it.
          starting.healthy = false;
          sandbox.set(starting.taskId, { stdout: 'booting\nlistening on 8080\n', stderr: 'GET /health: 500 database unreachable\n' });
        } else if (failingTags.has(tag) && options.dropFinishedSandboxes && (sandboxReads.get(starting.taskId)?.size ?? 0) < 2) {
          // Keeps failing until the CLI has looked at both files, so the test does not race.
        } else if (failingTags.has(tag)) {
          starting.state = 'TASK_FAILED';
          starting.healthy = false;
          if (options.dropFinishedSandboxes) sandbox.delete(starting.taskId);
          emit('task', r.request.id, starting);
          finish(r, record, {
            deployState: 'FAILED', message: 'Task failed its health checks', timestamp: Date.now(),
            deployFailures: [{ reason: 'TASK_FAILED_HEALTH_CHECKS', taskId: starting.taskId, message: 'health check failed: 500' }],
          });
          continue;
        } else starting.healthy = true;
        emit('task', r.request.id, starting);
      } else if (mine.length < want) {
        const instanceNo = mine.length + 1;
        const startedAt = Date.now();
        const t: StandInTask = {
          taskId: `${r.request.id}-${deploy.id}-${startedAt}-${instanceNo}-127.0.0.1-DEFAULT`, requestId: r.request.id, deployId: deploy.id,
          instanceNo, hostname: '127.0.0.1', ports: [port++], startedAt, state: 'TASK_STAGING',
        };
        tasks.set(t.taskId, t);
        sandbox.set(t.taskId, { stdout: `started ${tag}\n`, stderr: '' });
        emit('task', r.request.id, t);
      } else {
        finish(r, record, { deployState: 'SUCCEEDED', deployFailures: [], timestamp: Date.now() });
      }
    }
  }
  const timer = setInterval(tick, options.tickMs ?? 20);

  const api = express.Router();
  api.use(express.json());
  api.use((req, res, next) => {
    calls.push(`${req.method} ${req.path}`);
    if (options.token && req.method !== 'GET' && req.headers.authorization !== `Bearer ${options.token}`) {
      res.status(401).json({ message: 'a valid API token is required' });
      return;
    }
    next();
  });
  const request404 = (res: Response, id: string) => res.status(404).json({ message: `no request ${id}` });
  api.get('/requests', (_req, res) => { res.json([...requests.values()].map(parent)); });
  api.post('/requests', (req: Request<object, unknown, SingularityRequest>, res) => {
    const body = req.body;
    if (typeof body?.id !== 'string' || !/^[A-Za-z0-9_]+$/.test(body.id)) { res.status(400).json({ message: '`id` must be [A-Za-z0-9_]+' }); return; }
    const now = Date.now();
    const existing = requests.get(body.id);
    const record: RequestRecord = existing ? { ...existing, request: body, updatedAt: now } : { request: body, state: 'ACTIVE', createdAt: now, updatedAt: now };
    requests.set(body.id, record);
    emit('request', body.id, record);
    res.json(parent(record));
  });
  api.get('/requests/request/:id', (req, res) => {
    const r = requests.get(req.params.id);
    if (!r) { request404(res, req.params.id); return; }
    res.json(parent(r));
  });
  api.put('/requests/request/:id/scale', (req: Request<{ id: string }, unknown, { instances?: number }>, res) => {
    const r = requests.get(req.params.id);
    if (!r) { request404(res, req.params.id); return; }
    if (typeof req.body.instances !== 'number') { res.status(400).json({ message: '`instances` must be a number' }); return; }
    r.request = { ...r.request, instances: req.body.instances };
    const active = [...tasks.values()].filter((t) => t.requestId === r.request.id && t.deployId === r.activeDeployId);
    for (const t of active.slice(req.body.instances)) tasks.delete(t.taskId);
    for (let i = active.length; i < req.body.instances; i++) {
      const startedAt = Date.now();
      const t: StandInTask = { taskId: `${r.request.id}-${r.activeDeployId}-${startedAt}-${i + 1}-127.0.0.1-DEFAULT`, requestId: r.request.id, deployId: r.activeDeployId ?? '', instanceNo: i + 1, hostname: '127.0.0.1', ports: [port++], startedAt, state: 'TASK_RUNNING', healthy: true };
      tasks.set(t.taskId, t);
    }
    res.json(parent(r));
  });
  api.post('/requests/request/:id/rollback', (req: Request<{ id: string }, unknown, { deployId?: string }>, res) => {
    const r = requests.get(req.params.id);
    if (!r) { request404(res, req.params.id); return; }
    const previous = req.body.deployId
      ?? [...deploys.values()].filter((d) => d.deploy.requestId === r.request.id && d.result?.deployState === 'SUCCEEDED' && d.deploy.id !== r.activeDeployId).sort((a, b) => b.createdAt - a.createdAt)[0]?.deploy.id;
    const source = previous ? deploys.get(key(r.request.id, previous)) : undefined;
    if (!source) { res.status(409).json({ message: 'no previous successful deploy to roll back to' }); return; }
    startDeploy(r.request.id, { ...source.deploy, id: `${source.deploy.id}_rb${Date.now() % 100000}` }, source.deploy.id);
    res.json(parent(r));
  });
  api.post('/deploys', (req: Request<object, unknown, { deploy?: SingularityDeploy }>, res) => {
    const deploy = req.body.deploy;
    if (!deploy?.requestId || !deploy.id) { res.status(400).json({ message: '`deploy.requestId` and `deploy.id` are required' }); return; }
    if (!/^[A-Za-z0-9_]{1,50}$/.test(deploy.id)) { res.status(400).json({ message: '`deploy.id` must be at most 50 of [A-Za-z0-9_]' }); return; }
    const r = requests.get(deploy.requestId);
    if (!r) { request404(res, deploy.requestId); return; }
    if (r.pendingDeployId) { res.status(409).json({ message: `deploy ${r.pendingDeployId} is in progress` }); return; }
    if (deploys.has(key(r.request.id, deploy.id))) { res.status(409).json({ message: `deploy ${deploy.id} exists` }); return; }
    startDeploy(r.request.id, deploy);
    res.json(parent(r));
  });
  api.get('/deploys/pending', (_req, res) => {
    res.json([...requests.values()].filter((r) => r.pendingDeployId).map((r) => ({
      deployMarker: { requestId: r.request.id, deployId: r.pendingDeployId },
      currentDeployState: 'WAITING',
      deployProgress: { targetActiveInstances: r.request.instances ?? 1, deployInstanceCountPerStep: r.request.instances ?? 1, step: 1 },
    })));
  });
  const historyEntry = (d: DeployRecord) => ({
    deployMarker: { requestId: d.deploy.requestId, deployId: d.deploy.id, timestamp: d.createdAt, message: d.message },
    deploy: d.deploy,
    deployResult: d.result,
  });
  api.get('/history/request/:id/deploys', (req, res) => {
    if (!requests.has(req.params.id)) { request404(res, req.params.id); return; }
    res.json([...deploys.values()].filter((d) => d.deploy.requestId === req.params.id).sort((a, b) => b.createdAt - a.createdAt).map(historyEntry));
  });
  api.get('/history/request/:id/deploy/:deployId', (req, res) => {
    const d = deploys.get(key(req.params.id, req.params.deployId));
    if (!d) { res.status(404).json({ message: 'no such deploy' }); return; }
    res.json(historyEntry(d));
  });
  api.get('/history/request/:id/tasks', (req, res) => {
    res.json(historyTasks.filter((t) => t.requestId === req.params.id).map((t) => ({ taskId: { id: t.taskId, requestId: t.requestId, deployId: t.deployId }, lastTaskState: t.state, updatedAt: t.startedAt })));
  });
  api.get('/tasks/active', (_req, res) => { res.json([...tasks.values()].map(taskJson)); });
  api.get('/sandbox/:taskId/read', (req, res) => {
    const files = sandbox.get(req.params.taskId);
    const file = req.query.path === 'stderr' ? 'stderr' : req.query.path === 'stdout' ? 'stdout' : undefined;
    if (!files || !file) { res.status(404).json({ message: 'no such sandbox file' }); return; }
    const data = Buffer.from(files[file]);
    const offset = Number(req.query.offset ?? 0);
    // Griddle's API, unlike Mesos's /files/read, takes no offset -1.
    if (offset < 0) { res.status(400).json({ message: '`offset` must be at least 0' }); return; }
    sandboxReads.set(req.params.taskId, (sandboxReads.get(req.params.taskId) ?? new Set()).add(file));
    const length = Number(req.query.length ?? data.length);
    res.json({ data: data.subarray(offset, offset + length).toString(), offset });
  });
  api.get('/events', (req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.write(': connected\n\n');
    const l = { requestId: typeof req.query.requestId === 'string' ? req.query.requestId : undefined, res };
    listeners.add(l);
    req.on('close', () => listeners.delete(l));
  });

  const app = express();
  app.use('/api', api);
  app.use('/singularity/api', api);
  const server: Server = await new Promise((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)); });
  const { port: listening } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${listening}`,
    requests, deploys, tasks, historyTasks, calls, sandbox, failingTags,
    async close() {
      clearInterval(timer);
      for (const l of listeners) l.res.end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
