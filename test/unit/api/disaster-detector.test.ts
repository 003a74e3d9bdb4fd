import { DEFAULT_DISASTER_CONFIG, appendPoint, dataPoint, detectDisasters, type DisasterInputs } from '../../../scheduler/api/disaster-detector';
import { agentCounts } from '../../../scheduler/api/disasters';
import type { TaskRecord } from '../../../scheduler/model';

/** The detector on a fake clock: data points are pure functions of inputs, disasters of points. */

const cfg = DEFAULT_DISASTER_CONFIG;
const base = (now: number, over: Partial<DisasterInputs> = {}): DisasterInputs => ({
  now, activeTasks: 100, pending: [], activeAgents: 10, lostAgents: 0, lostTaskTimes: [], ...over,
});

const task = (agentId: string, state: TaskRecord['state']): TaskRecord => ({
  taskId: `t-${agentId}-${state}`, requestId: 'r', deployId: 'd', instanceNo: 1, agentId, hostname: agentId, ports: [], startedAt: 0, updatedAt: 0, state,
});

describe('disaster data points', () => {
  it('count pending, late and lost tasks and average the lag of tasks past due', () => {
    const p = dataPoint(base(100_000, {
      pending: [{ count: 2, since: 90_000 }, { count: 1, since: 40_000 }, { count: 1, since: 200_000 }],
      lostTaskTimes: [99_000, 50_000, 75_000],
    }), cfg);
    expect(p).toMatchObject({ timestamp: 100_000, numPendingTasks: 4, numLateTasks: 1, numLostTasks: 2, numActiveAgents: 10, numLostSlaves: 0 });
    // (2 × 10 s + 60 s) / 3 tasks past due; the future one does not count.
    expect(p.avgTaskLagMillis).toBe(Math.floor(80_000 / 3));
  });

  it('keep the newest statsHistorySize points', () => {
    let points = [dataPoint(base(1), cfg)];
    for (let t = 2; t <= 15; t++) points = appendPoint(points, dataPoint(base(t), cfg), 10);
    expect(points.map((p) => p.timestamp)).toEqual([6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
  });
});

describe('disaster detection', () => {
  it('finds nothing in a quiet cluster or without points', () => {
    expect(detectDisasters([], cfg, 0)).toEqual([]);
    expect(detectDisasters([dataPoint(base(0), cfg)], cfg, 0)).toEqual([]);
  });

  it('declares LOST_AGENTS above the lost portion of agents, judged on the newest point', () => {
    const lost = dataPoint(base(10_000, { activeAgents: 7, lostAgents: 3 }), cfg);
    expect(detectDisasters([lost], cfg, 10_000)).toEqual(['LOST_AGENTS']);
    const fewer = dataPoint(base(20_000, { activeAgents: 9, lostAgents: 1 }), cfg);
    expect(detectDisasters([lost, fewer], cfg, 20_000)).toEqual([]);
  });

  it('declares LOST_TASKS when many tasks were lost within the window', () => {
    const times = Array.from({ length: 30 }, () => 5_000);
    expect(detectDisasters([dataPoint(base(10_000, { lostTaskTimes: times }), cfg)], cfg, 10_000)).toEqual(['LOST_TASKS']);
    // Once the window has passed they no longer count.
    expect(detectDisasters([dataPoint(base(60_000, { lostTaskTimes: times }), cfg)], cfg, 60_000)).toEqual([]);
  });

  it('declares EXCESSIVE_TASK_LAG only once the lag has lasted triggerAfterMsOverTaskLag', () => {
    // 20 of 120 tasks late by five minutes: over the critical portion.
    const late = (now: number) => dataPoint(base(now, { pending: [{ count: 20, since: now - 300_000 }] }), cfg);
    const points = [late(0)];
    expect(detectDisasters(points, cfg, 0)).toEqual([]);
    points.push(late(30_000));
    expect(detectDisasters(points, cfg, 30_000)).toEqual([]);
    points.push(late(50_000));
    expect(detectDisasters(points, cfg, 50_000)).toEqual(['EXCESSIVE_TASK_LAG']);
    // A quiet point breaks the run: the clock starts again.
    points.push(dataPoint(base(60_000), cfg), late(70_000));
    expect(detectDisasters(points, cfg, 70_000)).toEqual([]);
  });
});

describe('agent counts', () => {
  it('count an agent lost when every task on it is unreachable, and offering agents as active', () => {
    const tasks = [task('a1', 'TASK_UNREACHABLE'), task('a1', 'TASK_UNREACHABLE'), task('a2', 'TASK_UNREACHABLE'), task('a2', 'TASK_RUNNING'), task('a3', 'TASK_FINISHED')];
    expect(agentCounts(tasks, ['a4'])).toEqual({ active: 2, lost: 1 });
    // The agents seen in offers include ones lost since: an offer record does not hide a loss.
    expect(agentCounts(tasks, ['a1'])).toEqual({ active: 1, lost: 1 });
  });
});
