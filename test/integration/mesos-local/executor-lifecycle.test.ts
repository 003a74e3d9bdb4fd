/**
 * A task whose custom executor is a tiny test-only script, run as a real process by the
 * process containerizer: LAUNCH and KILL reach it, its updates reach the scheduler and are
 * acknowledged by uuid; a crashing executor is reported TASK_FAILED; sandbox files are served.
 */
import fs from 'node:fs';
import path from 'node:path';
import { startMesosLocal, type MesosLocal } from '../../../mesos-local';
import { createLogger } from '../../../common/logger';
import type { Offer, SchedulerEvent, TaskInfo } from '../../../mesos-proto';
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
