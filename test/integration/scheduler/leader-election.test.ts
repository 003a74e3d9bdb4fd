import { LeaderElection } from '../../../scheduler/ha';
import { until } from '../../support/kit';
import { quietLogger } from './cluster-harness';
import { PrivateZooKeeper } from './private-zookeeper';

const log = quietLogger('test-election');

describe('LeaderElection against a ZooKeeper that restarts', () => {
  let zk: PrivateZooKeeper;
  const members: LeaderElection[] = [];

  beforeAll(async () => {
    zk = await PrivateZooKeeper.start();
  }, 90_000);

  afterAll(async () => {
    await Promise.all(members.map((m) => m.stop().catch(() => {})));
    await zk.destroy();
  });

  it('elects one leader, publishes its address, and never has two leaders across ZooKeeper restarts', async () => {
    let leaders = 0;
    let maxLeaders = 0;
    const transitions: string[] = [];
    for (const name of ['a', 'b', 'c']) {
      const m = new LeaderElection({ hosts: zk.hosts, root: '/griddle', apiUrl: `http://${name}:7099`, log, sessionTimeoutMs: 4000 });
      m.on('leader', (isLeader) => {
        leaders += isLeader ? 1 : -1;
        maxLeaders = Math.max(maxLeaders, leaders);
        transitions.push(`${name}:${isLeader}`);
      });
      members.push(m);
      await m.start();
    }
    await until(() => leaders === 1, 'a first leader', 20_000);
    expect(members[0].isLeader).toBe(true);
    expect(members[1].leader?.apiUrl).toBe('http://a:7099');

    // Short outage (sessions survive) and long outage (sessions may expire): twice each.
    for (const downMs of [1000, 7000, 500, 6000]) {
      await zk.restart(downMs);
      await until(() => leaders === 1, `a leader after a ${downMs} ms outage`, 60_000);
    }
    expect(maxLeaders).toBe(1);
    expect(members.filter((m) => m.isLeader)).toHaveLength(1);
    expect(transitions.length).toBeGreaterThan(1); // the leader did step down during outages

    // The leader leaving hands over to another member, whose address is then published.
    const leader = members.find((m) => m.isLeader)!;
    await leader.stop();
    members.splice(members.indexOf(leader), 1);
    await until(() => members.some((m) => m.isLeader), 'a new leader', 20_000);
    const next = members.find((m) => m.isLeader)!;
    const other = members.find((m) => m !== next)!;
    await until(() => other.leader?.apiUrl === next.leader?.apiUrl && next.leader !== null, 'the new leader address', 10_000);
    expect(maxLeaders).toBe(1);
  }, 240_000);
});
