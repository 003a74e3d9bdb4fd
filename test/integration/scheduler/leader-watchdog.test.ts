import { startMesosLocal, type MesosLocal } from '../../../mesos-local';
import { ZkSession } from '../../../scheduler/state';
import { freePort } from '../../support/free-port';
import { removeTree, uniqueRoot, ZK_HOSTS } from '../../support/zookeeper';
import { ensureBuilt } from './build-once';
import { quietLogger, until } from './cluster-harness';
import { SchedulerProcess } from './scheduler-process';

describe('a leader that cannot lead lets go', () => {
  const root = uniqueRoot('watchdog');
  let local: MesosLocal;
  let admin: ZkSession;
  const processes: SchedulerProcess[] = [];

  beforeAll(async () => {
    ensureBuilt();
    admin = await ZkSession.connect(ZK_HOSTS);
    local = await startMesosLocal({ port: 0, agents: 1, containerizer: 'simulated', allocationIntervalMs: 200, log: quietLogger('mesos-local') });
  }, 300_000);

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.kill('SIGTERM')));
    await local.stop();
    await removeTree(admin, root);
    admin.close();
  });

  it('resigns when not subscribed within the grace period, and a standby that can subscribe takes over', async () => {
    const zk = ['--zk', `zk://${ZK_HOSTS}${root}`, '--leader-grace', '2000'];
    // Nothing listens on this port: the first member wins the election but never subscribes.
    const stuck = await SchedulerProcess.start([...zk, '--master', `http://127.0.0.1:${await freePort()}`]);
    processes.push(stuck);
    await until(async () => (await stuck.healthz())?.role === 'leader', 30_000, 'the first member to be elected');
    const healthy = await SchedulerProcess.start([...zk, '--master', local.masterUrl]);
    processes.push(healthy);

    await until(async () => {
      const h = await healthy.healthz();
      return h?.role === 'leader' && h.subscribed;
    }, 60_000, 'the second member to lead and subscribe');
    // The first one rejoined behind it and stays a standby.
    await until(async () => {
      const h = await stuck.healthz();
      return h?.role === 'standby' && h.leader === healthy.url;
    }, 10_000, 'the first member to be a standby of the second');
    expect((await healthy.healthz())?.role).toBe('leader');
  }, 180_000);
});
