/** What the mesos-local scheduler API tests share: a fresh 2-agent mesos-local per test and frameworks subscribed to it. */
import fs from 'node:fs';
import { createLogger } from '../../../common';
import { startMesosLocal, type MesosLocal } from '../../../mesos-local';
import { CONTENT_TYPE_JSON, type Offer, type TaskInfo } from '../../../mesos-proto';
import { until } from '../../support/kit';
import { rawRequest, TestScheduler } from '../../support/mesos-test-scheduler';

export const quiet = createLogger('test', { destination: fs.createWriteStream('/dev/null') });
export const json = { 'Content-Type': CONTENT_TYPE_JSON };

export function commandTask(offer: Offer, id: string, cpus = 0.1, extra: Partial<TaskInfo> = {}): TaskInfo {
  return {
    name: id, task_id: { value: id }, agent_id: offer.agent_id,
    resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: cpus } }],
    command: { value: 'sleep 30' }, ...extra,
  };
}

export interface StateJson { frameworks: { id: string; connected: boolean }[]; completed_frameworks: { id: string; tasks: unknown[]; completed_tasks: { state: string }[] }[] }

/** Polls /master/state until `ok` holds. */
export async function stateUntil(masterUrl: string, ok: (state: StateJson) => boolean): Promise<StateJson> {
  return until(async () => {
    const state = JSON.parse((await rawRequest(`${masterUrl}/master/state`, { method: 'GET' })).body) as StateJson;
    return ok(state) ? state : undefined;
  }, 'the master state to reach the expected shape', 30_000, { intervalMs: 50 });
}

/** The master's allocation cycles so far (`/metrics/snapshot`, as Mesos names it). */
export async function allocationRuns(masterUrl: string): Promise<number> {
  const snapshot = JSON.parse((await rawRequest(`${masterUrl}/metrics/snapshot`, { method: 'GET' })).body) as Record<string, number>;
  return snapshot['allocator/mesos/allocation_runs'];
}

export interface MesosLocalFixture {
  /** The mesos-local of the running test. */
  local: MesosLocal;
  /** Subscribes a framework (closed after the test) and waits for SUBSCRIBED or ERROR. */
  subscribe(options?: Parameters<typeof TestScheduler.subscribe>[1]): Promise<TestScheduler>;
  /** The master's scheduler endpoint. */
  url(): string;
}

/** Registers beforeEach/afterEach that start and stop a mesos-local for every test. */
export function useMesosLocal(): MesosLocalFixture {
  const open: TestScheduler[] = [];
  const fixture: MesosLocalFixture = {
    local: undefined as unknown as MesosLocal,
    async subscribe(options = {}) {
      const s = await TestScheduler.subscribe(fixture.local.masterUrl, options);
      open.push(s);
      await s.waitFor((e) => e.type === 'SUBSCRIBED' || e.type === 'ERROR');
      return s;
    },
    url: () => `${fixture.local.masterUrl}/api/v1/scheduler`,
  };
  beforeEach(async () => {
    fixture.local = await startMesosLocal({ port: 0, agents: 2, allocationIntervalMs: 50, containerizer: 'simulated', log: quiet, statusUpdateRetryMs: 200, agentPingTimeoutMs: 300 });
  });
  afterEach(async () => {
    for (const s of open.splice(0)) s.close();
    await fixture.local.stop();
  });
  return fixture;
}
