/**
 * Faults on the scheduler side while a 4-instance service rolls one instance per step: the
 * leader SIGKILLed, the leader cut off from ZooKeeper (not from Mesos), ZooKeeper restarted,
 * the leader's ZooKeeper session expired. The request must converge to exactly its instances,
 * healthy, never running more than instances + step tasks; every acknowledged write must
 * survive; the deploy must succeed.
 */
import { chaosFile, faultRound } from './harness/suite';

describe('chaos: scheduler and ZooKeeper faults during rolling deploys', () => {
  const file = chaosFile('sched');
  faultRound(file, 'leader SIGKILL during a deploy', 'leader-sigkill');
  faultRound(file, 'the leader cut off from ZooKeeper (not from Mesos) during a rollback', 'scheduler-zk-cut', 'rollback');
  faultRound(file, 'ZooKeeper restart during a deploy', 'zk-restart');
  faultRound(file, 'the leader\'s ZooKeeper session expired during a deploy', 'zk-session-expiry');
});
