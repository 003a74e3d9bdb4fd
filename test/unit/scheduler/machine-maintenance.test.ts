import { parseResources, type Offer, type TaskState } from '../../../mesos-proto';
import type { AgentPlacement, MachineState } from '../../../contract';
import { MachineBook, planReconcile, transitionProblem, type Replacement } from '../../../scheduler/core';
import type { DesiredDeployment, TaskRecord } from '../../../scheduler/model';
import { acceptsNewTasks, effectiveState, matchOffers, type TaskDemand } from '../../../scheduler/placement';
import { MemoryStateStore } from '../../../scheduler/state';

function offer(n: number): Offer {
  return {
    id: { value: `offer-${n}` }, framework_id: { value: 'fw' }, agent_id: { value: `agent-${n}` }, hostname: `host${n}`,
    resources: parseResources('cpus:4;mem:4096'), attributes: [],
  };
}

const demand = (n: number): TaskDemand => ({
  key: `r1/d1/${n}`, group: 'r1/d1', requestId: 'r1', deployId: 'd1', cpus: 1, memMb: 128, diskMb: 0, numPorts: 0, hostPorts: [],
  placement: 'OPTIMISTIC' as AgentPlacement, instances: 2,
});

describe('placement honours machine states', () => {
  it.each<[MachineState | undefined, boolean]>([
    [undefined, true], ['ACTIVE', true], ['FROZEN', false], ['STARTING_DECOMMISSION', false],
    ['DECOMMISSIONING', false], ['DECOMMISSIONED', false], ['DEAD', false], ['MISSING_ON_STARTUP', false],
  ])('%s takes new tasks: %s', (state, accepts) => {
    expect(acceptsNewTasks(state)).toBe(accepts);
    const agentStates = new Map<string, MachineState>(state ? [['agent-1', state]] : []);
    const result = matchOffers({ demands: [demand(1)], offers: [offer(1)], loads: new Map(), knownAgents: 1, agentStates });
    expect(result.assignments.length).toBe(accepts ? 1 : 0);
    if (!accepts) expect(result.unplaced.get('r1/d1')?.reason).toContain(`1 ${state}`);
  });

  it('places on the ACTIVE agent when another is frozen', () => {
    const result = matchOffers({
      demands: [demand(1), demand(2)], offers: [offer(1), offer(2)], loads: new Map(), knownAgents: 2,
      agentStates: new Map([['agent-1', 'FROZEN']]),
    });
    expect(result.assignments.map((a) => a.offer.agent_id.value)).toEqual(['agent-2', 'agent-2']);
  });

  it('a stricter rack state governs its agents', () => {
    expect(effectiveState('ACTIVE', 'FROZEN')).toBe('FROZEN');
    expect(effectiveState('FROZEN', 'DECOMMISSIONING')).toBe('DECOMMISSIONING');
    expect(effectiveState('DECOMMISSIONING', 'FROZEN')).toBe('DECOMMISSIONING');
    expect(effectiveState(undefined, undefined)).toBeUndefined();
  });
});

describe('machine state transitions (Singularity\'s rules)', () => {
  it.each<[MachineState, MachineState, string | null]>([
    ['ACTIVE', 'FROZEN', null], ['ACTIVE', 'ACTIVE', 'already'], ['ACTIVE', 'STARTING_DECOMMISSION', null],
    ['ACTIVE', 'DECOMMISSIONING', 'illegal'], ['FROZEN', 'DECOMMISSIONED', 'illegal'], ['DECOMMISSIONING', 'FROZEN', 'illegal'],
    ['DECOMMISSIONED', 'STARTING_DECOMMISSION', 'illegal'], ['DECOMMISSIONED', 'ACTIVE', null], ['FROZEN', 'ACTIVE', null],
  ])('%s → %s: %s', (from, to, problem) => {
    expect(transitionProblem(from, to)).toBe(problem);
  });

  it('keeps history, persists it and advances a decommission as the agent empties (fake clock)', async () => {
    let now = 1000;
    const store = new MemoryStateStore();
    const book = new MachineBook(store, () => now);
    book.observeAgent('a1', 'host1', 'r1');
    now = 2000;
    expect(book.change('agent', 'a1', 'STARTING_DECOMMISSION', { user: 'ops', message: 'disk' })).toBe('changed');
    const busy = [task('t1', 'a1')];
    now = 3000;
    book.advance((agentId) => busy.some((t) => t.agentId === agentId));
    expect(book.agents.get('a1')?.current.state).toBe('DECOMMISSIONING');
    now = 4000;
    book.advance(() => false);
    const a1 = book.agents.get('a1');
    expect(a1?.current).toMatchObject({ state: 'DECOMMISSIONED', timestamp: 4000 });
    expect(a1?.history.map((h) => [h.state, h.timestamp])).toEqual([
      ['DECOMMISSIONED', 4000], ['DECOMMISSIONING', 3000], ['STARTING_DECOMMISSION', 2000], ['ACTIVE', 1000],
    ]);
    const reloaded = new MachineBook(store, () => now);
    await reloaded.load();
    expect(reloaded.agents.get('a1')?.history).toHaveLength(4);
    expect(reloaded.racks.has('r1')).toBe(true);
  });

  it('a decommissioning rack holds its agents', () => {
    const book = new MachineBook(new MemoryStateStore(), () => 1);
    book.observeAgent('a1', 'host1', 'r1');
    book.observeAgent('a2', 'host2', 'r2');
    book.change('rack', 'r1', 'STARTING_DECOMMISSION');
    expect([...book.decommissioningAgents()]).toEqual(['a1']);
    expect(book.heldAgents()).toEqual(new Map([['a1', 'STARTING_DECOMMISSION']]));
  });
});

function task(id: string, agentId: string, over: Partial<TaskRecord> = {}): TaskRecord {
  return {
    taskId: id, requestId: 'r1', deployId: 'd1', instanceNo: 1, agentId, hostname: agentId, ports: [],
    startedAt: 1000, updatedAt: 1000, state: 'TASK_RUNNING' as TaskState, healthy: true, ...over,
  };
}

describe('decommission replacement in the reconcile plan', () => {
  const desired: DesiredDeployment[] = [{ requestId: 'r1', deployId: 'd1', instances: 3 }];
  const replacement: Replacement = { replaceOn: new Set(['old']), isHealthy: (t) => t.state === 'TASK_RUNNING' && t.healthy === true };
  const plan = (tasks: TaskRecord[]) => planReconcile({ desired, tasks, crash: new Map(), replacement, now: 10_000 });

  it('plans a replacement elsewhere for each task on the agent, with the same instance numbers, and kills nothing yet', () => {
    const p = plan([task('t1', 'old'), task('t2', 'old', { instanceNo: 2 }), task('t3', 'old', { instanceNo: 3 })]);
    expect(p.launches.map((l) => l.instanceNo)).toEqual([1, 2, 3]);
    expect(p.kills).toEqual([]);
  });

  it('retires one old task per healthy replacement, so 3 stay healthy throughout', () => {
    const old = [task('t1', 'old'), task('t2', 'old', { instanceNo: 2 }), task('t3', 'old', { instanceNo: 3 })];
    const starting = [task('n1', 'new', { healthy: undefined }), task('n2', 'new', { instanceNo: 2, state: 'TASK_STAGING' }), task('n3', 'new', { instanceNo: 3, healthy: true })];
    const p = plan([...old, ...starting]);
    expect(p.launches).toEqual([]);
    expect(p.kills).toHaveLength(1);
    expect(p.kills[0].reason).toContain('decommissioning');
    const done = plan([...old, ...starting.map((t) => ({ ...t, state: 'TASK_RUNNING' as TaskState, healthy: true }))]);
    expect(done.kills.map((k) => k.taskId).sort()).toEqual(['t1', 't2', 't3']);
  });

  it('retires unhealthy old tasks first and keeps healthy ones while they are needed', () => {
    const p = plan([task('t1', 'old', { healthy: false }), task('t2', 'old', { instanceNo: 2 }), task('n1', 'new'), task('n2', 'new', { instanceNo: 2 })]);
    expect(p.kills.map((k) => k.taskId)).toEqual(['t1']);
    expect(p.launches.map((l) => l.instanceNo)).toEqual([3]);
  });

  it('tasks on other agents are untouched', () => {
    const p = plan([task('t1', 'a1'), task('t2', 'a2', { instanceNo: 2 }), task('t3', 'a3', { instanceNo: 3 })]);
    expect(p).toMatchObject({ launches: [], kills: [] });
  });
});
