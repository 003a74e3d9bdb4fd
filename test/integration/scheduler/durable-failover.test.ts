import { startMesosLocal, type MesosLocal } from '../../../mesos-local';
import { ensureBuilt, until } from '../../support/kit';
import { quietLogger } from './cluster-harness';
import { PrivateZooKeeper } from './private-zookeeper';
import { SchedulerProcess } from './scheduler-process';

/**
 * The incident: a leader answered 200, was SIGKILLed, and the standby that took over (whose
 * ZooKeeper sessions had gone bad meanwhile) never heard of the write and did not lead. Here
 * ZooKeeper freezes (SIGSTOP) while the leader is asked to write: every session expires when it
 * thaws, the leader is killed, and the standby must lead on state that holds every 2xx.
 */
describe('failover keeps every acknowledged write (private ZooKeeper, short sessions)', () => {
  let zk: PrivateZooKeeper;
  let local: MesosLocal;
  const processes: SchedulerProcess[] = [];

  beforeAll(async () => {
    ensureBuilt();
    zk = await PrivateZooKeeper.start();
    local = await startMesosLocal({ port: 0, agents: 1, containerizer: 'simulated', allocationIntervalMs: 200, log: quietLogger('mesos-local') });
  }, 300_000);

  afterAll(async () => {
    zk.resume();
    await Promise.all(processes.map((p) => p.kill('SIGTERM')));
    await local.stop();
    await zk.destroy();
  });

  async function createRequest(url: string, id: string): Promise<number> {
    const res = await fetch(`${url}/api/requests`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id, requestType: 'SERVICE', instances: 1 }),
    });
    return res.status;
  }

  it('SIGKILLed leader: the standby leads, subscribes and knows every request answered 2xx', async () => {
    const args = ['--zk', `zk://${zk.hosts}/griddle`, '--master', local.masterUrl, '--zk-session-timeout', '2000'];
    const leader = await SchedulerProcess.start(args);
    processes.push(leader);
    await until(async () => (await leader.healthz())?.subscribed === true, 'the first leader to subscribe', 30_000);
    const standby = await SchedulerProcess.start(args);
    processes.push(standby);
    expect(await createRequest(leader.url, 'before')).toBe(200);

    zk.pause();
    // An answer now would be a 2xx for a write ZooKeeper cannot have stored; the store must
    // hold it until the session timeout and answer 503 (or the kill cuts it off).
    const during = createRequest(leader.url, 'during').catch(() => 0);
    const status = await Promise.race([during, new Promise<number>((r) => { setTimeout(() => r(-1), 3000).unref(); })]);
    await leader.kill('SIGKILL');
    zk.resume();

    await until(async () => {
      const h = await standby.healthz();
      return h?.role === 'leader' && h.subscribed;
    }, 'the standby to lead and subscribe', 60_000);
    const known = async (id: string): Promise<boolean> => (await fetch(`${standby.url}/api/requests/request/${id}`)).status === 200;
    expect(await known('before')).toBe(true);
    if (status >= 200 && status < 300) expect(await known('during')).toBe(true);
    // And the new leader writes durably on its fresh sessions.
    expect(await createRequest(standby.url, 'after')).toBe(200);
    expect(await known('after')).toBe(true);
  }, 180_000);
});
