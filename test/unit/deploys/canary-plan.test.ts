import { plannedTargets, stepPlanOf } from '../../../scheduler/deploys/canary-plan';
import type { CanaryDeploySettings, SingularityDeploy } from '../../../contract';

const deploy = (extra: Partial<SingularityDeploy> = {}): SingularityDeploy => ({ requestId: 'web', id: 'v2', command: 'run', ...extra });
const canary = (c: CanaryDeploySettings): SingularityDeploy => deploy({ canaryDeploySettings: { enableCanaryDeploy: true, ...c } });

describe('canary plan: canaryDeploySettings → steps', () => {
  it.each<[string, SingularityDeploy, number, number[]]>([
    ['6 in groups of 2, 3 cycles → 3 steps', canary({ instanceGroupSize: 2, canaryCycleCount: 3 }), 6, [2, 4, 6]],
    ['Singularity default canaryCycleCount 1: one group, then the rest', canary({ instanceGroupSize: 2 }), 6, [2, 6]],
    ['10 in groups of 1, 3 cycles: three singles then the other 7', canary({ instanceGroupSize: 1, canaryCycleCount: 3 }), 10, [1, 2, 3, 10]],
    ['group larger than the request: one step', canary({ instanceGroupSize: 8 }), 3, [3]],
    ['5 in groups of 2, many cycles: the last group is short', canary({ instanceGroupSize: 2, canaryCycleCount: 10 }), 5, [2, 4, 5]],
    ['canary disabled: all at once, whatever the group size', deploy({ canaryDeploySettings: { instanceGroupSize: 1 } }), 4, [4]],
    ['no canaryDeploySettings: the older deployInstanceCountPerStep', deploy({ deployInstanceCountPerStep: 2 }), 5, [2, 4, 5]],
    ['no step settings at all: everything in one step', deploy(), 3, [3]],
  ])('%s', (_name, d, instances, targets) => {
    expect(plannedTargets(d, instances)).toEqual(targets);
  });

  it('waits waitMillisBetweenGroups only in TIMED mode, as Singularity', () => {
    expect(stepPlanOf(canary({ acceptanceMode: 'TIMED', waitMillisBetweenGroups: 30_000 }), 4).waitMs).toBe(30_000);
    expect(stepPlanOf(canary({ acceptanceMode: 'CHECKS', waitMillisBetweenGroups: 30_000 }), 4).waitMs).toBe(0);
    expect(stepPlanOf(deploy({ deployStepWaitTimeMs: 500 }), 4).waitMs).toBe(500);
  });

  it('carries the failure allowance and bounds live tasks by the largest step', () => {
    const plan = stepPlanOf(canary({ instanceGroupSize: 1, canaryCycleCount: 2, allowedTasksFailuresPerGroup: 2 }), 10);
    expect(plan.allowedFailuresPerStep).toBe(2);
    expect(plan.largestStep).toBe(8);
    expect(stepPlanOf(deploy(), 3).allowedFailuresPerStep).toBe(0);
  });
});
