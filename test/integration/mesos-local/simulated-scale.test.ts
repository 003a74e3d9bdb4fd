/**
 * The simulated containerizer at a scale tests can afford: 200 agents, 2,000 tasks, every one
 * reaching TASK_RUNNING through acknowledged STARTING → RUNNING updates, offers batched into
 * few OFFERS events, and /master/state accounting for all of it.
 */
import fs from 'node:fs';
import { createLogger } from '../../../common';
import { startMesosLocal, type MesosLocal } from '../../../mesos-local';
import type { TaskInfo } from '../../../mesos-proto';
import { rawRequest, TestScheduler } from '../../support/mesos-test-scheduler';

const quiet = createLogger('test', { destination: fs.createWriteStream('/dev/null') });
const AGENTS = 200;
const PER_AGENT = 10;

describe('mesos-local simulated containerizer at scale', () => {
  let local: MesosLocal;
  let scheduler: TestScheduler;

  beforeAll(async () => {
    local = await startMesosLocal({ port: 0, agents: AGENTS, containerizer: 'simulated', allocationIntervalMs: 200, log: quiet });
    scheduler = await TestScheduler.subscribe(local.masterUrl);
    scheduler.autoAcknowledge = true;
  });

  afterAll(async () => {
    scheduler.close();
    await local.stop();
  });

  it(`brings ${AGENTS * PER_AGENT} tasks on ${AGENTS} agents to TASK_RUNNING`, async () => {
    const first = await scheduler.takeOffers();
    // Every agent's offer arrives in the first OFFERS event.
    expect(first.offers!.offers).toHaveLength(AGENTS);
    const running = new Set<string>();
    const allRunning = new Promise<void>((resolve) => {
      const poll = (): void => {
        for (const e of scheduler.events) {
          if (e.type === 'UPDATE' && e.update!.status.state === 'TASK_RUNNING') running.add(e.update!.status.task_id.value);
        }
        if (running.size >= AGENTS * PER_AGENT) resolve();
        else setTimeout(poll, 100);
      };
      poll();
    });
    const results = await Promise.all(first.offers!.offers!.map((offer) => {
      const tasks: TaskInfo[] = Array.from({ length: PER_AGENT }, (_, i) => ({
        name: 'scale', task_id: { value: `${offer.agent_id.value}-${i}` }, agent_id: offer.agent_id,
        resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 0.1 } }],
        executor: { executor_id: { value: `${offer.agent_id.value}-e${i}` }, command: { value: 'griddle-executor' } },
      }));
      return scheduler.call({ type: 'ACCEPT', accept: { offer_ids: [offer.id], operations: [{ type: 'LAUNCH', launch: { task_infos: tasks } }], filters: { refuse_seconds: 3600 } } });
    }));
    expect(results.every((r) => r.status === 202)).toBe(true);
    await allRunning;
    expect(running.size).toBe(AGENTS * PER_AGENT);
    expect(scheduler.events.filter((e) => e.type === 'UPDATE' && !['TASK_STARTING', 'TASK_RUNNING'].includes(e.update!.status.state))).toEqual([]);
    const state = JSON.parse((await rawRequest(`${local.masterUrl}/master/state`, { method: 'GET' })).body) as { frameworks: { tasks: { state: string }[] }[]; activated_slaves: number };
    expect(state.activated_slaves).toBe(AGENTS);
    expect(state.frameworks[0].tasks.filter((t) => t.state === 'TASK_RUNNING')).toHaveLength(AGENTS * PER_AGENT);
  });
});
