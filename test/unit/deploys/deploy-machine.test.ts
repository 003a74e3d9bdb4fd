import type { TaskState } from '../../../mesos-proto';
import {
  type DeployDecision, type DeployProgress, evaluateDeploy, startDeploy, stepBudgetMs,
} from '../../../scheduler/deploys';
import type { SingularityDeploy, SingularityRequest } from '../../../contract';
import type { TaskRecord } from '../../../scheduler/model';

const T0 = 1_000_000;
const request = (instances = 3, extra: Partial<SingularityRequest> = {}): SingularityRequest => ({ id: 'web', requestType: 'SERVICE', instances, ...extra });
const deploy = (extra: Partial<SingularityDeploy> = {}): SingularityDeploy => ({
  requestId: 'web', id: 'v2', resources: { cpus: 0.1, memoryMb: 32, numPorts: 1 },
  containerInfo: { type: 'DOCKER', docker: { image: 'griddle/demo-http:2' } },
  healthcheck: { uri: '/health', portIndex: 0 }, ...extra,
});

let seq = 0;
function task(deployId: string, state: TaskState, extra: Partial<TaskRecord> = {}): TaskRecord {
  seq += 1;
  return {
    taskId: `web-${deployId}-${T0 + seq}-${seq}-127.0.0.1`, requestId: 'web', deployId, instanceNo: seq, agentId: 'a1',
    hostname: '127.0.0.1', ports: [31000 + seq], startedAt: T0 + seq, updatedAt: T0 + seq, state, ...extra,
  };
}
const healthy = (deployId: string) => task(deployId, 'TASK_RUNNING', { healthy: true });
const old3 = () => [healthy('v1'), healthy('v1'), healthy('v1')];

function start(req = request(), dep = deploy(), tasks: TaskRecord[] = old3()): DeployProgress {
  return startDeploy({ kind: 'deploy', request: req, deploy: dep, previousDeployId: 'v1', oldInstances: req.instances ?? 1, tasks, now: T0 });
}

describe('deploy machine: desired state while rolling', () => {
  it.each([
    // [instances, step size, expected new target, expected old]
    [3, undefined, 3, 3],
    [3, 1, 1, 3],
    [5, 2, 2, 5],
    [2, 10, 2, 2],
  ])('instances=%i step=%p starts %i new beside %i old', (instances, step, newTarget, old) => {
    const p = start(request(instances), deploy({ deployInstanceCountPerStep: step }));
    const d = evaluateDeploy(p, { request: request(instances), deploy: deploy({ deployInstanceCountPerStep: step }), tasks: old3(), now: T0 });
    expect(d.desired).toEqual([
      { requestId: 'web', deployId: 'v2', instances: newTarget },
      { requestId: 'web', deployId: 'v1', instances: old },
    ]);
    expect(d.result).toBeUndefined();
  });
});

describe('deploy machine: results', () => {
  const cases: { name: string; dep?: Partial<SingularityDeploy>; req?: Partial<SingularityRequest>; newTasks: () => TaskRecord[]; now?: number; state?: string; reasons?: string[] }[] = [
    { name: 'all new tasks healthy → SUCCEEDED', newTasks: () => [healthy('v2'), healthy('v2'), healthy('v2')], state: 'SUCCEEDED', reasons: [] },
    { name: 'running but not yet healthy → still pending', newTasks: () => [healthy('v2'), healthy('v2'), task('v2', 'TASK_RUNNING')], state: undefined },
    { name: 'health-check kill → FAILED / TASK_FAILED_HEALTH_CHECKS', newTasks: () => [healthy('v2'), task('v2', 'TASK_FAILED', { healthy: false, reason: 'REASON_TASK_HEALTH_CHECK_STATUS_UPDATED', message: 'health check failed: 3 consecutive failures' })], state: 'FAILED', reasons: ['TASK_FAILED_HEALTH_CHECKS'] },
    { name: 'health-check message alone is enough', newTasks: () => [task('v2', 'TASK_FAILED', { message: 'health check failed: connection refused' })], state: 'FAILED', reasons: ['TASK_FAILED_HEALTH_CHECKS'] },
    { name: 'container exits → FAILED / TASK_FAILED_ON_STARTUP', newTasks: () => [task('v2', 'TASK_FAILED', { message: 'exited with 1' })], state: 'FAILED', reasons: ['TASK_FAILED_ON_STARTUP'] },
    { name: 'a task lost with its agent is replaced, not a failure', newTasks: () => [task('v2', 'TASK_LOST'), healthy('v2')], state: undefined },
    { name: 'a task gone after reconciliation is replaced, not a failure', newTasks: () => [task('v2', 'TASK_GONE', { reason: 'REASON_RECONCILIATION' }), healthy('v2')], state: undefined },
    { name: 'a host port held by an orphan container is retried, not a failure', newTasks: () => [task('v2', 'TASK_FAILED', { reason: 'REASON_CONTAINER_LAUNCH_FAILED', message: '(HTTP code 500) server error - driver failed programming external connectivity on endpoint x: Bind for 0.0.0.0:20005 failed: port is already allocated' }), healthy('v2')], state: undefined },
    { name: 'any other launch failure → FAILED / TASK_FAILED_ON_STARTUP', newTasks: () => [task('v2', 'TASK_FAILED', { reason: 'REASON_CONTAINER_LAUNCH_FAILED', message: 'pull access denied for griddle/nope' })], state: 'FAILED', reasons: ['TASK_FAILED_ON_STARTUP'] },
    { name: 'TASK_ERROR → FAILED / TASK_FAILED_ON_STARTUP', newTasks: () => [task('v2', 'TASK_ERROR', { message: 'invalid task' })], state: 'FAILED', reasons: ['TASK_FAILED_ON_STARTUP'] },
    { name: 'a service that exits 0 → FAILED / TASK_FAILED_ON_STARTUP', newTasks: () => [task('v2', 'TASK_FINISHED')], state: 'FAILED', reasons: ['TASK_FAILED_ON_STARTUP'] },
    { name: 'a task Griddle killed is no failure', newTasks: () => [task('v2', 'TASK_KILLED', { killRequestedAt: T0 }), healthy('v2')], state: undefined },
    { name: 'staging past the budget → OVERDUE / TASK_NEVER_ENTERED_RUNNING', newTasks: () => [healthy('v2'), healthy('v2'), task('v2', 'TASK_STAGING')], now: T0 + 200_000, state: 'OVERDUE', reasons: ['TASK_NEVER_ENTERED_RUNNING'] },
    { name: 'never scheduled → OVERDUE / TASK_COULD_NOT_BE_SCHEDULED', newTasks: () => [healthy('v2'), healthy('v2')], now: T0 + 200_000, state: 'OVERDUE', reasons: ['TASK_COULD_NOT_BE_SCHEDULED'] },
    { name: 'running, never healthy → OVERDUE / TASK_FAILED_HEALTH_CHECKS', newTasks: () => [healthy('v2'), healthy('v2'), task('v2', 'TASK_RUNNING')], now: T0 + 200_000, state: 'OVERDUE', reasons: ['TASK_FAILED_HEALTH_CHECKS'] },
    { name: 'within the budget → still pending', newTasks: () => [task('v2', 'TASK_STAGING')], now: T0 + 100_000, state: undefined },
    { name: 'no health check: RUNNING is enough', dep: { healthcheck: undefined }, newTasks: () => [task('v2', 'TASK_RUNNING'), task('v2', 'TASK_RUNNING'), task('v2', 'TASK_RUNNING')], state: 'SUCCEEDED', reasons: [] },
    { name: 'skipHealthchecksOnDeploy: RUNNING is enough', dep: { skipHealthchecksOnDeploy: true }, newTasks: () => [task('v2', 'TASK_RUNNING'), task('v2', 'TASK_RUNNING'), task('v2', 'TASK_RUNNING')], state: 'SUCCEEDED', reasons: [] },
    { name: 'request.skipHealthchecks: RUNNING is enough', req: { skipHealthchecks: true }, newTasks: () => [task('v2', 'TASK_RUNNING'), task('v2', 'TASK_RUNNING'), task('v2', 'TASK_RUNNING')], state: 'SUCCEEDED', reasons: [] },
    { name: 'considerHealthyAfterRunningForSeconds not yet elapsed → pending', dep: { healthcheck: undefined, considerHealthyAfterRunningForSeconds: 30 }, newTasks: () => [task('v2', 'TASK_RUNNING'), task('v2', 'TASK_RUNNING'), task('v2', 'TASK_RUNNING')], state: undefined },
  ];
  it.each(cases)('$name', ({ dep, req, newTasks, now, state, reasons }) => {
    const r = request(3, req);
    const d = deploy(dep);
    const tasks = [...old3(), ...newTasks()];
    const decision = evaluateDeploy(start(r, d, tasks), { request: r, deploy: d, tasks, now: now ?? T0 + 1000 });
    expect(decision.result?.deployState).toBe(state);
    if (reasons) expect(decision.result?.deployFailures.map((f) => f.reason)).toEqual(reasons);
  });

  it('considerHealthyAfterRunningForSeconds counts from when RUNNING was first seen', () => {
    const d = deploy({ healthcheck: undefined, considerHealthyAfterRunningForSeconds: 30 });
    const tasks = [...old3(), task('v2', 'TASK_RUNNING'), task('v2', 'TASK_RUNNING'), task('v2', 'TASK_RUNNING')];
    const first = evaluateDeploy(start(request(), d, tasks), { request: request(), deploy: d, tasks, now: T0 + 1000 });
    expect(first.result).toBeUndefined();
    const later = evaluateDeploy(first.progress, { request: request(), deploy: d, tasks, now: T0 + 31_000 });
    expect(later.result?.deployState).toBe('SUCCEEDED');
  });
});

describe('deploy machine: time budget (Singularity formula)', () => {
  it.each([
    [{ healthcheck: undefined }, {}, 120_000],
    [{ healthcheck: undefined, deployHealthTimeoutSeconds: 10 }, {}, 10_000],
    [{}, {}, (120 + 45 + (5 + 5) * 1) * 1000],
    [{ deployHealthTimeoutSeconds: 30, healthcheck: { uri: '/h', startupTimeoutSeconds: 10, intervalSeconds: 2, responseTimeoutSeconds: 1, maxRetries: 3 } }, {}, (30 + 10 + 3 * 4) * 1000],
    [{ healthcheck: undefined, considerHealthyAfterRunningForSeconds: 15 }, {}, 135_000],
    [{}, { skipHealthchecks: true }, 120_000],
  ] as [Partial<SingularityDeploy>, Partial<SingularityRequest>, number][])('%j %j → %i ms', (dep, req, ms) => {
    expect(stepBudgetMs(deploy(dep), request(3, req))).toBe(ms);
  });
});

describe('deploy machine: steps keep healthy capacity at instances', () => {
  it('walks 3 instances one at a time, retiring one old task per healthy new one', () => {
    const r = request(3);
    const d = deploy({ deployInstanceCountPerStep: 1, deployStepWaitTimeMs: 5000 });
    const old = old3();
    let tasks = [...old];
    let p = start(r, d, tasks);
    let now = T0;
    const killed: string[] = [];
    const minHealthy: number[] = [];
    let result: DeployDecision['result'];
    const healthyCount = () => tasks.filter((t) => t.state === 'TASK_RUNNING' && t.healthy && t.killRequestedAt === undefined).length;
    for (let round = 0; round < 40; round++) {
      now += 1000;
      const decision = evaluateDeploy(p, { request: r, deploy: d, tasks, now });
      p = decision.progress;
      for (const k of decision.kills) {
        killed.push(k.taskId);
        tasks = tasks.map((t) => (t.taskId === k.taskId ? { ...t, killRequestedAt: now } : t));
      }
      minHealthy.push(healthyCount());
      if (decision.result) {
        result = decision.result;
        break;
      }
      // The "core": launch what is desired for v2 and make it healthy two rounds later.
      const want = decision.desired.find((x) => x.deployId === 'v2')?.instances ?? 0;
      const have = tasks.filter((t) => t.deployId === 'v2').length;
      for (let i = have; i < want; i++) tasks.push(task('v2', 'TASK_STARTING'));
      tasks = tasks.map((t) => (t.deployId === 'v2' && t.state === 'TASK_STARTING' && now - t.startedAt > 0 ? { ...t, state: 'TASK_RUNNING', healthy: true } : t));
    }
    expect(result?.deployState).toBe('SUCCEEDED');
    expect(p.step).toBe(3);
    expect(killed.sort()).toEqual(old.map((t) => t.taskId).sort());
    expect(Math.min(...minHealthy)).toBeGreaterThanOrEqual(3);
  });

  it('waits for a manual target when autoAdvanceDeploySteps is false', () => {
    const r = request(2);
    const d = deploy({ deployInstanceCountPerStep: 1, autoAdvanceDeploySteps: false });
    const tasks = [healthy('v1'), healthy('v1'), healthy('v2')];
    const p = startDeploy({ kind: 'deploy', request: r, deploy: d, previousDeployId: 'v1', oldInstances: 2, tasks, now: T0 });
    const a = evaluateDeploy(p, { request: r, deploy: d, tasks, now: T0 + 1000 });
    expect(a.events.map((e) => e.type)).toEqual(['step-complete']);
    const b = evaluateDeploy(a.progress, { request: r, deploy: d, tasks, now: T0 + 999_999 });
    expect(b.progress.step).toBe(1);
    expect(b.result).toBeUndefined();
    const c = evaluateDeploy({ ...b.progress, manualTarget: 2 }, { request: r, deploy: d, tasks, now: T0 + 1_000_000 });
    expect(c.progress.step).toBe(2);
    expect(c.desired.find((x) => x.deployId === 'v2')?.instances).toBe(2);
  });

  it('retires not-running and unhealthy old tasks before healthy ones', () => {
    const r = request(3);
    const d = deploy({ deployInstanceCountPerStep: 1 });
    const sick = task('v1', 'TASK_RUNNING', { healthy: false });
    const tasks = [healthy('v1'), sick, healthy('v1'), healthy('v2')];
    const decision = evaluateDeploy(start(r, d, tasks), { request: r, deploy: d, tasks, now: T0 + 1000 });
    expect(decision.kills.map((k) => k.taskId)).toEqual([sick.taskId]);
    expect(decision.desired.find((x) => x.deployId === 'v1')?.instances).toBe(2);
  });

  it('a first deploy has no old deploy to retire', () => {
    const r = request(2);
    const tasks = [healthy('v2'), healthy('v2')];
    const p = startDeploy({ kind: 'deploy', request: r, deploy: deploy(), oldInstances: 0, tasks: [], now: T0 });
    const decision = evaluateDeploy(p, { request: r, deploy: deploy(), tasks, now: T0 + 1 });
    expect(decision.result?.deployState).toBe('SUCCEEDED');
    expect(decision.kills).toEqual([]);
    expect(decision.desired).toEqual([{ requestId: 'web', deployId: 'v2', instances: 2 }]);
  });
});

describe('deploy machine: bounce', () => {
  it('starts replacements beside the old tasks of the same deploy and then kills the old ones', () => {
    const r = request(2);
    const d = deploy({ id: 'v1' });
    const old = [healthy('v1'), healthy('v1')];
    const p = startDeploy({ kind: 'bounce', request: r, deploy: d, previousDeployId: 'v1', oldInstances: 2, tasks: old, now: T0 });
    expect(evaluateDeploy(p, { request: r, deploy: d, tasks: old, now: T0 + 1 }).desired).toEqual([{ requestId: 'web', deployId: 'v1', instances: 4 }]);
    const fresh = [task('v1', 'TASK_RUNNING', { healthy: true, startedAt: T0 + 5 }), task('v1', 'TASK_RUNNING', { healthy: true, startedAt: T0 + 6 })];
    const done = evaluateDeploy(p, { request: r, deploy: d, tasks: [...old, ...fresh], now: T0 + 10 });
    expect(done.result?.deployState).toBe('SUCCEEDED');
    expect(done.kills.map((k) => k.taskId).sort()).toEqual(old.map((t) => t.taskId).sort());
    expect(done.desired).toEqual([{ requestId: 'web', deployId: 'v1', instances: 2 }]);
  });
});
