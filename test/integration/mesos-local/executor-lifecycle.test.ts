/**
 * A task whose custom executor is a tiny test-only script, run as a real process by the
 * process containerizer: LAUNCH and KILL reach it, its updates reach the scheduler and are
 * acknowledged by uuid; a crashing executor is reported TASK_FAILED; sandbox files are served.
 */
import fs from 'node:fs';
import path from 'node:path';
import { startMesosLocal, type MesosLocal } from '../../../mesos-local';
import { createLogger } from '../../../common';
import http from 'node:http';
import { CONTENT_TYPE_PROTOBUF, decode, encode, RecordIODecoder, type ExecutorEvent, type Offer, type SchedulerEvent, type TaskInfo } from '../../../mesos-proto';
import { until } from '../../support/kit';
import { rawRequest, TestScheduler } from '../../support/mesos-test-scheduler';

const EXECUTOR = path.join(__dirname, '..', '..', 'support', 'tiny-executor.js');
const quiet = createLogger('test', { destination: fs.createWriteStream('/dev/null') });

function taskOn(offer: Offer, id: string, env: Record<string, string> = {}): TaskInfo {
  return {
    name: id, task_id: { value: id }, agent_id: offer.agent_id,
    resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 0.1 } }, { name: 'mem', type: 'SCALAR', scalar: { value: 32 } }],
    executor: {
      type: 'CUSTOM', executor_id: { value: `exec-${id}` }, name: 'tiny',
      command: { value: `exec node ${EXECUTOR}`, environment: { variables: Object.entries(env).map(([name, value]) => ({ name, value })) } },
    },
  };
}

async function launch(scheduler: TestScheduler, task: (offer: Offer) => TaskInfo): Promise<Offer> {
  const event = await scheduler.takeOffers();
  const offer = event.offers!.offers![0];
  const res = await scheduler.call({ type: 'ACCEPT', accept: { offer_ids: [offer.id], operations: [{ type: 'LAUNCH', launch: { task_infos: [task(offer)] } }] } });
  expect(res.status).toBe(202);
  return offer;
}

describe('mesos-local process containerizer with a custom executor', () => {
  let local: MesosLocal;
  let scheduler: TestScheduler;

  beforeEach(async () => {
    local = await startMesosLocal({ port: 0, agents: 2, allocationIntervalMs: 50, log: quiet, statusUpdateRetryMs: 300 });
    scheduler = await TestScheduler.subscribe(local.masterUrl);
  });

  afterEach(async () => {
    scheduler.close();
    await local.stop();
  });

  it('delivers LAUNCH and KILL to the executor and relays its updates until acknowledged by uuid', async () => {
    await launch(scheduler, (offer) => taskOn(offer, 'task-1'));
    const running = await scheduler.waitForUpdate('task-1', 'TASK_RUNNING');
    const status = running.update!.status;
    expect(status.source).toBe('SOURCE_EXECUTOR');
    expect(status.uuid).toBeDefined();
    expect(status.executor_id?.value).toBe('exec-task-1');
    expect(status.container_status?.container_id?.value).toMatch(/-c\d+-/);
    expect(status.container_status?.executor_pid).toBe(local.pids()[0]);

    // Unacknowledged, the agent re-sends the very same update (same uuid).
    const again = await scheduler.next((e) => e.type === 'UPDATE' && e.update!.status.uuid === status.uuid, 10_000, 'retry');
    expect(again.update!.status.state).toBe('TASK_RUNNING');
    expect((await scheduler.acknowledge(running)).status).toBe(202);

    expect((await scheduler.call({ type: 'KILL', kill: { task_id: { value: 'task-1' } } })).status).toBe(202);
    const killed = await scheduler.waitForUpdate('task-1', 'TASK_KILLED');
    expect(killed.update!.status.message).toBe('killed on request');
    expect((await scheduler.acknowledge(killed)).status).toBe(202);
    const failure = await scheduler.waitFor((e) => e.type === 'FAILURE', 20_000, 'executor exit');
    expect(failure.failure!.executor_id?.value).toBe('exec-task-1');
    expect(failure.failure!.status).toBe(0);

    // The executor printed the events it got into its sandbox stdout, served by /files/read.
    const agent = local.agents.find((a) => a.id === status.agent_id!.value)!;
    const sandbox = path.join(agent.workDir, 'slaves', agent.id, 'frameworks', scheduler.frameworkId, 'executors', 'exec-task-1', 'runs', 'latest');
    const read = await rawRequest(`${agent.url}/files/read?path=${encodeURIComponent(path.join(sandbox, 'stdout'))}&offset=0`, { method: 'GET' });
    expect(read.status).toBe(200);
    const data = JSON.parse(read.body) as { data: string; offset: number };
    expect(data.data).toContain('event LAUNCH');
    expect(data.data).toContain('event KILL');
    const size = await rawRequest(`${agent.url}/files/read?path=${encodeURIComponent(path.join(sandbox, 'stdout'))}&offset=-1`, { method: 'GET' });
    expect(JSON.parse(size.body)).toEqual({ data: '', offset: Buffer.byteLength(data.data) });
    const outside = await rawRequest(`${agent.url}/files/read?path=${encodeURIComponent('/etc/passwd')}`, { method: 'GET' });
    expect(outside.status).toBe(404);
    // /files/download sends the whole file as an attachment, and nothing outside the work directory.
    const whole = await rawRequest(`${agent.url}/files/download?path=${encodeURIComponent(path.join(sandbox, 'stdout'))}`, { method: 'GET' });
    expect(whole.status).toBe(200);
    expect(whole.body).toBe(data.data);
    expect(whole.headers['content-disposition']).toBe('attachment; filename=stdout');
    expect((await rawRequest(`${agent.url}/files/download?path=${encodeURIComponent('/etc/passwd')}`, { method: 'GET' })).status).toBe(404);
    // The finished executor stays in the agent's /state (completed) with its sandbox directory.
    const agentState = JSON.parse((await rawRequest(`${agent.url}/state`, { method: 'GET' })).body) as {
      completed_frameworks: { id: string; completed_executors: { id: string; directory: string; completed_tasks: { id: string; state: string }[] }[] }[];
    };
    const done = agentState.completed_frameworks.find((f) => f.id === scheduler.frameworkId)!.completed_executors[0];
    expect(done.id).toBe('exec-task-1');
    expect(fs.realpathSync(done.directory)).toBe(fs.realpathSync(sandbox));
    expect(done.completed_tasks).toEqual([expect.objectContaining({ id: 'task-1', state: 'TASK_KILLED' })]);
    const browse = await rawRequest(`${agent.url}/files/browse?path=${encodeURIComponent(sandbox)}`, { method: 'GET' });
    expect((JSON.parse(browse.body) as { path: string }[]).map((e) => path.basename(e.path)).sort()).toEqual(['stderr', 'stdout']);
  });

  it('gives the executor the MESOS_* environment and the command environment', async () => {
    await launch(scheduler, (offer) => ({
      ...taskOn(offer, 'env-task'),
      executor: {
        type: 'CUSTOM', executor_id: { value: 'env-exec' },
        command: { value: `env > env.txt; exec node ${EXECUTOR}`, environment: { variables: [{ name: 'EXTRA_VAR', value: 'extra' }] } },
      },
    }));
    const running = await scheduler.waitForUpdate('env-task', 'TASK_RUNNING');
    const agent = local.agents.find((a) => a.id === running.update!.status.agent_id!.value)!;
    const file = path.join(agent.workDir, 'slaves', agent.id, 'frameworks', scheduler.frameworkId, 'executors', 'env-exec', 'runs', 'latest', 'env.txt');
    const env = Object.fromEntries(fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    expect(env.MESOS_FRAMEWORK_ID).toBe(scheduler.frameworkId);
    expect(env.MESOS_EXECUTOR_ID).toBe('env-exec');
    expect(env.MESOS_SLAVE_ID).toBe(agent.id);
    expect(env.MESOS_AGENT_ENDPOINT).toBe(agent.endpoint);
    expect(env.MESOS_SLAVE_PID).toBe(`slave(1)@${agent.endpoint}`);
    expect(env.MESOS_CHECKPOINT).toBe('1');
    expect(env.MESOS_RECOVERY_TIMEOUT).toBe('15mins');
    expect(env.MESOS_SUBSCRIPTION_BACKOFF_MAX).toBe('2secs');
    expect(env.MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD).toBe('5secs');
    expect(fs.realpathSync(env.MESOS_SANDBOX)).toBe(fs.realpathSync(path.dirname(file)));
    expect(env.EXTRA_VAR).toBe('extra');
    expect(env.PATH).toBe(process.env.PATH);
  });

  it('reports TASK_FAILED with REASON_EXECUTOR_TERMINATED when the executor crashes without an update', async () => {
    await launch(scheduler, (offer) => taskOn(offer, 'crash-task', { TINY_EXECUTOR_CRASH: '1' }));
    const failed = await scheduler.waitForUpdate('crash-task', 'TASK_FAILED');
    const status = failed.update!.status;
    expect(status.reason).toBe('REASON_EXECUTOR_TERMINATED');
    expect(status.source).toBe('SOURCE_AGENT');
    expect(status.message).toBe('Executor terminated');
    const failure = await scheduler.waitFor((e: SchedulerEvent) => e.type === 'FAILURE');
    expect(failure.failure!.status).toBe(3 << 8);
    expect((await scheduler.acknowledge(failed)).status).toBe(202);
  });

  it('reports TASK_FAILED when an executor is killed by the killExecutor fault', async () => {
    await launch(scheduler, (offer) => taskOn(offer, 'victim'));
    const running = await scheduler.waitForUpdate('victim', 'TASK_RUNNING');
    await scheduler.acknowledge(running);
    const res = await rawRequest(`${local.masterUrl}/__griddle/executors/exec-victim/kill`);
    expect(res.status).toBe(200);
    const failed = await scheduler.waitForUpdate('victim', 'TASK_FAILED');
    expect(failed.update!.status.reason).toBe('REASON_EXECUTOR_TERMINATED');
    expect((await rawRequest(`${local.masterUrl}/__griddle/executors/no-such-executor/kill`)).status).toBe(404);
  });

  it('relays framework messages both ways and SHUTDOWN ends the executor', async () => {
    const offer = await launch(scheduler, (o) => taskOn(o, 'chatty'));
    await scheduler.acknowledge(await scheduler.waitForUpdate('chatty', 'TASK_RUNNING'));
    const res = await scheduler.call({ type: 'MESSAGE', message: { agent_id: offer.agent_id, executor_id: { value: 'exec-chatty' }, data: Buffer.from('ping').toString('base64') } });
    expect(res.status).toBe(202);
    const echo = await scheduler.waitFor((e) => e.type === 'MESSAGE');
    expect(echo.message!.executor_id.value).toBe('exec-chatty');
    expect(Buffer.from(echo.message!.data, 'base64').toString()).toBe('echo:ping');
    await scheduler.call({ type: 'SHUTDOWN', shutdown: { agent_id: offer.agent_id, executor_id: { value: 'exec-chatty' } } });
    // The executor exits on SHUTDOWN without a terminal update: the agent reports it.
    const failed = await scheduler.waitForUpdate('chatty', 'TASK_FAILED');
    expect(failed.update!.status.reason).toBe('REASON_EXECUTOR_TERMINATED');
    await scheduler.waitFor((e) => e.type === 'FAILURE');
  });

  it('answers the executor endpoint with Mesos status codes', async () => {
    // An executor that never subscribes: calls on its behalf are refused with 403.
    const offer = await launch(scheduler, (o) => ({
      ...taskOn(o, 'silent'), executor: { executor_id: { value: 'silent-exec' }, command: { value: 'sleep 60' } },
    }));
    const agent = local.agents.find((a) => a.id === offer.agent_id.value)!;
    const endpoint = `${agent.url}/api/v1/executor`;
    // The agent knows the executor once the launch has reached it (the ACCEPT's 202 comes first).
    const known = async (): Promise<boolean> => {
      const state = JSON.parse((await rawRequest(`${agent.url}/state`, { method: 'GET' })).body) as { frameworks: { executors: { id: string }[] }[] };
      return state.frameworks.some((f) => f.executors.some((e) => e.id === 'silent-exec'));
    };
    await until(known, 'the agent to know the executor', 10_000, { intervalMs: 25 });
    const post = (body: unknown, headers: Record<string, string> = { 'Content-Type': 'application/json' }) =>
      rawRequest(endpoint, { body: JSON.stringify(body), headers });
    const call = (executor: string, extra: Record<string, unknown>) => ({
      framework_id: { value: scheduler.frameworkId }, executor_id: { value: executor }, ...extra,
    });
    const status = { task_id: { value: 'silent' }, state: 'TASK_RUNNING', source: 'SOURCE_EXECUTOR', uuid: Buffer.from('0123456789abcdef').toString('base64') };
    const goodUuid = 'tQ8ZIlB7R3W8JexJ0lHtXA==';
    expect((await rawRequest(endpoint, { method: 'GET' })).status).toBe(405);
    expect((await post(call('silent-exec', { type: 'HEARTBEAT' }), {})).status).toBe(400);
    expect((await post(call('silent-exec', { type: 'HEARTBEAT' }), { 'Content-Type': 'text/plain' })).status).toBe(415);
    expect((await post(call('silent-exec', { type: 'UPDATE', update: { status } }))).body).toMatch(/Not a valid UUID/);
    expect((await post(call('silent-exec', { type: 'UPDATE', update: { status: { ...status, uuid: goodUuid, state: 'TASK_STAGING' } } }))).status).toBe(400);
    expect((await post(call('silent-exec', { type: 'HEARTBEAT' }))).status).toBe(202);
    expect((await post({ ...call('silent-exec', { type: 'MESSAGE', message: { data: '' } }), framework_id: { value: 'nope' } })).body).toBe('Framework cannot be found');
    expect((await post(call('nope', { type: 'MESSAGE', message: { data: '' } }))).body).toBe('Executor cannot be found');
    const forbidden = await post(call('silent-exec', { type: 'UPDATE', update: { status: { ...status, uuid: goodUuid } } }));
    expect(forbidden.status).toBe(403);
    expect(forbidden.body).toBe('Executor is not subscribed');
    const notAcceptable = await post(call('silent-exec', { type: 'SUBSCRIBE', subscribe: {} }), { 'Content-Type': 'application/json', Accept: 'text/html' });
    expect(notAcceptable.status).toBe(406);

    // Subscribing on its behalf in protobuf: SUBSCRIBED, then the queued LAUNCH.
    const events = await new Promise<ExecutorEvent[]>((resolve, reject) => {
      const got: ExecutorEvent[] = [];
      const decoder = new RecordIODecoder();
      const req = http.request(endpoint, { method: 'POST', headers: { 'Content-Type': CONTENT_TYPE_PROTOBUF, Accept: CONTENT_TYPE_PROTOBUF } }, (res) => {
        expect(res.statusCode).toBe(200);
        expect(res.headers['content-type']).toBe(CONTENT_TYPE_PROTOBUF);
        res.on('data', (chunk: Buffer) => {
          for (const r of decoder.push(chunk)) got.push(decode('mesos.v1.executor.Event', r, CONTENT_TYPE_PROTOBUF));
          if (got.length >= 2) {
            req.destroy();
            resolve(got);
          }
        });
      });
      req.on('error', reject);
      req.end(encode('mesos.v1.executor.Call', { framework_id: { value: scheduler.frameworkId }, executor_id: { value: 'silent-exec' }, type: 'SUBSCRIBE', subscribe: {} }, CONTENT_TYPE_PROTOBUF));
    });
    expect(events[0].type).toBe('SUBSCRIBED');
    expect(events[0].subscribed!.agent_info.id?.value).toBe(agent.id);
    expect(events[0].subscribed!.framework_info.id?.value).toBe(scheduler.frameworkId);
    expect(events[1]).toMatchObject({ type: 'LAUNCH', launch: { task: { task_id: { value: 'silent' } } } });
  });

  it('leaves no executor process behind after stop()', async () => {
    await launch(scheduler, (offer) => taskOn(offer, 'lingering'));
    await scheduler.waitForUpdate('lingering', 'TASK_RUNNING');
    const pids = local.pids();
    expect(pids.length).toBe(1);
    scheduler.close();
    await local.stop();
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
    local = await startMesosLocal({ port: 0, agents: 1, log: quiet });
    scheduler = await TestScheduler.subscribe(local.masterUrl);
  });
});

describe('mesos-local agent restart', () => {
  it('a checkpointed executor resubscribes to the restarted agent and keeps its task', async () => {
    const local = await startMesosLocal({ port: 0, agents: 1, allocationIntervalMs: 50, log: quiet, statusUpdateRetryMs: 300 });
    const scheduler = await TestScheduler.subscribe(local.masterUrl);
    try {
      const offer = await launch(scheduler, (o) => taskOn(o, 'survivor'));
      await scheduler.acknowledge(await scheduler.waitForUpdate('survivor', 'TASK_RUNNING'));
      const [pid] = local.pids();
      expect((await rawRequest(`${local.masterUrl}/__griddle/agents/${offer.agent_id.value}/stop`)).status).toBe(200);
      await expect(rawRequest(`${local.agents[0].url}/health`, { method: 'GET' })).rejects.toThrow(/ECONNREFUSED/);
      await new Promise((r) => setTimeout(r, 500));
      expect((await rawRequest(`${local.masterUrl}/__griddle/agents/${offer.agent_id.value}/start`)).status).toBe(200);
      // Same process, resubscribed (its stdout shows a second SUBSCRIBED): a KILL reaches it
      // and its TASK_KILLED comes back.
      const agent = local.agents[0];
      const stdout = path.join(agent.workDir, 'slaves', agent.id, 'frameworks', scheduler.frameworkId, 'executors', 'exec-survivor', 'runs', 'latest', 'stdout');
      await until(() => (fs.readFileSync(stdout, 'utf8').match(/event SUBSCRIBED/g) ?? []).length >= 2, 'a second SUBSCRIBED', 10_000, { intervalMs: 50 });
      expect((fs.readFileSync(stdout, 'utf8').match(/event SUBSCRIBED/g) ?? []).length).toBe(2);
      expect(local.pids()).toEqual([pid]);
      const since = scheduler.mark();
      await scheduler.call({ type: 'KILL', kill: { task_id: { value: 'survivor' } } });
      const killed = await scheduler.waitFor((e) => e.type === 'UPDATE' && e.update!.status.state === 'TASK_KILLED', 20_000, 'killed', since);
      expect(killed.update!.status.message).toBe('killed on request');
      await scheduler.acknowledge(killed);
    } finally {
      scheduler.close();
      await local.stop();
    }
  });
});
