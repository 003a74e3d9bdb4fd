import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeStatisticsMessage, encodeStatisticsMessage, formatTaskId, type SingularityTaskId } from '../../contract';
import { type Behaviour, arr, call, deployAndWait, demoDeploy, serviceRequest, type Harness } from '../support/api-harness';
import { until } from '../support/kit';
import type { ContractContext, ContractResponse } from './contract-row';

/** The state rows ask for, made through the API (as a client would) and reused across rows. */
export function contractContext(h: Harness): ContractContext & { close(): Promise<void> } {
  const made = new Map<string, Promise<unknown>>();
  const once = <T>(key: string, make: () => Promise<T>): Promise<T> => {
    if (!made.has(key)) made.set(key, make());
    return made.get(key) as Promise<T>;
  };
  let agent: http.Server | undefined;
  // Deploy ids are global in the simulation's behaviour map, so each request gets its own.
  const onDemand = async (id: string, deployId: string, behaviour: Behaviour): Promise<void> => {
    h.sim.behaviour.set(deployId, behaviour);
    await call(h, 'POST', '/api/requests', { id, requestType: 'ON_DEMAND' });
    await deployAndWait(h, id, deployId, { healthcheck: undefined });
  };
  const c = {
    h,
    call: (method: string, path: string, body?: unknown): Promise<ContractResponse> => call(h, method, path, body),
    request: (id: string, instances = 2) => once(`request ${id}`, async () => {
      await call(h, 'POST', '/api/requests', serviceRequest(id, instances));
      const result = await deployAndWait(h, id, 'v1');
      if (result.deployState !== 'SUCCEEDED') throw new Error(`deploy v1 of ${id}: ${JSON.stringify(result)}`);
      return id;
    }),
    onDemandRequest: (id: string) => once(`on-demand ${id}`, async () => {
      h.sim.behaviour.set('od_v1', 'finish');
      await call(h, 'POST', '/api/requests', { id, requestType: 'ON_DEMAND' });
      await deployAndWait(h, id, 'od_v1', { healthcheck: undefined });
      return id;
    }),
    pendingDeploy: (id: string) => once(`pending ${id}`, async () => {
      await c.request(id, 2);
      h.sim.behaviour.set('v2', 'never-healthy');
      const res = await call(h, 'POST', '/api/deploys', { deploy: demoDeploy(id, 'v2', { deployInstanceCountPerStep: 1, autoAdvanceDeploySteps: false, deployHealthTimeoutSeconds: 600 }) });
      if (res.status !== 200) throw new Error(`deploy v2 of ${id}: ${res.text}`);
      return { requestId: id, deployId: 'v2' };
    }),
    runningRun: (requestId: string, runId: string) => once(`run ${requestId} ${runId}`, async () => {
      await onDemand(requestId, `${requestId}_d1`, 'healthy');
      await call(h, 'POST', `/api/requests/request/${requestId}/run`, { runId });
      const found = await h.sim.until(() => h.router.engine.runView.tasksOfRun(requestId, runId).some((t) => h.scheduler.tasks.get(t)?.state === 'TASK_RUNNING'));
      if (!found) throw new Error(`run ${runId} of ${requestId} has no running task`);
      return { requestId, runId, taskId: h.router.engine.runView.tasksOfRun(requestId, runId)[0] };
    }),
    queuedRun: (requestId: string, runId: string) => once(`queued ${requestId} ${runId}`, async () => {
      await onDemand(requestId, `${requestId}_d1`, 'unschedulable');
      await call(h, 'POST', `/api/requests/request/${requestId}/run`, { runId });
      return { requestId, runId };
    }),
    cooldownRequest: (id: string) => once(`cooldown ${id}`, async () => {
      await c.request(id, 1);
      h.sim.behaviour.set('v1_crash', 'healthy');
      const result = await deployAndWait(h, id, 'v1_crash');
      if (result.deployState !== 'SUCCEEDED') throw new Error(`deploy v1_crash of ${id}: ${JSON.stringify(result)}`);
      h.sim.behaviour.set('v1_crash', 'exit');
      if (!(await h.sim.until(() => h.scheduler.requests.get(id)?.state === 'SYSTEM_COOLDOWN'))) throw new Error(`${id} never entered SYSTEM_COOLDOWN`);
      return { requestId: id, deployId: 'v1_crash' };
    }),
    // The id is rebuilt from the JSON id object, as SingularityTaskId.toString() does.
    activeTaskId: async (requestId: string): Promise<string> => {
      await c.request(requestId);
      const active = arr((await call(h, 'GET', '/api/tasks/active')).json);
      const mine = active.find((t) => (t.taskId as SingularityTaskId).requestId === requestId && t.killRequestedAt === undefined);
      if (!mine) throw new Error(`no active task of ${requestId}`);
      return formatTaskId(mine.taskId as SingularityTaskId);
    },
    endedTaskId: (requestId: string) => once(`ended ${requestId}`, async () => {
      const taskId = await c.activeTaskId(requestId);
      await call(h, 'DELETE', `/api/tasks/task/${taskId}`);
      await until(() => h.router.history.find(taskId), `task ${taskId} in history`, 10_000);
      return taskId;
    }),
    fakeAgent: () => once('agent', async () => {
      agent = http.createServer((req, res) => {
        res.setHeader('content-type', 'application/json');
        if (req.url === '/state') {
          const executors = [...h.scheduler.tasks.values()].map((t) => ({ id: t.taskId, directory: `/sandbox/${t.taskId}`, tasks: [{ id: t.taskId }] }));
          res.end(JSON.stringify({ frameworks: [{ executors }] }));
        } else if (req.url?.startsWith('/files/browse')) {
          const dir = new URL(req.url, 'http://agent').searchParams.get('path') ?? '';
          res.end(JSON.stringify([{ path: `${dir}/stdout`, nlink: 1, size: 6, mtime: 1_700_000_000, mode: '-rw-r--r--', uid: 'root', gid: 'root' }]));
        } else {
          res.end(JSON.stringify({ data: 'hello\n', offset: 0 }));
        }
      });
      await new Promise<void>((r) => agent?.listen(0, '127.0.0.1', r));
      const url = `http://127.0.0.1:${(agent.address() as AddressInfo).port}`;
      for (const t of h.scheduler.tasks.values()) h.router.sandbox.setAgentUrl(t.agentId, url);
    }),
    measuredUsage: () => once('usage', async () => {
      let clock = 1_700_000_000;
      const executors = async (_agentId: string, _executorId: string, data: string): Promise<void> => {
        const ask = decodeStatisticsMessage(data);
        if (ask?.kind !== 'griddle.statistics.ask') return;
        // Each poll is 10 s after the last and the task used 0.5 cpu seconds in between.
        const at = clock;
        const report = { kind: 'griddle.statistics.report' as const, taskId: ask.taskId, nonce: ask.nonce, statistics: { timestamp: at, cpus_user_time_secs: (at - 1_700_000_000) * 0.05, cpus_system_time_secs: 0, mem_rss_bytes: 16 * 1024 * 1024 } };
        setImmediate(() => h.scheduler.events.emit('frameworkMessage', 'agent-1', ask.taskId, encodeStatisticsMessage(report)));
      };
      Object.assign(h.scheduler, { sendFrameworkMessage: executors });
      await h.router.usage.poll();
      clock += 10;
      await h.router.usage.poll();
    }),
    close: async (): Promise<void> => {
      agent?.closeAllConnections();
      await new Promise<void>((r) => (agent ? agent.close(() => r()) : r()));
    },
  };
  return c;
}
