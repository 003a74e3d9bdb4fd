import type { DeployRecord, RequestRecord, TaskRecord } from '../../../scheduler/model';
import { PlannedDemands } from '../../../scheduler/core/launch-builder';

/** A cycle's planned launches as demands: one lookup per deploy, a demand per launch only when asked for. */
describe('PlannedDemands', () => {
  const state = {
    requests: new Map<string, RequestRecord>([['web', { request: { id: 'web', requestType: 'SERVICE', instances: 3, taskPriorityLevel: 0.5 }, state: 'ACTIVE', createdAt: 0, updatedAt: 0 }]]),
    deploys: new Map<string, DeployRecord>([['web/v1', { deploy: { requestId: 'web', id: 'v1', resources: { cpus: 0.5, memoryMb: 128, numPorts: 1 } }, createdAt: 0 }]]),
    tasks: new Map<string, TaskRecord>(),
  };

  it('groups launches by deploy, says why a deploy cannot be asked, and builds each launch its own key', () => {
    const launches = [
      { requestId: 'web', deployId: 'v1', instanceNo: 1 },
      { requestId: 'gone', deployId: 'v1', instanceNo: 1 },
      { requestId: 'web', deployId: 'v1', instanceNo: 3 },
    ];
    const asks = new PlannedDemands(state, launches, new Map([['web/v1', 3]]));
    expect(asks.count).toBe(2);
    expect(asks.groups).toEqual(['web/v1']);
    expect([...asks.reasons]).toEqual([['gone/v1', 'request gone not found']]);
    const demands = asks.all();
    expect(demands.map((d) => d.key)).toEqual(['web/v1/1', 'web/v1/3']);
    expect(demands[1]).toMatchObject({ group: 'web/v1', cpus: 0.5, memMb: 128, numPorts: 1, instances: 3, priority: 0.5 });
  });
});
