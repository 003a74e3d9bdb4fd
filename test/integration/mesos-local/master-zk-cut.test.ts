/**
 * A leading master cut off from ZooKeeper (its connection dropped, every reconnect refused)
 * for longer than its session timeout: the server expires the session and the standby leads,
 * but the cut-off client never hears 'expired'. Like a Mesos master (its ZooKeeper group
 * forces the expiry after the session timeout), it must give up the leadership on its own,
 * or two masters would lead at once and frameworks left on the old one would never hear from
 * agents that followed the new one.
 */
import fs from 'node:fs';
import { createLogger } from '../../../common';
import { ZkLeaderElection } from '../../../mesos-local/leader-election';
import { masterInfo } from '../../../mesos-local/master-info';
import { ZkSession } from '../../../scheduler/state';
import { until } from '../../support/kit';
import { ZkProxy } from '../../support/zk-proxy';
import { removeTree, uniqueRoot, ZK_HOSTS } from '../../support/zookeeper';

const quiet = createLogger('test', { destination: fs.createWriteStream('/dev/null') });

/** The shared server grants at least 2 × its tickTime (Debian: 4 s). */
const SESSION_TIMEOUT_MS = 4000;

describe('mesos-local master election: a master cut off from ZooKeeper', () => {
  const root = uniqueRoot('master-zk-cut');
  let admin: ZkSession;
  let proxy: ZkProxy;
  const elections: ZkLeaderElection[] = [];

  beforeAll(async () => {
    admin = await ZkSession.connect(ZK_HOSTS);
    proxy = await ZkProxy.start(Number(ZK_HOSTS.split(':')[1]));
  });

  afterAll(async () => {
    await Promise.all(elections.map((e) => e.close()));
    await proxy.close();
    await removeTree(admin, root);
    admin.close();
  });

  it('stops leading once the session timeout has passed, and the standby leads', async () => {
    let expired = 0;
    const cutOff = await ZkLeaderElection.start(`zk://127.0.0.1:${proxy.port}${root}/mesos`, masterInfo('cut-off', '127.0.0.1', '127.0.0.1', 5050), quiet, () => undefined, () => { expired++; }, SESSION_TIMEOUT_MS);
    elections.push(cutOff);
    const standby = await ZkLeaderElection.start(`zk://${ZK_HOSTS}${root}/mesos`, masterInfo('standby', '127.0.0.1', '127.0.0.1', 5051), quiet, () => undefined, undefined, SESSION_TIMEOUT_MS);
    elections.push(standby);
    expect(cutOff.isLeader()).toBe(true);
    expect(standby.isLeader()).toBe(false);

    proxy.cutOff();
    // The server expires the cut-off session and the standby's watch makes it the leader...
    await until(() => standby.isLeader() || undefined, 'the standby to lead', 30_000);
    // ...and the cut-off master, which cannot hear that, gives up on its own.
    await until(() => (!cutOff.isLeader() && expired === 1) || undefined, 'the cut-off master to leave the group', 30_000);
    expect(standby.isLeader()).toBe(true);
  }, 60_000);
});
