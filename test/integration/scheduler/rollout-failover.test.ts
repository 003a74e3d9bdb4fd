import { isTerminalState } from '../../../mesos-proto';
import { Scheduler } from '../../../scheduler/core';
import { DeployEngine } from '../../../scheduler/deploys';
import type { TaskRecord } from '../../../scheduler/model';
import { MemoryStateStore } from '../../../scheduler/state';
import { startMesosLocal, type MesosLocal } from '../../../mesos-local';
import { quietLogger, serviceDeploy, serviceRequest } from './cluster-harness';
import { until } from '../../support/kit';

/**
 * A rollback in progress and a kill decided but not sent both carry over to a new leader on the
 * same store, and the request never has more than instances + step (4 + 1) live tasks.
 */
describe('a rollout and a pending kill resume on a new leader', () => {
  let local: MesosLocal;
  const store = new MemoryStateStore();
  const stops: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    local = await startMesosLocal({ port: 0, agents: 3, containerizer: 'simulated', allocationIntervalMs: 100, log: quietLogger('mesos-local') });
  });
  afterAll(async () => {
    for (const stop of stops.reverse()) await stop();
    await local.stop();
  });

  async function leader(name: string): Promise<{ s: Scheduler; engine: DeployEngine; maxLive: () => number }> {
    const s = new Scheduler({ store, master: local.masterUrl, log: quietLogger(name) });
    let max = 0;
    s.events.on('task', () => {
      max = Math.max(max, [...s.tasks.values()].filter((t) => t.requestId === 'web' && !isTerminalState(t.state)).length);
    });
    const engine = new DeployEngine(s, { tickMs: 100 });
    engine.start();
    await s.becomeLeader();
    stops.push(async () => { engine.stop(); await s.close(); });
    return { s, engine, maxLive: () => max };
  }

  const live = (s: Scheduler, deployId?: string): TaskRecord[] => [...s.tasks.values()]
    .filter((t) => t.requestId === 'web' && !isTerminalState(t.state) && (deployId === undefined || t.deployId === deployId));

  it('the new leader finishes the rollback within the bound and sends the pending kill', async () => {
    const a = await leader('leader-a');
    const slow = { deployInstanceCountPerStep: 1, considerHealthyAfterRunningForSeconds: 2 };
    a.s.putDeploy({ ...serviceDeploy('web', { id: 'd0', ...slow }), createdAt: 1, result: { deployState: 'SUCCEEDED', deployFailures: [], timestamp: 1 } });
    a.s.putDeploy(serviceDeploy('web', slow));
    a.s.putRequest(serviceRequest('web', 4));
    await until(() => live(a.s, 'd1').filter((t) => t.state === 'TASK_RUNNING').length === 4, '4 tasks of d1', 30_000);

    a.engine.rollback('web');
    await until(() => live(a.s, 'd0_rb1').length === 1, 'the first rollback task', 30_000);
    a.engine.stop();
    a.s.stepDown();
    // A kill decided (on record) but never sent, as if the leader died right after deciding it.
    const victim = live(a.s, 'd1').find((t) => t.killRequestedAt === undefined)!;
    store.put('tasks', victim.taskId, { ...victim, killRequestedAt: Date.now(), killReason: 'test: decided before the failover' });

    const b = await leader('leader-b');
    await until(() => b.engine.progressOf('web')?.deployId === 'd0_rb1', 'the rollback resumed', 10_000);
    await until(() => !b.s.tasks.has(victim.taskId), 'the pending kill carried out', 30_000);
    await until(() => b.s.deploys.get('web/d0_rb1')?.result?.deployState === 'SUCCEEDED', 'the rollback to succeed', 60_000);
    await until(() => live(b.s).length === 4, 'the old tasks retired', 30_000);
    expect(live(b.s, 'd0_rb1')).toHaveLength(4);
    expect(b.s.requests.get('web')?.activeDeployId).toBe('d0_rb1');
    expect(b.maxLive()).toBeLessThanOrEqual(5);
    expect(a.maxLive()).toBeLessThanOrEqual(5);
  }, 120_000);
});
