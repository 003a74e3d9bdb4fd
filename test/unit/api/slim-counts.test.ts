import { AgentOrder } from '../../../scheduler/api/agent-order';
import { AgentReservations } from '../../../scheduler/api/agent-reservations';
import { type AgentOffer, reservationOf } from '../../../scheduler/api/cluster-utilization';
import { DeployInstances } from '../../../scheduler/api/deploy-instances';
import { pendingCount, pendingTasks } from '../../../scheduler/api/pending-tasks';
import { provisioning, provisioningOf } from '../../../scheduler/api/resources/state-views';
import { TaskStateCounts } from '../../../scheduler/api/task-state-counts';
import { TaskMap } from '../../../scheduler/core';
import type { DesiredDeployment, RequestRecord, TaskRecord } from '../../../scheduler/model';
import type { TaskState } from '../../../mesos-proto';
import { walkedReserved, walkedStates } from '../../support/slim-walks';

/**
 * The slim overview's and agents list's counts, kept change by change, against the walks of
 * every task they replace (the code they replaced, kept here as the oracle), through random
 * launches, status updates, kills, removals and reloads; and by count, what a read after one
 * change visits.
 */

const STATES: TaskState[] = ['TASK_STAGING', 'TASK_STARTING', 'TASK_RUNNING', 'TASK_KILLING', 'TASK_UNREACHABLE', 'TASK_KILLED', 'TASK_LOST', 'TASK_FAILED'];
const CPUS = [0.1, 0.2, 0.25, 0.3, 1.5, 0.7];
const DECLARED = { cpus: 0.3, memoryMb: 96.5, diskMb: 10 };

/** A seeded generator: the same sequence on every run. */
function random(seed: number): (n: number) => number {
  let s = seed;
  return (n) => {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
    // The high bits: an LCG's low bits repeat with short periods.
    return Math.floor((s / 2_147_483_648) * n);
  };
}

function task(taskId: string, pick: (n: number) => number, agents = 6): TaskRecord {
  const withInfo = pick(3) > 0;
  return {
    taskId, requestId: `r${pick(4)}`, deployId: `d${pick(2)}`, instanceNo: 1 + pick(4), agentId: `a${pick(agents)}`, hostname: 'h',
    ports: [], startedAt: 0, updatedAt: 0, state: STATES[pick(STATES.length)]!, ...(pick(5) === 0 ? { killRequestedAt: 1 } : {}),
    ...(withInfo ? { taskInfo: { resources: [
      { name: 'cpus', type: 'SCALAR', scalar: { value: CPUS[pick(CPUS.length)] } },
      { name: 'mem', type: 'SCALAR', scalar: { value: 32 + pick(7) * 0.1 } },
    ] } } : {}),
  };
}

const reserve = (t: TaskRecord): AgentOffer => reservationOf(t, DECLARED);

interface Kept { map: TaskMap; states: TaskStateCounts; instances: DeployInstances; reserved: AgentReservations }

function kept(): Kept {
  const k: Kept = { map: new TaskMap(), states: new TaskStateCounts(), instances: new DeployInstances(), reserved: new AgentReservations(reserve) };
  k.map.watch({
    changed: (id, previous, next) => {
      k.states.change(id, previous, next);
      k.instances.change(previous, next);
      k.reserved.change(id, previous, next);
    },
    // As SlimCounts does: start afresh.
    cleared: () => {
      k.states = new TaskStateCounts();
      k.instances = new DeployInstances();
      k.reserved = new AgentReservations(reserve);
    },
  });
  return k;
}

const REQUESTS = new Map<string, RequestRecord>(['r0', 'r1', 'r2'].map((id) => [id, { request: { id, requestType: 'SERVICE' }, state: 'ACTIVE', createdAt: 0, updatedAt: 0 } as RequestRecord]));
const DESIRED: DesiredDeployment[] = [
  { requestId: 'r0', deployId: 'd0', instances: 3 }, { requestId: 'r1', deployId: 'd1', instances: 4 },
  { requestId: 'r2', deployId: 'd0', instances: 1 }, { requestId: 'r3', deployId: 'd1', instances: 2 }, { requestId: 'r0', deployId: 'd0', instances: 9 },
];

function walkedPending(tasks: Iterable<TaskRecord>): number {
  return pendingTasks({
    desired: DESIRED, tasks, requests: REQUESTS, deploy: () => undefined, rollout: () => undefined, openRuns: () => [], ended: () => [],
    crash: new Map(), launch: new Map(), pendingReasons: new Map(),
  }).length;
}

function expectSameAsWalk(k: Kept): void {
  expect(JSON.stringify(k.states.counts())).toBe(JSON.stringify(walkedStates(k.map.values())));
  const walked = walkedReserved(k.map.values(), reserve);
  for (const agent of ['a0', 'a1', 'a2', 'a3', 'a4', 'a5']) {
    // Bit for bit: the same additions in the same order.
    expect(k.reserved.of(agent)).toEqual(walked.get(agent) ?? { cpus: 0, memoryMb: 0, diskMb: 0, tasks: 0 });
  }
  expect(provisioningOf(DESIRED, (key) => k.instances.tasks(key))).toEqual(provisioning(DESIRED, k.map.values()));
  expect(pendingCount(DESIRED, REQUESTS, (key) => k.instances.instances(key))).toBe(walkedPending(k.map.values()));
}

describe('the slim counts equal a walk of every task after every change', () => {
  it.each([1, 2, 3])('random launches, status updates, kills and removals (seed %i)', (seed) => {
    const pick = random(seed);
    const k = kept();
    for (let step = 0; step < 1500; step++) {
      const id = `t${pick(120)}`;
      const current = k.map.get(id);
      const op = pick(10);
      if (op < 5 || !current) k.map.set(id, current ? { ...current, ...statusUpdate(pick) } : task(id, pick));
      else if (op < 6) k.map.set(id, { ...current, killRequestedAt: 5 });
      else if (op < 9) k.map.delete(id);
      else if (pick(40) === 0) k.map.clear();
      // Another record under the same id, on the same agent (the core never moves a task).
      else k.map.set(id, { ...task(id, pick), agentId: current.agentId });
      if (step % 7 === 0) expectSameAsWalk(k);
    }
    expectSameAsWalk(k);
  });

  it('a task set again on another agent counts on that agent only', () => {
    const k = kept();
    const pick = random(11);
    for (let i = 0; i < 20; i++) k.map.set(`t${i}`, { ...task(`t${i}`, pick), agentId: 'a0', state: 'TASK_RUNNING' });
    const moved = k.map.get('t3')!;
    k.map.set('t3', { ...moved, agentId: 'a1' });
    expect(k.reserved.of('a1')).toEqual({ ...reserve(moved), tasks: 1 });
    const walked = walkedReserved(k.map.values(), reserve).get('a0')!;
    // Only the order of additions on a1 may differ from a walk's: equal to rounding.
    expect(k.reserved.of('a0').tasks).toBe(19);
    expect(k.reserved.of('a0').cpus).toBeCloseTo(walked.cpus, 9);
    expect(k.reserved.of('a0').memoryMb).toBeCloseTo(walked.memoryMb, 9);
  });

  it('a reload (clear, then every task set again) is followed like any other change', () => {
    const pick = random(9);
    const k = kept();
    for (let i = 0; i < 50; i++) k.map.set(`t${i}`, task(`t${i}`, pick));
    expectSameAsWalk(k);
    const reloaded = [...k.map.values()].reverse();
    k.map.clear();
    expect(k.states.counts()).toEqual({});
    for (const t of reloaded) k.map.set(t.taskId, t);
    expectSameAsWalk(k);
  });

  it('keeps the order in which a walk first meets each state, as tasks come, change and go', () => {
    const k = kept();
    const base = { requestId: 'r0', deployId: 'd0', instanceNo: 1, agentId: 'a0', hostname: 'h', ports: [], startedAt: 0, updatedAt: 0 };
    k.map.set('t1', { ...base, taskId: 't1', state: 'TASK_RUNNING' });
    k.map.set('t2', { ...base, taskId: 't2', state: 'TASK_STAGING' });
    k.map.set('t3', { ...base, taskId: 't3', state: 'TASK_RUNNING' });
    expect(Object.keys(k.states.counts())).toEqual(['TASK_RUNNING', 'TASK_STAGING']);
    k.map.set('t1', { ...base, taskId: 't1', state: 'TASK_KILLING' });
    expect(Object.keys(k.states.counts())).toEqual(['TASK_KILLING', 'TASK_STAGING', 'TASK_RUNNING']);
    k.map.delete('t1');
    k.map.set('t1', { ...base, taskId: 't1', state: 'TASK_KILLING' });
    expect(JSON.stringify(k.states.counts())).toBe('{"TASK_STAGING":1,"TASK_RUNNING":1,"TASK_KILLING":1}');
  });
});

describe('a read after one change does not visit every task', () => {
  const TASKS = 1000;
  const AGENTS = 10;

  function loaded(): Kept {
    const pick = random(4);
    const k = kept();
    for (let i = 0; i < TASKS; i++) k.map.set(`t${i}`, { ...task(`t${i}`, pick), agentId: `a${i % AGENTS}`, state: 'TASK_RUNNING' });
    return k;
  }

  it('sums again only the changed task\'s agent', () => {
    const k = loaded();
    for (let a = 0; a < AGENTS; a++) k.reserved.of(`a${a}`);
    expect(k.reserved.visited).toBe(TASKS);
    const before = k.reserved.visited;
    k.map.set('t7', { ...k.map.get('t7')!, state: 'TASK_KILLED' });
    for (let a = 0; a < AGENTS; a++) k.reserved.of(`a${a}`);
    expect(k.reserved.visited - before).toBe(TASKS / AGENTS);
    // Nothing changed since: nothing is summed again.
    for (let a = 0; a < AGENTS; a++) k.reserved.of(`a${a}`);
    expect(k.reserved.visited - before).toBe(TASKS / AGENTS);
  });

  it('counts states by looking at a few heap entries, not at every task', () => {
    const k = loaded();
    k.states.counts();
    const before = k.states.visited;
    k.map.set('t0', { ...k.map.get('t0')!, state: 'TASK_KILLING' });
    k.map.set('t500', { ...k.map.get('t500')!, state: 'TASK_STAGING' });
    expect(k.states.counts()).toEqual({ TASK_KILLING: 1, TASK_RUNNING: TASKS - 2, TASK_STAGING: 1 });
    // One look per state, and one stale entry (t0's RUNNING) dropped.
    expect(k.states.visited - before).toBeLessThanOrEqual(4);
  });

  it('keeps its heaps bounded while tasks churn through the states', () => {
    const k = loaded();
    const pick = random(5);
    for (let i = 0; i < 20_000; i++) {
      const id = `t${pick(TASKS)}`;
      k.map.set(id, { ...k.map.get(id)!, state: STATES[pick(5)]! });
    }
    expect(k.states.heapEntries).toBeLessThanOrEqual(2 * TASKS + 64);
    expect(JSON.stringify(k.states.counts())).toBe(JSON.stringify(walkedStates(k.map.values())));
  });
});

describe('AgentOrder', () => {
  it('sorts by hostname then id, and sorts again only when an agent comes, goes or is renamed', () => {
    const order = new AgentOrder();
    const agents = new Map([['b', { agentId: 'b', hostname: 'h2' }], ['a', { agentId: 'a', hostname: 'h2' }], ['c', { agentId: 'c', hostname: 'h1' }]]);
    expect(order.sorted(agents).map((a) => a.agentId)).toEqual(['c', 'a', 'b']);
    agents.set('a', { agentId: 'a', hostname: 'h2' });
    const again = order.sorted(agents);
    expect(again.map((a) => a.agentId)).toEqual(['c', 'a', 'b']);
    expect(again[1]).toBe(agents.get('a'));
    expect(order.sorts).toBe(1);
    agents.set('a', { agentId: 'a', hostname: 'h0' });
    expect(order.sorted(agents).map((a) => a.agentId)).toEqual(['a', 'c', 'b']);
    agents.delete('c');
    expect(order.sorted(agents).map((a) => a.agentId)).toEqual(['a', 'b']);
    expect(order.sorts).toBe(3);
  });
});

function statusUpdate(pick: (n: number) => number): Partial<TaskRecord> {
  return { state: STATES[pick(STATES.length)]!, healthy: pick(2) === 0, updatedAt: pick(1000) };
}
