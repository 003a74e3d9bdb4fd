import { parseResources, type Offer, type TaskState } from '../../../mesos-proto';
import type { AgentPlacement, SingularityPriorityFreezeParent } from '../../../contract';
import { applyPriorityFreeze } from '../../../scheduler/core';
import type { RequestRecord, TaskRecord } from '../../../scheduler/model';
import { byPriority, matchOffers, type TaskDemand } from '../../../scheduler/placement';

const offer: Offer = {
  id: { value: 'o1' }, framework_id: { value: 'fw' }, agent_id: { value: 'a1' }, hostname: 'h1', resources: parseResources('cpus:2;mem:4096'), attributes: [],
};

const demand = (requestId: string, priority?: number): TaskDemand => ({
  key: `${requestId}/d1/1`, group: `${requestId}/d1`, requestId, deployId: 'd1', cpus: 2, memMb: 128, diskMb: 0, numPorts: 0, hostPorts: [],
  placement: 'OPTIMISTIC' as AgentPlacement, instances: 1, priority,
});

describe('priority ordering in placement', () => {
  it('orders by taskPriorityLevel, highest first, 0.3 when unset, stable among equals', () => {
    const order = byPriority([demand('low', 0.1), demand('none'), demand('high', 0.9), demand('also-none', 0.3)]);
    expect(order.map((d) => d.requestId)).toEqual(['high', 'none', 'also-none', 'low']);
  });

  it('when one offer fits one task, the higher-priority pending task gets it', () => {
    const result = matchOffers({ demands: [demand('batch', 0.2), demand('web', 0.8)], offers: [offer], loads: new Map(), knownAgents: 1 });
    expect(result.assignments.map((a) => a.demand.requestId)).toEqual(['web']);
    expect(result.unplaced.get('batch/d1')?.reason).toBe('no offer with 2 cpus');
  });
});

describe('priority freeze', () => {
  const request = (id: string, taskPriorityLevel?: number): [string, RequestRecord] =>
    [id, { request: { id, requestType: 'SERVICE', taskPriorityLevel }, state: 'ACTIVE', createdAt: 0, updatedAt: 0 }];
  const requests = new Map([request('low', 0.2), request('default'), request('high', 0.8)]);
  const task = (requestId: string, over: Partial<TaskRecord> = {}): TaskRecord => ({
    taskId: `${requestId}-t`, requestId, deployId: 'd1', instanceNo: 1, agentId: 'a1', hostname: 'h1', ports: [],
    startedAt: 1, updatedAt: 1, state: 'TASK_RUNNING' as TaskState, ...over,
  });
  const freeze = (killTasks: boolean): SingularityPriorityFreezeParent => ({ priorityFreeze: { minimumPriorityLevel: 0.5, killTasks, message: 'crunch' }, timestamp: 1 });
  const launches = ['low', 'default', 'high'].map((requestId) => ({ requestId, deployId: 'd1', instanceNo: 1 }));

  it('holds launches of requests below the level, with a reason', () => {
    const out = applyPriorityFreeze(launches, [], requests, freeze(false));
    expect(out.launches.map((l) => l.requestId)).toEqual(['high']);
    expect(out.held.get('low/d1')).toBe('priority freeze: taskPriorityLevel 0.2 < minimumPriorityLevel 0.5 (crunch)');
    expect(out.held.get('default/d1')).toContain('taskPriorityLevel 0.3');
    expect(out.kills).toEqual([]);
  });

  it('with killTasks, kills the live tasks below the level (not those already being killed)', () => {
    const tasks = [task('low'), task('high'), task('default', { killRequestedAt: 5 }), task('low', { taskId: 'ended', state: 'TASK_FINISHED' })];
    expect(applyPriorityFreeze([], tasks, requests, freeze(true)).kills.map((k) => k.taskId)).toEqual(['low-t']);
  });

  it('without a freeze, nothing changes', () => {
    expect(applyPriorityFreeze(launches, [task('low')], requests, null)).toEqual({ launches, held: new Map(), kills: [] });
  });
});
