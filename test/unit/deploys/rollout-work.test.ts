import { EventEmitter } from 'node:events';
import { TaskMap, type SchedulerEvents } from '../../../scheduler/core';
import { DeployEngine } from '../../../scheduler/deploys';
import type { SchedulerPort } from '../../../scheduler/deploys/scheduler-port';
import type { DeployRecord, RequestRecord, TaskRecord } from '../../../scheduler/model';
import { MemoryStateStore } from '../../../scheduler/state';

/**
 * What one status update costs the deploy engine with 100 rollouts under way on 10,000 tasks:
 * one evaluation, of the tasks of that update's request. Counted, not timed. A fake scheduler
 * port holding the core's TaskMap and a fake clock.
 */
const T0 = 1_000_000;
const REQUESTS = 100;
const PER_REQUEST = 100;

function fakePort(): SchedulerPort {
  const port = {
    requests: new Map<string, RequestRecord>(), deploys: new Map<string, DeployRecord>(), tasks: new TaskMap(),
    pendingReasons: new Map<string, string>(), events: new EventEmitter<SchedulerEvents>(), isLeader: true, store: new MemoryStateStore(),
    putRequest(r: RequestRecord) { port.requests.set(r.request.id, r); },
    putDeploy(d: DeployRecord) { port.deploys.set(`${d.deploy.requestId}/${d.deploy.id}`, d); },
    deleteRequest(id: string) { port.requests.delete(id); },
    async killTask() {},
    setDesiredProvider() {},
    poke() {},
    mesosTaskInfo() { return undefined; },
  };
  return port as unknown as SchedulerPort;
}

function task(requestId: string, deployId: string, n: number): TaskRecord {
  return {
    taskId: `${requestId}-${deployId}-${n}`, requestId, deployId, instanceNo: n, agentId: `a${n}`, hostname: 'h', ports: [],
    startedAt: T0 - 10_000, updatedAt: T0, state: 'TASK_RUNNING', runningSince: T0 - 5000,
  };
}

function active(port: SchedulerPort, requestId: string, deployId: string): void {
  port.putDeploy({ deploy: { requestId, id: deployId, resources: { cpus: 0.1, memoryMb: 32 } }, createdAt: 0, result: { deployState: 'SUCCEEDED', deployFailures: [], timestamp: 0 } });
  port.putRequest({ request: { id: requestId, requestType: 'SERVICE', instances: PER_REQUEST }, state: 'ACTIVE', activeDeployId: deployId, createdAt: 0, updatedAt: 0 });
}

describe('a status update costs the rollout of its own request only', () => {
  it('one task event on 10,000 tasks with 100 rollouts: one evaluation of 100 tasks; launch progress none', () => {
    const port = fakePort();
    const engine = new DeployEngine(port, { now: () => T0, tickMs: 0 });
    for (let r = 0; r < REQUESTS; r++) {
      const id = `r${r}`;
      active(port, id, 'v1');
      for (let n = 1; n <= PER_REQUEST; n++) port.tasks.set(`${id}-v1-${n}`, task(id, 'v1', n));
    }
    engine.start();
    for (let r = 0; r < REQUESTS; r++) engine.submit({ deploy: { requestId: `r${r}`, id: 'v2', resources: { cpus: 0.1, memoryMb: 32 }, deployInstanceCountPerStep: 10 } });
    const before = { ...engine.rolloutWork };

    const changed = { ...port.tasks.get('r42-v1-7')!, healthy: true };
    port.tasks.set(changed.taskId, changed);
    port.events.emit('task', changed, undefined);

    expect(engine.rolloutWork.evaluations - before.evaluations).toBe(1);
    expect(engine.rolloutWork.tasksVisited - before.tasksVisited).toBe(PER_REQUEST);

    // A launch written and progressing tells the rollout nothing: no evaluation until it runs.
    const staging = { ...task('r42', 'v2', 1), state: 'TASK_STAGING' as const, runningSince: undefined };
    port.tasks.set(staging.taskId, staging);
    port.events.emit('task', staging, undefined);
    const starting = { ...staging, state: 'TASK_STARTING' as const };
    port.tasks.set(starting.taskId, starting);
    port.events.emit('task', starting, staging);
    expect(engine.rolloutWork.evaluations - before.evaluations).toBe(1);
    const running = { ...starting, state: 'TASK_RUNNING' as const };
    port.tasks.set(running.taskId, running);
    port.events.emit('task', running, starting);
    expect(engine.rolloutWork.evaluations - before.evaluations).toBe(2);
    expect(engine.rolloutWork.tasksVisited - before.tasksVisited).toBe(2 * PER_REQUEST + 1);
    engine.stop();
  });

  it('bounds a request that still has live tasks of another deploy, found from the per-deploy counts', () => {
    const port = fakePort();
    active(port, 'mixed', 'v2');
    active(port, 'steady', 'v2');
    port.tasks.set('m1', task('mixed', 'v1', 1));
    port.tasks.set('m2', task('mixed', 'v2', 2));
    port.tasks.set('s1', task('steady', 'v2', 1));
    port.tasks.set('s2', { ...task('steady', 'v1', 2), state: 'TASK_KILLED' });
    const engine = new DeployEngine(port, { now: () => T0, tickMs: 0 });
    const desired = new Map(engine.desired().map((d) => [d.requestId, d]));
    expect(desired.get('mixed')?.maxLiveTasks).toBeGreaterThan(0);
    expect(desired.get('steady')).not.toHaveProperty('maxLiveTasks');
  });
});
