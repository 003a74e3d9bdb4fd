/**
 * An agent's status update stream across a master failover, as Mesos's task status update
 * manager keeps it: an update the framework has not acknowledged stays pending on the agent
 * (the agent already acknowledged it to its executor), and goes out again as soon as the agent
 * is registered with whichever master leads then, even when the agent was cut off or down while
 * the masters changed and the framework had subscribed to the new master before it came back.
 * The retry timer is set far off (Mesos's doubles to 10 minutes), so only the re-sending on
 * registration can deliver the update within the test.
 */
import fs from 'node:fs';
import { createLogger } from '../../../common';
import { startMesosLocal, type MesosLocal } from '../../../mesos-local';
import type { SchedulerEvent } from '../../../mesos-proto';
import { ZkSession } from '../../../scheduler/state';
import { removeTree, uniqueRoot, ZK_HOSTS } from '../../support/zookeeper';
import { until } from '../../support/kit';
import { frameworkInfo, TestScheduler } from '../../support/mesos-test-scheduler';

const quiet = createLogger('test', { destination: fs.createWriteStream('/dev/null') });

/** Polls through refused connections while a master restarts. */
const WAIT = { retryErrors: true, intervalMs: 50 } as const;

type Outage = 'partition' | 'restart';

describe('mesos-local: a pending status update reaches the framework through a newly elected master', () => {
  const root = uniqueRoot('update-failover');
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

    // Acknowledged through the new master, the stream is done: the next re-registration sends
    // nothing of t1 (its re-sending is synchronous with the heal, so before the answer to a
    // RECONCILE asked after it).
    await again.acknowledge(resent);
    const afterAck = again.mark();
    m.partitionAgent(agentId);
    m.healAgent(agentId);
    await again.call({ type: 'RECONCILE', reconcile: { tasks: [{ task_id: { value: 't1' } }] } });
    await again.waitFor((e) => e.type === 'UPDATE' && e.update!.status.reason === 'REASON_RECONCILIATION', 20_000, 'the reconciliation answer', afterAck);
    const t1Updates = again.events.slice(afterAck).filter((e) => e.type === 'UPDATE' && e.update!.status.uuid !== undefined);
    expect(t1Updates).toEqual([]);
  }

  it('from an agent partitioned during the failover, once it is healed', async () => {
    await roundTrip('partition');
  }, 60_000);

  it('from an agent that was down during the failover, once it is started again', async () => {
    await roundTrip('restart');
  }, 60_000);
});
