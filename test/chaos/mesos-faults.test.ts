/**
 * Faults on the Mesos side while a 4-instance service rolls one instance per step: an agent
 * partitioned until the master gives up on it and then healed, an agent restarted (its
 * executors reconnect), the leading master killed (agents re-register with the newly elected
 * one, the framework re-subscribes through zk://). The request must converge to exactly its
 * instances, healthy; the deploy must succeed.
 */
import { chaosFile, faultRound } from './harness/suite';

describe('chaos: Mesos faults during rolling deploys', () => {
  const file = chaosFile('mesos');
  faultRound(file, 'agent partition and heal during a deploy', 'agent-partition');
  faultRound(file, 'agent restart with executor reconnect during a rollback', 'agent-restart', 'rollback');
  faultRound(file, 'master failover during a deploy', 'master-failover');
});
