/**
 * Faults on tasks while a 4-instance service rolls one instance per step: an old task's
 * executor SIGKILLed, an old task's container `docker kill`ed. The request must converge to
 * exactly its instances, healthy; no container may outlive its task; no acknowledged write may
 * be lost; the deploy must succeed.
 */
import { chaosFile, faultRound } from './harness/suite';

describe('chaos: task faults during rolling deploys', () => {
  const file = chaosFile('tasks');
  faultRound(file, 'executor SIGKILL during a deploy', 'executor-sigkill');
  faultRound(file, 'container docker kill during a rollback', 'container-kill', 'rollback');
});
