import { parseResources, type Offer } from '../../../mesos-proto';
import { makeTaskId } from '../../../scheduler/core';
import { launchRecord } from '../../../scheduler/core/launch-builder';
import { saveUntilDurable } from '../../../scheduler/core/leadership';
import { StateRepository } from '../../../scheduler/core/state-repository';
import type { TaskRecord } from '../../../scheduler/model';
import { matchOffers, type TaskDemand } from '../../../scheduler/placement';
import { MemoryStateStore, RecordTooLargeError, type Collection } from '../../../scheduler/state';
import { webDeploy, webRequest } from '../../support/deploy-fixtures';
import { taskRecord } from '../../support/task-fixtures';

describe('launchRecord task ids', () => {
  it('moves the timestamp on until the id is free, also when now + 1 is taken', () => {
    const deploy = webDeploy();
    const offer: Offer = { id: { value: 'o1' }, framework_id: { value: 'fw' }, agent_id: { value: 'a1' }, hostname: 'host1', resources: parseResources('cpus:4;mem:4096;ports:[31000-31009]') };
    const demand: TaskDemand = { key: `prod-web/${deploy.id}/1`, group: `prod-web/${deploy.id}`, requestId: 'prod-web', deployId: deploy.id, cpus: 0.5, memMb: 128, diskMb: 0, numPorts: 2, hostPorts: [], placement: 'OPTIMISTIC', instances: 1 };
    const [assignment] = matchOffers({ demands: [demand], offers: [offer], loads: new Map(), knownAgents: 1 }).assignments;
    const taken = [1000, 1001].map((t) => makeTaskId('prod-web', deploy.id, t, 1, 'host1'));
    const state = {
      requests: new Map([['prod-web', { request: webRequest(1), state: 'ACTIVE' as const, createdAt: 0, updatedAt: 0 }]]),
      deploys: new Map([[`prod-web/${deploy.id}`, { deploy, createdAt: 0 }]]),
      tasks: new Map<string, TaskRecord>(taken.map((id) => [id, taskRecord(id)])),
    };
    const record = launchRecord(state, assignment, 1000, 'node executor.js') as TaskRecord;
    expect(record.taskId).toBe(makeTaskId('prod-web', deploy.id, 1002, 1, 'host1'));
  });
});

describe('StateRepository keeps memory and store in step', () => {
  class RefusingStore extends MemoryStateStore {
    override put(collection: Collection, id: string, value: unknown): void {
      if (id.startsWith('huge')) throw new RecordTooLargeError(`state: ${collection}/${id} is too large`);
      super.put(collection, id, value);
    }
  }

  it('a record the store refuses is not in memory either', async () => {
    const store = new RefusingStore();
    const repo = new StateRepository(store, 10, () => 0);
    expect(() => repo.putTask(taskRecord('huge-task'))).toThrow(RecordTooLargeError);
    expect(repo.tasks.has('huge-task')).toBe(false);
    const request = { request: { id: 'huge-request', requestType: 'SERVICE' as const }, state: 'ACTIVE' as const, createdAt: 0, updatedAt: 0 };
    expect(() => repo.putRequest(request)).toThrow(RecordTooLargeError);
    expect(repo.requests.has('huge-request')).toBe(false);
    repo.putTask(taskRecord('ok'));
    expect(repo.tasks.has('ok')).toBe(true);
    expect((await store.load('tasks')).has('ok')).toBe(true);
  });
});

describe('saveUntilDurable (the framework id after SUBSCRIBED)', () => {
  it('retries a failed flush with growing delays until it is durable, never rejecting', async () => {
    let calls = 0;
    const delays: number[] = [];
    const errors: string[] = [];
    const durable = await saveUntilDurable(
      async () => {
        calls++;
        if (calls < 3) throw new Error('ZooKeeper connection lost');
      },
      () => true,
      async (ms) => { delays.push(ms); },
      (err) => errors.push(err.message),
    );
    expect(durable).toBe(true);
    expect(calls).toBe(3);
    expect(delays).toEqual([1000, 2000]);
    expect(errors).toEqual(['ZooKeeper connection lost', 'ZooKeeper connection lost']);
  });

  it('gives up once the session is no longer current', async () => {
    let current = true;
    const durable = await saveUntilDurable(
      () => Promise.reject(new Error('down')),
      () => current,
      async () => { current = false; },
      () => {},
    );
    expect(durable).toBe(false);
  });
});
