import { Scheduler } from '../../../scheduler/core';
import { MemoryStateStore } from '../../../scheduler/state';
import { quietLogger, serviceDeploy, serviceRequest } from './cluster-harness';
import { until } from '../../support/kit';

/**
 * A new leader continues the backoffs the previous one recorded: they live in the store, not
 * only in the memory of the instance that saw the failures. No Mesos master is reachable here,
 * so nothing is launched and the pending reasons show what the loop decided.
 */
describe('backoffs survive a change of leader', () => {
  const T0 = 1_700_000_000_000;

  it('a new Scheduler on the same store keeps an instance backing off and a deploy crash-looping', async () => {
    const store = new MemoryStateStore();
    store.put('requests', 'web', serviceRequest('web', 2));
    store.put('deploys', 'web/d1', serviceDeploy('web'));
    store.put('requests', 'api', serviceRequest('api', 1));
    store.put('deploys', 'api/d1', serviceDeploy('api'));
    // What the previous leader wrote: instance 2 of web failed to launch 3 times, api crashed 4 times.
    store.put('framework', 'backoff/web/d1', { launch: { 2: { failures: 3, nextLaunchAt: T0 + 4000, message: 'port is already allocated' } } });
    store.put('framework', 'backoff/api/d1', { crash: { failures: 4, nextLaunchAt: T0 + 12_000 } });

    let now = T0;
    const next = new Scheduler({ store, master: 'http://127.0.0.1:1', log: quietLogger('scheduler'), now: () => now });
    try {
      await next.becomeLeader();
      await until(() => next.pendingReasons.get('web/d1') !== undefined && next.pendingReasons.get('api/d1') !== undefined, 'pending reasons', 10_000);
      // Instance 1 is planned (and waits for a master); instance 2 keeps backing off.
      expect(next.pendingReasons.get('web/d1')).toBe('instance 2: backing off 4s after 3 launch failures: port is already allocated; not subscribed to a Mesos master yet');
      expect(next.pendingReasons.get('api/d1')).toBe('crash-loop backoff: next launch in 12 s');

      // Once due, the instance is planned again (and waits for a master like any launch).
      now = T0 + 4000;
      next.poke();
      await until(() => next.pendingReasons.get('web/d1') === 'not subscribed to a Mesos master yet', 'web due', 10_000);
      expect(next.pendingReasons.get('api/d1')).toBe('crash-loop backoff: next launch in 8 s');
    } finally {
      await next.close();
    }
  });
});
