/**
 * Two masters of one mesos-local sharing its agents, as real Mesos masters do: the agents
 * re-register with whichever master ZooKeeper elects, the new master learns their tasks (and
 * their frameworks, as recovered) from them, the framework re-subscribes with its id and its
 * tasks are still running. Also the partition timing: unreachable only after the ping timeout.
 *
 * And an agent's status update stream across the failover, as Mesos's task status update
 * manager keeps it: an update the framework has not acknowledged stays pending on the agent
 * (which already acknowledged it to its executor) and goes out again as soon as the agent is
 * registered with whichever master leads then, even when the agent was cut off or down while
 * the masters changed and the framework subscribed to the new master before it came back. The
 * retry timer is set far off (Mesos's doubles up to 10 minutes), so only the re-sending on
 * registration can deliver the update within the test.
 */
import fs from 'node:fs';
import { createLogger } from '../../../common';
import { startMesosLocal, type MesosLocal } from '../../../mesos-local';
import type { Offer, SchedulerEvent, TaskInfo } from '../../../mesos-proto';
import { ZkSession } from '../../../scheduler/state';
import { removeTree, uniqueRoot, ZK_HOSTS } from '../../support/zookeeper';
import { until } from '../../support/kit';
import { frameworkInfo, TestScheduler } from '../../support/mesos-test-scheduler';

const quiet = createLogger('test', { destination: fs.createWriteStream('/dev/null') });

interface StateJson {
  id: string;
  unreachable_slaves: number;
  frameworks: { id: string; connected: boolean; recovered: boolean; tasks: { id: string; state: string; statuses: { state: string }[] }[]; completed_tasks: { id: string; state: string }[] }[];
}

/** Polls through refused connections while a master restarts. */
const WAIT = { retryErrors: true, intervalMs: 50 } as const;

type Outage = 'partition' | 'restart';

/** /master/state through any master (a standby redirects to the leader). */
async function state(url: string): Promise<StateJson> {
  const res = await fetch(`${url}/master/state`);
  if (res.status !== 200) throw new Error(`status ${res.status}`);
  return await res.json() as StateJson;
}

function sleepTask(offer: Offer, id: string): TaskInfo {
  return { name: id, task_id: { value: id }, agent_id: offer.agent_id, resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 0.1 } }], command: { value: 'sleep 60' } };
}

async function launch(s: TestScheduler, id: string): Promise<Offer> {
  const offer = (await s.takeOffers()).offers!.offers![0];
  await s.call({ type: 'ACCEPT', accept: { offer_ids: [offer.id], operations: [{ type: 'LAUNCH', launch: { task_infos: [sleepTask(offer, id)] } }] } });
  await s.acknowledge(await s.waitForUpdate(id, 'TASK_STARTING'));
  await s.acknowledge(await s.waitForUpdate(id, 'TASK_RUNNING'));
  return offer;
}

describe('mesos-local with two masters sharing its agents', () => {
  const root = uniqueRoot('shared-agents');
  let admin: ZkSession;
  let local: MesosLocal | null = null;
  const open: TestScheduler[] = [];

  beforeAll(async () => {
    admin = await ZkSession.connect(ZK_HOSTS);
  });

  afterEach(async () => {
    for (const s of open.splice(0)) s.close();
    await local?.stop();
    local = null;
  });

  afterAll(async () => {
    await removeTree(admin, root);
    admin.close();
  });

  it('the agents re-register with the newly elected master and the tasks survive the failover', async () => {
    local = await startMesosLocal({ port: 0, agents: 2, masters: 2, zk: `zk://${ZK_HOSTS}${root}/mesos`, containerizer: 'simulated', allocationIntervalMs: 50, log: quiet });
    const [first, second] = local.masterUrls;
    const s = await TestScheduler.subscribe(first);
    open.push(s);
    await s.waitFor((e) => e.type === 'SUBSCRIBED');
    await launch(s, 't1');
    const before = await state(first);

    await local.killLeadingMaster();
    // The second master leads, knows t1 from the agent, and the framework as recovered.
    const after = await until(async () => {
      const st = await state(second);
      return st.id !== before.id && st.frameworks[0]?.tasks.length === 1 ? st : undefined;
    }, 'the new master to learn the task from its agent', 20_000, WAIT);
    expect(after.frameworks[0]).toMatchObject({ id: s.frameworkId, connected: false, recovered: true, tasks: [{ id: 't1', state: 'TASK_RUNNING' }] });
    // With the statuses the agent kept (a Mesos agent sends them): where health would be read.
    expect(after.frameworks[0].tasks[0].statuses.map((st) => st.state)).toContain('TASK_RUNNING');
    // The killed master came back as a standby on its port: it redirects to the leader.
    expect((await fetch(`${first}/master/state`, { redirect: 'manual' })).status).toBe(307);

    const again = await TestScheduler.subscribe(second, { info: frameworkInfo({ id: { value: s.frameworkId } }) });
    open.push(again);
    expect((await again.waitFor((e) => e.type === 'SUBSCRIBED')).subscribed!.framework_id.value).toBe(s.frameworkId);
    await again.call({ type: 'RECONCILE', reconcile: { tasks: [{ task_id: { value: 't1' } }] } });
    expect((await again.waitFor((e) => e.type === 'UPDATE' && e.update!.status.task_id.value === 't1')).update!.status.state).toBe('TASK_RUNNING');
    // And it can be killed through the new master (the agent follows it).
    await again.call({ type: 'KILL', kill: { task_id: { value: 't1' } } });
    await again.waitForUpdate('t1', 'TASK_KILLED');
  }, 60_000);

  it('a partitioned agent stays registered until the ping timeout, then its tasks are unreachable', async () => {
    local = await startMesosLocal({ port: 0, agents: 1, containerizer: 'simulated', allocationIntervalMs: 50, agentPingTimeoutMs: 1500, log: quiet });
    const s = await TestScheduler.subscribe(local.masterUrl);
    open.push(s);
    await s.waitFor((e) => e.type === 'SUBSCRIBED');
    const offer = await launch(s, 'p1');
    const partitionedAt = Date.now();
    local.partitionAgent(offer.agent_id.value);
    const unreachable = await s.waitForUpdate('p1', 'TASK_UNREACHABLE', 10_000);
    expect(Date.now() - partitionedAt).toBeGreaterThanOrEqual(1400);
    expect(unreachable.update!.status.reason).toBe('REASON_AGENT_REMOVED');
    local.healAgent(offer.agent_id.value);
    await until(async () => ((await state(local!.masterUrl)).unreachable_slaves === 0 ? true : undefined), 'the agent to re-register', 20_000, WAIT);
  }, 30_000);

  /** A task killed through the first master whose TASK_KILLED the framework does not acknowledge. */
  async function killedUnacknowledged(m: MesosLocal): Promise<{ scheduler: TestScheduler; killed: SchedulerEvent; agentId: string }> {
    const scheduler = await TestScheduler.subscribe(m.masterUrls[0]);
    open.push(scheduler);
    await scheduler.waitFor((e) => e.type === 'SUBSCRIBED');
    const offer = (await scheduler.takeOffers()).offers!.offers![0];
    await scheduler.call({ type: 'ACCEPT', accept: { offer_ids: [offer.id], operations: [{ type: 'LAUNCH', launch: { task_infos: [{
      name: 't1', task_id: { value: 't1' }, agent_id: offer.agent_id, resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 0.1 } }], command: { value: 'sleep 60' },
    }] } }] } });
    await scheduler.acknowledge(await scheduler.waitForUpdate('t1', 'TASK_STARTING'));
    await scheduler.acknowledge(await scheduler.waitForUpdate('t1', 'TASK_RUNNING'));
    await scheduler.call({ type: 'KILL', kill: { task_id: { value: 't1' } } });
    return { scheduler, killed: await scheduler.waitForUpdate('t1', 'TASK_KILLED'), agentId: offer.agent_id.value };
  }

  async function roundTrip(outage: Outage): Promise<void> {
    local = await startMesosLocal({
      port: 0, agents: 1, masters: 2, zk: `zk://${ZK_HOSTS}${root}/${outage}/mesos`, containerizer: 'simulated', allocationIntervalMs: 50,
      statusUpdateRetryMs: 600_000, agentPingTimeoutMs: 60_000, log: quiet,
    });
    const m = local;
    const { scheduler, killed, agentId } = await killedUnacknowledged(m);
    scheduler.close();

    if (outage === 'partition') m.partitionAgent(agentId);
    else await m.stopAgent(agentId);
    await m.killLeadingMaster();
    // The framework re-subscribes to the new master while the agent is still away from it.
    const again = await until(async () => {
      const s = await TestScheduler.subscribe(m.masterUrls[1], { info: frameworkInfo({ id: { value: scheduler.frameworkId } }) });
      open.push(s);
      if (s.status === 200) return s;
      s.close();
      return undefined;
    }, 'the second master to lead and take the framework', 20_000, WAIT);
    await again.waitFor((e) => e.type === 'SUBSCRIBED');
    const since = again.mark();

    if (outage === 'partition') m.healAgent(agentId);
    else await m.startAgent(agentId);
    const resent = await again.waitFor((e) => e.type === 'UPDATE' && e.update!.status.task_id.value === 't1', 20_000, 't1 re-sent by the agent', since);
    expect(resent.update!.status).toMatchObject({ state: 'TASK_KILLED', uuid: killed.update!.status.uuid, source: killed.update!.status.source });
    // The new master learnt the ended task from the agent and keeps it until the acknowledgement.
    const tasksOfT1 = async (): Promise<{ active: string[]; completed: string[] }> => {
      const fw = (await state(m.masterUrls[1])).frameworks[0];
      return { active: fw.tasks.filter((t) => t.id === 't1').map((t) => t.state), completed: fw.completed_tasks.filter((t) => t.id === 't1').map((t) => t.state) };
    };
    expect(await tasksOfT1()).toEqual({ active: ['TASK_KILLED'], completed: [] });

    // Acknowledged through the new master, the stream is done: the next re-registration sends
    // nothing of t1 (its re-sending is synchronous with the heal, so before the answer to a
    // RECONCILE asked after it).
    await again.acknowledge(resent);
    expect(await tasksOfT1()).toEqual({ active: [], completed: ['TASK_KILLED'] });
    const afterAck = again.mark();
    m.partitionAgent(agentId);
    m.healAgent(agentId);
    await again.call({ type: 'RECONCILE', reconcile: { tasks: [{ task_id: { value: 't1' } }] } });
    await again.waitFor((e) => e.type === 'UPDATE' && e.update!.status.reason === 'REASON_RECONCILIATION', 20_000, 'the reconciliation answer', afterAck);
    const t1Updates = again.events.slice(afterAck).filter((e) => e.type === 'UPDATE' && e.update!.status.uuid !== undefined);
    expect(t1Updates).toEqual([]);
  }

  it('a TASK_KILLED not yet acknowledged reaches the framework through the new master, from an agent partitioned during the failover, once healed', async () => {
    await roundTrip('partition');
  }, 60_000);

  it('the same from an agent that was down during the failover, once started again', async () => {
    await roundTrip('restart');
  }, 60_000);
});
