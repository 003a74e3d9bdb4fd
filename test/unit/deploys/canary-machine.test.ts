import type { TaskState } from '../../../mesos-proto';
import { type DeployProgress, evaluateDeploy, startDeploy } from '../../../scheduler/deploys';
import type { StepAcceptance } from '../../../scheduler/deploys/step-gates';
import type { SingularityDeploy, SingularityRequest } from '../../../contract';
import type { TaskRecord } from '../../../scheduler/model';

/** The deploy machine walking canary groups and acceptance gates on a fake clock. */

const T0 = 1_000_000;
const request: SingularityRequest = { id: 'web', requestType: 'SERVICE', instances: 6 };
const deploy = (extra: Partial<SingularityDeploy> = {}): SingularityDeploy => ({
  requestId: 'web', id: 'v2', command: 'serve', deployHealthTimeoutSeconds: 60,
  canaryDeploySettings: { enableCanaryDeploy: true, instanceGroupSize: 2, canaryCycleCount: 3 }, ...extra,
});

let seq = 0;
function task(deployId: string, state: TaskState, extra: Partial<TaskRecord> = {}): TaskRecord {
  seq += 1;
  return {
    taskId: `web-${deployId}-${seq}`, requestId: 'web', deployId, instanceNo: seq, agentId: 'a1', hostname: 'h',
    ports: [], startedAt: T0 + seq, updatedAt: T0 + seq, state, ...extra,
  };
}
const running = (deployId: string) => task(deployId, 'TASK_RUNNING');
const failed = (deployId: string) => task(deployId, 'TASK_FAILED', { message: 'exited with 1' });
const oldSix = () => Array.from({ length: 6 }, () => running('v1'));

function start(d: SingularityDeploy, tasks: TaskRecord[]): DeployProgress {
  return startDeploy({ kind: 'deploy', request, deploy: d, previousDeployId: 'v1', oldInstances: 6, tasks, now: T0 });
}
const desiredOf = (p: DeployProgress, d: SingularityDeploy, tasks: TaskRecord[], now: number, acceptance?: StepAcceptance) =>
  evaluateDeploy(p, { request, deploy: d, tasks, now, acceptance });

describe('canary deploys in the deploy machine', () => {
  it('6 instances in groups of 2 walk 3 steps; old tasks stay at full strength until each group is healthy', () => {
    const d = deploy();
    const tasks = oldSix();
    let p = start(d, tasks);
    const targets: number[] = [];
    let now = T0;
    for (let round = 0; round < 10; round++) {
      const decision = desiredOf(p, d, tasks, now);
      p = decision.progress;
      const wanted = decision.desired.find((x) => x.deployId === 'v2')?.instances ?? 0;
      const old = decision.desired.find((x) => x.deployId === 'v1')?.instances ?? 0;
      // Healthy capacity never drops: new healthy + old kept ≥ 6.
      const newAlive = tasks.filter((t) => t.deployId === 'v2').length;
      expect(newAlive + old).toBeGreaterThanOrEqual(6);
      if (decision.result) {
        expect(decision.result.deployState).toBe('SUCCEEDED');
        break;
      }
      if (!targets.includes(wanted)) targets.push(wanted);
      while (tasks.filter((t) => t.deployId === 'v2').length < wanted) tasks.push(running('v2'));
      now += 1000;
    }
    expect(targets).toEqual([2, 4, 6]);
  });

  it('TIMED waits waitMillisBetweenGroups after a group is healthy before the next', () => {
    const d = deploy({ canaryDeploySettings: { enableCanaryDeploy: true, instanceGroupSize: 2, canaryCycleCount: 3, acceptanceMode: 'TIMED', waitMillisBetweenGroups: 30_000 } });
    const tasks = [...oldSix(), running('v2'), running('v2')];
    const complete = desiredOf(start(d, tasks), d, tasks, T0 + 1000);
    expect(complete.events.map((e) => e.type)).toEqual(['step-complete']);
    expect(desiredOf(complete.progress, d, tasks, T0 + 30_999).progress.step).toBe(1);
    const next = desiredOf(complete.progress, d, tasks, T0 + 31_000);
    expect(next.events).toEqual([{ type: 'step', step: 2, targetActiveInstances: 4 }]);
  });

  it('the first group failing beyond allowedTasksFailuresPerGroup fails the deploy after group 1; the old deploy keeps all 6', () => {
    const d = deploy({ canaryDeploySettings: { enableCanaryDeploy: true, instanceGroupSize: 2, canaryCycleCount: 3, allowedTasksFailuresPerGroup: 1 } });
    const tasks = [...oldSix(), failed('v2')];
    const p = start(d, tasks);
    const tolerated = desiredOf(p, d, tasks, T0 + 1000);
    expect(tolerated.result).toBeUndefined();
    tasks.push(failed('v2'));
    const decision = desiredOf(tolerated.progress, d, tasks, T0 + 2000);
    expect(decision.result?.deployState).toBe('FAILED');
    expect(decision.result?.message).toContain('step 1: 2 task(s) failed, more than allowedTasksFailuresPerGroup (1)');
    expect(decision.result?.deployFailures.map((f) => f.reason)).toEqual(['TASK_FAILED_ON_STARTUP', 'TASK_FAILED_ON_STARTUP']);
    expect(decision.progress.step).toBe(1);
    expect(decision.progress.retired).toBe(0);
    expect(decision.desired).toContainEqual({ requestId: 'web', deployId: 'v1', instances: 6 });
  });

  it('a failure allowance is per group: a failure of group 1 does not count in group 2', () => {
    const d = deploy({ canaryDeploySettings: { enableCanaryDeploy: true, instanceGroupSize: 2, canaryCycleCount: 3, allowedTasksFailuresPerGroup: 1 } });
    const tasks = [...oldSix(), failed('v2'), running('v2'), running('v2')];
    const first = desiredOf(start(d, tasks), d, tasks, T0 + 1000);
    const second = desiredOf(first.progress, d, tasks, T0 + 2000);
    expect(second.progress.step).toBe(2);
    tasks.push(failed('v2'));
    expect(desiredOf(second.progress, d, tasks, T0 + 3000).result).toBeUndefined();
  });
});

describe('acceptance gates a step', () => {
  const d = deploy({ acceptanceChecks: [{ type: 'HTTP', url: 'http://hook/accept' }] });
  const tasks = [...oldSix(), running('v2'), running('v2')];
  const verdict = (kind: 'pass' | 'fail' | 'inconclusive', startedAt: number, reason = 'hook answered'): StepAcceptance =>
    ({ step: 1, startedAt, verdict: { kind, reason } });

  it('a healthy step waits for its checks; only an evaluation begun once it was healthy counts', () => {
    const waiting = desiredOf(start(d, tasks), d, tasks, T0 + 1000);
    expect(waiting.awaitingAcceptance).toEqual({ step: 1, reason: 'acceptance checks not evaluated yet' });
    expect(waiting.events).toEqual([]);
    expect(waiting.progress.healthySince).toBe(T0 + 1000);
    expect(desiredOf(waiting.progress, d, tasks, T0 + 2000, verdict('pass', T0 + 500)).awaitingAcceptance).toBeDefined();
    const passed = desiredOf(waiting.progress, d, tasks, T0 + 2000, verdict('pass', T0 + 1500));
    expect(passed.events.map((e) => e.type)).toEqual(['step-complete', 'step']);
  });

  it('a failing check fails the deploy with its answer', () => {
    const waiting = desiredOf(start(d, tasks), d, tasks, T0 + 1000);
    const decision = desiredOf(waiting.progress, d, tasks, T0 + 2000, verdict('fail', T0 + 1500, 'HTTP http://hook/accept: answered 500: no'));
    expect(decision.result?.deployState).toBe('FAILED');
    expect(decision.result?.message).toBe('step 1: acceptance check failed: HTTP http://hook/accept: answered 500: no');
    expect(decision.desired).toContainEqual({ requestId: 'web', deployId: 'v1', instances: 6 });
  });

  it('an inconclusive check is retried until the step deadline, then the deploy is OVERDUE with its reason', () => {
    const waiting = desiredOf(start(d, tasks), d, tasks, T0 + 1000);
    const unsure = verdict('inconclusive', T0 + 1500, 'PROMETHEUS up: request failed: ECONNREFUSED');
    const still = desiredOf(waiting.progress, d, tasks, T0 + 60_000, unsure);
    expect(still.result).toBeUndefined();
    expect(still.awaitingAcceptance?.reason).toContain('ECONNREFUSED');
    const over = desiredOf(still.progress, d, tasks, T0 + 60_001, unsure);
    expect(over.result?.deployState).toBe('OVERDUE');
    expect(over.result?.message).toBe('step 1: acceptance checks inconclusive after 60s: PROMETHEUS up: request failed: ECONNREFUSED');
    expect(over.result?.deployFailures[0].reason).toBe('DEPLOY_OVERDUE');
  });

  it('a task dropping out resets the healthy moment, so an older pass no longer counts', () => {
    const waiting = desiredOf(start(d, tasks), d, tasks, T0 + 1000);
    const fewer = [...oldSix(), running('v2'), task('v2', 'TASK_STAGING')];
    const dropped = desiredOf(waiting.progress, d, fewer, T0 + 2000);
    expect(dropped.progress.healthySince).toBeUndefined();
    const back = desiredOf(dropped.progress, d, tasks, T0 + 3000, verdict('pass', T0 + 1500));
    expect(back.awaitingAcceptance).toBeDefined();
  });
});
