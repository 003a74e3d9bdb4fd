import { EventEmitter } from 'node:events';
import { isTerminalState } from '../../../mesos-proto';
import { planReconcile, type SchedulerEvents } from '../../../scheduler/core';
import { DeployEngine } from '../../../scheduler/deploys';
import type { SchedulerPort } from '../../../scheduler/deploys/scheduler-port';
import type { DeployRecord, RequestRecord, SingularityDeploy, TaskRecord } from '../../../scheduler/model';
import { MemoryStateStore } from '../../../scheduler/state';

/**
 * The bound of a rolling deploy: instances (4) + step (1) = 5 non-terminal tasks of the request
 * at any moment, counted over every deploy and state — also when a new leader picks the deploy
 * up from the records, and when a rollout is canceled and rolled back while its tasks are still
 * being killed. Pure: a fake scheduler port (plain maps) and a fake clock.
 */
const T0 = 1_000_000;
const BOUND = 5;

function fakePort(): SchedulerPort {
  const tasks = new Map<string, TaskRecord>();
  const port = {
    requests: new Map<string, RequestRecord>(), deploys: new Map<string, DeployRecord>(), tasks,
    pendingReasons: new Map<string, string>(), events: new EventEmitter<SchedulerEvents>(), isLeader: true, store: new MemoryStateStore(),
    putRequest(r: RequestRecord) { port.requests.set(r.request.id, r); },
    putDeploy(d: DeployRecord) { port.deploys.set(`${d.deploy.requestId}/${d.deploy.id}`, d); },
    deleteRequest(id: string) { port.requests.delete(id); },
    // Like the core: the kill is recorded on the task; the task stays alive until Mesos says it ended.
    async killTask(taskId: string, why: string) {
      const t = tasks.get(taskId);
      if (t && t.killRequestedAt === undefined) tasks.set(taskId, { ...t, killRequestedAt: T0, killReason: why });
    },
    setDesiredProvider() {},
    poke() {},
    mesosTaskInfo() { return undefined; },
  };
  return port as unknown as SchedulerPort;
}

const deploy = (id: string): SingularityDeploy => ({ requestId: 'web', id, resources: { cpus: 0.1, memoryMb: 32 }, deployInstanceCountPerStep: 1 });
let seq = 0;
function put(port: SchedulerPort, deployId: string, over: Partial<TaskRecord> = {}): TaskRecord {
  seq++;
  const t: TaskRecord = {
    taskId: `web-${deployId}-${seq}`, requestId: 'web', deployId, instanceNo: seq, agentId: `a${seq % 3}`, hostname: 'h',
    ports: [], startedAt: T0 - 10_000 + seq, updatedAt: T0, state: 'TASK_RUNNING', runningSince: T0 - 5000, healthy: true, ...over,
  };
  port.tasks.set(t.taskId, t);
  return t;
}

/** The records a leader leaves mid-step: step 1 of v2 done (1 new healthy, 1 old being killed), the rest old. */
function midStep(): { port: SchedulerPort; killing: TaskRecord; fresh: TaskRecord } {
  const port = fakePort();
  port.putDeploy({ deploy: deploy('v0'), createdAt: T0 - 90_000, result: { deployState: 'SUCCEEDED', deployFailures: [], timestamp: T0 - 80_000 } });
  port.putDeploy({ deploy: deploy('v1'), createdAt: T0 - 60_000, result: { deployState: 'SUCCEEDED', deployFailures: [], timestamp: T0 - 50_000 } });
  port.putDeploy({ deploy: deploy('v2'), createdAt: T0 - 20_000 });
  port.putRequest({ request: { id: 'web', requestType: 'SERVICE', instances: 4 }, state: 'ACTIVE', activeDeployId: 'v1', pendingDeployId: 'v2', createdAt: 0, updatedAt: 0 });
  const killing = put(port, 'v1', { killRequestedAt: T0 - 1000, killReason: 'deploy v2 step 1: replaced by a healthy new task' });
  put(port, 'v1');
  put(port, 'v1');
  put(port, 'v1');
  const fresh = put(port, 'v2');
  return { port, killing, fresh };
}

function liveAfterPlan(port: SchedulerPort, engine: DeployEngine): { live: number; launched: string[]; waiting: string | undefined } {
  const tasks = [...port.tasks.values()];
  const plan = planReconcile({ desired: engine.desired(), tasks, crash: new Map(), now: T0 });
  // The core records the kills it plans on the tasks (they stay alive until Mesos says they ended).
  for (const k of plan.kills) void port.killTask(k.taskId, k.reason);
  const live = tasks.filter((t) => !isTerminalState(t.state)).length + plan.launches.length;
  return { live, launched: plan.launches.map((l) => l.deployId), waiting: [...plan.waiting.values()].join(' | ') || undefined };
}

function end(port: SchedulerPort, task: TaskRecord): void {
  port.tasks.delete(task.taskId);
  port.events.emit('task', { ...task, state: 'TASK_KILLED' }, task);
}

describe('a rollout never has more than instances + step live tasks', () => {
  it('a new leader resuming mid-step waits for the retired task to end before the next step launches', () => {
    const { port, killing } = midStep();
    const engine = new DeployEngine(port, { now: () => T0, tickMs: 0 });
    engine.start();
    engine.tick();
    expect(engine.progressOf('web')?.step).toBe(2);

    const held = liveAfterPlan(port, engine);
    expect(held.live).toBeLessThanOrEqual(BOUND);
    expect(held.launched).toEqual([]);
    expect(held.waiting).toContain('at most 5 at once while rolling');

    end(port, killing);
    const next = liveAfterPlan(port, engine);
    expect(next.launched).toEqual(['v2']);
    expect(next.live).toBe(BOUND);
    engine.stop();
  });

  it('a cancel and a rollback while the canceled tasks are still being killed start nothing beyond the bound', () => {
    const { port, killing, fresh } = midStep();
    const engine = new DeployEngine(port, { now: () => T0, tickMs: 0 });
    engine.start();
    engine.cancel('web', 'v2');
    const canceled = liveAfterPlan(port, engine);
    expect(port.tasks.get(fresh.taskId)?.killRequestedAt).toBeDefined();
    expect(canceled.live).toBeLessThanOrEqual(BOUND);
    expect(canceled.launched).toEqual([]);

    const rollback = engine.rollback('web');
    expect(rollback.deploy.id).toBe('v0_rb1');
    const during = liveAfterPlan(port, engine);
    expect(during.live).toBeLessThanOrEqual(BOUND);
    expect(during.launched).toEqual([]);

    // As the killed tasks end, room opens one task at a time: the rollback's step first.
    end(port, killing);
    end(port, port.tasks.get(fresh.taskId)!);
    const after = liveAfterPlan(port, engine);
    expect(after.live).toBe(BOUND);
    expect(after.launched).toEqual(['v0_rb1', 'v1']);
    engine.stop();
  });
});
