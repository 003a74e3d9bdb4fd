import { startMesosLocal, type MesosLocal } from '../../../mesos-local';
import { ZkSession, ZkStateStore } from '../../../scheduler/state';
import { ensureBuilt, freePort, until } from '../../support/kit';
import { quietLogger, serviceDeploy, serviceRequest } from './cluster-harness';
import { SchedulerProcess } from './scheduler-process';
import { removeTree, uniqueRoot, ZK_HOSTS } from '../../support/zookeeper';

type MasterTask = { id: string; state: string };
type MasterState = { frameworks: { id: string; tasks: MasterTask[]; completed_tasks: MasterTask[] }[] };

describe('leader failover between griddle-scheduler processes (ZooKeeper state and election)', () => {
  const root = uniqueRoot('failover');
  const watchdogRoot = uniqueRoot('watchdog');
  let local: MesosLocal;
  let admin: ZkSession;
  const processes: SchedulerProcess[] = [];

  beforeAll(async () => {
    ensureBuilt();
    admin = await ZkSession.connect(ZK_HOSTS);
    local = await startMesosLocal({ port: 0, agents: 3, containerizer: 'simulated', allocationIntervalMs: 200, log: quietLogger('mesos-local') });
    const store = await ZkStateStore.open(`zk://${ZK_HOSTS}${root}`);
    store.put('deploys', 'web/d1', serviceDeploy('web'));
    store.put('requests', 'web', serviceRequest('web', 5));
    await store.close();
  }, 300_000);

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.kill('SIGTERM')));
    await local.stop();
    await removeTree(admin, root);
    await removeTree(admin, watchdogRoot);
    admin.close();
  });

  async function masterState(): Promise<MasterState> {
    return await (await fetch(`${local.masterUrl}/master/state`)).json() as MasterState;
  }

  async function runningIds(): Promise<string[]> {
    return (await masterState()).frameworks.flatMap((f) => f.tasks).filter((t) => t.state === 'TASK_RUNNING').map((t) => t.id).sort();
  }

  it('a standby takes over within 10 s of kill -9, same framework id, nothing restarted or duplicated', async () => {
    const args = ['--zk', `zk://${ZK_HOSTS}${root}`, '--master', local.masterUrl];
    processes.push(await SchedulerProcess.start(args));
    await until(async () => (await processes[0].healthz())?.role === 'leader', 'the first leader', 30_000);
    processes.push(await SchedulerProcess.start(args));
    const [leader, standby] = processes;
    expect((await standby.healthz())?.role).toBe('standby');
    await until(async () => (await runningIds()).length === 5, '5 RUNNING tasks', 60_000);
    const frameworkId = (await leader.healthz())!.frameworkId;
    const before = await runningIds();

    await leader.kill('SIGKILL');
    const killedAt = Date.now();
    await until(async () => {
      const h = await standby.healthz();
      return h?.role === 'leader' && h.subscribed;
    }, 'the standby to lead and subscribe', 10_000);
    const tookOverMs = Date.now() - killedAt;
    expect(tookOverMs).toBeLessThanOrEqual(10_000);
    expect((await standby.healthz())!.frameworkId).toBe(frameworkId);

    // Reconciliation runs; afterwards the very same tasks run, none killed, none added.
    await new Promise((r) => setTimeout(r, 4000));
    expect(await runningIds()).toEqual(before);
    const state = await masterState();
    expect(state.frameworks.map((f) => f.id)).toEqual([frameworkId]);
    expect(state.frameworks.flatMap((f) => f.completed_tasks)).toEqual([]);
  }, 180_000);

  it('resigns when not subscribed within the grace period, and a standby that can subscribe takes over', async () => {
    const zk = ['--zk', `zk://${ZK_HOSTS}${watchdogRoot}`, '--leader-grace', '2000'];
    // Nothing listens on this port: the first member wins the election but never subscribes.
    const stuck = await SchedulerProcess.start([...zk, '--master', `http://127.0.0.1:${await freePort()}`]);
    processes.push(stuck);
    await until(async () => (await stuck.healthz())?.role === 'leader', 'the first member to be elected', 30_000, { retryErrors: true });
    const healthy = await SchedulerProcess.start([...zk, '--master', local.masterUrl]);
    processes.push(healthy);

    await until(async () => {
      const h = await healthy.healthz();
      return h?.role === 'leader' && h.subscribed;
    }, 'the second member to lead and subscribe', 60_000, { retryErrors: true });
    // The first one rejoined behind it and stays a standby.
    await until(async () => {
      const h = await stuck.healthz();
      return h?.role === 'standby' && h.leader === healthy.url;
    }, 'the first member to be a standby of the second', 10_000, { retryErrors: true });
    expect((await healthy.healthz())?.role).toBe('leader');
  }, 180_000);
});
