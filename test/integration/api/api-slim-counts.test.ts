import type { SlimAgent, SlimOverview, SlimUsed } from '../../../contract';
import type { Offer } from '../../../mesos-proto';
import { type AgentOffer, reservationOf } from '../../../scheduler/api/cluster-utilization';
import { provisioning } from '../../../scheduler/api/resources/state-views';
import { deployKey } from '../../../scheduler/core';
import type { TaskRecord } from '../../../scheduler/model';
import { walkedReserved, walkedStates } from '../../support/slim-walks';
import { call, demoDeploy, healthyOf, serviceRequest, startHarness, tasksOf, type Harness } from '../../support/api-harness';

/**
 * `/slim/overview` and `/slim/agents` answer from counts kept by the task map's changes: after
 * a launch, status updates, a kill, an agent's decommission and a request's delete, each answer
 * is byte for byte what a walk of every task builds (the code the counts replaced, kept here),
 * and building one walks the task map not once.
 */

let h: Harness;
const offered = new Map<string, AgentOffer>();

function offer(agentId: string, hostname: string, free: AgentOffer): void {
  const hit = h.scheduler.agents.get(agentId);
  h.scheduler.agents.set(agentId, { agentId, hostname, attributes: hit?.attributes ?? { rack: 'r1' }, lastOfferAt: Date.now() });
  offered.set(agentId, free);
  const o: Offer = {
    id: { value: `o-${agentId}` }, framework_id: { value: 'fw' }, agent_id: { value: agentId }, hostname,
    resources: [
      { name: 'cpus', type: 'SCALAR', scalar: { value: free.cpus } }, { name: 'mem', type: 'SCALAR', scalar: { value: free.memoryMb } },
      { name: 'disk', type: 'SCALAR', scalar: { value: free.diskMb } },
    ],
  };
  h.scheduler.events.emit('offers', [o]);
}

const round = (n: number): number => Math.round(n * 1000) / 1000;
const usedOf = (used: number, free: number): SlimUsed => ({ used: round(used), total: round(used + free) });

/** The agents list as a walk of every task builds it. */
function walkedAgents(): SlimAgent[] {
  const reserved = walkedReserved(h.scheduler.tasks.values(), (t) => reservationOf(t, h.scheduler.deploys.get(deployKey(t.requestId, t.deployId))?.deploy.resources));
  const rows: SlimAgent[] = [];
  for (const a of h.scheduler.agents.values()) {
    const used = reserved.get(a.agentId) ?? { cpus: 0, memoryMb: 0, diskMb: 0, tasks: 0 };
    const free = offered.get(a.agentId) ?? { cpus: 0, memoryMb: 0, diskMb: 0 };
    rows.push({
      agentId: a.agentId, hostname: a.hostname, attributes: a.attributes, lastOfferAt: a.lastOfferAt, tasks: used.tasks,
      resources: { cpus: usedOf(used.cpus, free.cpus), memoryMb: usedOf(used.memoryMb, free.memoryMb), diskMb: usedOf(used.diskMb, free.diskMb) },
    });
  }
  return rows.sort((a, b) => a.hostname.localeCompare(b.hostname) || a.agentId.localeCompare(b.agentId));
}

/** The overview as a walk of every task builds it. */
async function walkedOverview(): Promise<SlimOverview> {
  const agents = walkedAgents();
  const sum = (pick: (a: SlimAgent) => SlimUsed): SlimUsed =>
    usedOf(agents.reduce((acc, a) => acc + pick(a).used, 0), agents.reduce((acc, a) => acc + pick(a).total - pick(a).used, 0));
  const tasksByState = walkedStates(h.scheduler.tasks.values());
  const pending = await call(h, 'GET', '/api/tasks/scheduled/ids');
  return {
    isLeader: h.scheduler.isLeader,
    agents: agents.length,
    resources: { cpus: sum((a) => a.resources.cpus), memoryMb: sum((a) => a.resources.memoryMb), diskMb: sum((a) => a.resources.diskMb) },
    tasksByState,
    requests: [...h.scheduler.requests.values()].filter((r) => r.state !== 'DELETED').length,
    underProvisioned: provisioning(h.router.engine.desired(), h.scheduler.tasks.values()).under.length,
    pendingTasks: (pending.json as unknown[]).length,
    lastEventId: h.router.hub.lastId,
  };
}

/** Counts the walks of the task map while `fn` runs (every way of iterating a Map). */
function walksDuring(fn: () => void): number {
  const tasks = h.scheduler.tasks as Map<string, TaskRecord> & Record<string | symbol, unknown>;
  let walks = 0;
  const names: (string | symbol)[] = ['values', 'keys', 'entries', 'forEach', Symbol.iterator];
  for (const name of names) {
    const original = (Map.prototype as unknown as Record<string | symbol, (...args: unknown[]) => unknown>)[name]!;
    tasks[name] = (...args: unknown[]): unknown => {
      walks++;
      return original.apply(tasks, args);
    };
  }
  try {
    fn();
  } finally {
    for (const name of names) delete tasks[name];
  }
  return walks;
}

/** Each answer equals the walk's, with the simulation paused so that nothing changes in between. */
async function expectSameAsWalk(): Promise<void> {
  h.sim.stop();
  try {
    const agents = await call(h, 'GET', '/api/slim/agents');
    expect(agents.text).toBe(JSON.stringify(walkedAgents()));
    const expected = await walkedOverview();
    const overview = await call(h, 'GET', '/api/slim/overview');
    expect(overview.text).toBe(JSON.stringify({ ...expected, lastEventId: h.router.hub.lastId }));
    expect(walksDuring(() => h.router.slim.overview())).toBe(0);
    expect(walksDuring(() => h.router.slim.agents())).toBe(0);
  } finally {
    h.sim.start();
  }
}

const settled = (requestId: string, healthy: number) => h.sim.until(() => healthyOf(h, requestId, '1') === healthy
  && [...h.scheduler.tasks.values()].every((t) => t.requestId !== requestId || (t.state === 'TASK_RUNNING' && t.killRequestedAt === undefined)));

beforeAll(async () => {
  h = await startHarness();
  offer('agent-1', '127.0.0.1', { cpus: 3.7, memoryMb: 900.5, diskMb: 1000 });
  offer('agent-0', 'zz-host', { cpus: 1, memoryMb: 100, diskMb: 0 });
});
afterAll(async () => {
  await h.close();
});

describe('the slim overview and agents list after every kind of change', () => {
  it('after launches and their status updates', async () => {
    await expectSameAsWalk();
    for (const id of ['sc-a', 'sc-b']) {
      expect((await call(h, 'POST', '/api/requests', serviceRequest(id, 3))).status).toBe(200);
      expect((await call(h, 'POST', '/api/deploys', { deploy: demoDeploy(id, '1') })).status).toBe(200);
    }
    expect(await settled('sc-a', 3)).toBe(true);
    expect(await settled('sc-b', 3)).toBe(true);
    await expectSameAsWalk();
    // A status update and back (the simulation leaves a task's health alone once it runs).
    const a = tasksOf(h, 'sc-a')[0]!;
    h.scheduler.tasks.set(a.taskId, { ...a, healthy: false, state: 'TASK_STARTING', updatedAt: Date.now() });
    await expectSameAsWalk();
    h.scheduler.tasks.set(a.taskId, a);
    await expectSameAsWalk();
  });

  it('after a kill, while it lands and once it is replaced', async () => {
    const victim = tasksOf(h, 'sc-a')[1]!;
    expect((await call(h, 'DELETE', `/api/tasks/task/${encodeURIComponent(victim.taskId)}`, {})).status).toBe(200);
    await expectSameAsWalk();
    expect(await settled('sc-a', 3)).toBe(true);
    await expectSameAsWalk();
  });

  it('after an agent is decommissioned: its tasks killed, the agent gone from the offers', async () => {
    h.scheduler.machines.observeAgent('agent-1', '127.0.0.1', 'r1');
    expect((await call(h, 'POST', '/api/agents/agent/agent-1/decommission', {})).status).toBe(200);
    await expectSameAsWalk();
    for (const t of [...h.scheduler.tasks.values()].filter((x) => x.agentId === 'agent-1')) await h.scheduler.killTask(t.taskId, 'decommission');
    h.scheduler.agents.delete('agent-1');
    await expectSameAsWalk();
    expect(await settled('sc-b', 3)).toBe(true);
    await expectSameAsWalk();
  });

  it('after a request is deleted', async () => {
    expect((await call(h, 'DELETE', '/api/requests/request/sc-b', {})).status).toBe(200);
    await expectSameAsWalk();
    expect(await h.sim.until(() => tasksOf(h, 'sc-b').length === 0 && [...h.scheduler.tasks.values()].every((t) => t.requestId !== 'sc-b'))).toBe(true);
    await expectSameAsWalk();
  });
});
