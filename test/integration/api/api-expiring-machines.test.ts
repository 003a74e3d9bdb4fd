import { dueMachines } from '../../../scheduler/api/expiring-machines';
import { MemoryStateStore } from '../../../scheduler/state';
import { arr, call, startHarness, type Harness } from '../../support/api-harness';
import { until } from '../../support/kit';

/**
 * Expiring machine states on a fake clock: a freeze or decommission sent with `durationMillis`
 * goes back to `revertToState` (else the state before) when the time is up; the leader's tick
 * (every 20 ms) applies it, and a new leader finds the expiry in the store.
 */
const clock = { t: 5_000_000 };
const now = (): number => clock.t;
const stateOf = (h: Harness, id: string): string | undefined => h.scheduler.machines.agents.get(id)?.current.state;

describe('expiring machine states', () => {
  const store = new MemoryStateStore();
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ store, now, expiringTickMs: 20 });
    for (const id of ['m-frozen', 'm-decom']) h.scheduler.machines.observeAgent(id, `${id}.example`, 'rack-m', {});
  });
  afterAll(() => h.close());

  it('a freeze for a minute ends by itself, back to ACTIVE', async () => {
    expect((await call(h, 'POST', '/api/agents/agent/m-frozen/freeze', { message: 'a minute', durationMillis: 60_000 })).status).toBe(200);
    expect(stateOf(h, 'm-frozen')).toBe('FROZEN');
    expect(arr((await call(h, 'GET', '/api/agents/expiring')).json)).toEqual([expect.objectContaining({ machineId: 'm-frozen', revertToState: 'ACTIVE', startMillis: clock.t })]);
    clock.t += 60_000;
    await until(() => stateOf(h, 'm-frozen') === 'ACTIVE', 'the freeze to end', 5000);
    expect((await call(h, 'GET', '/api/agents/expiring')).json).toEqual([]);
    expect(h.scheduler.machines.agents.get('m-frozen')?.current.message).toMatch(/^expiring change .+ ended: back to ACTIVE$/);
  });

  it('decommission/update gives a decommission under way an expiry; a later change without duration ends it', async () => {
    expect((await call(h, 'POST', '/api/agents/agent/m-decom/decommission/update', { durationMillis: 1000 })).status).toBe(409);
    expect((await call(h, 'POST', '/api/agents/agent/m-decom/decommission', { message: 'swap' })).status).toBe(200);
    expect((await call(h, 'POST', '/api/agents/agent/m-decom/decommission/update', { durationMillis: 30_000, revertToState: 'ACTIVE' })).status).toBe(200);
    await h.scheduler.store.flush();
    expect([...(await store.load('expiring-machines')).keys()]).toEqual(['agent/m-decom']);
    expect((await call(h, 'POST', '/api/agents/agent/m-decom/activate', {})).status).toBe(200);
    expect((await call(h, 'GET', '/api/agents/expiring')).json).toEqual([]);
  });

  it('is due at start + durationMillis, oldest first', () => {
    const e = (id: string, startMillis: number, durationMillis?: number) => ({ kind: 'agent' as const, expiring: { machineId: id, startMillis, actionId: id, expiringAPIRequestObject: { durationMillis }, revertToState: 'ACTIVE' as const, killTasksOnDecommissionTimeout: false } });
    expect(dueMachines([e('b', 20, 10), e('a', 10, 20), e('c', 10, 21), e('never', 0)], 30).map((x) => x.expiring.machineId)).toEqual(['a', 'b']);
  });
});
