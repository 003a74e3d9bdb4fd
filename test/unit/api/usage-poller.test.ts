import type { MesosTaskStatisticsObject } from '../../../contract';
import type { SchedulerPort } from '../../../scheduler/deploys';
import { UsagePoller } from '../../../scheduler/api/usage-poller';
import type { TaskRecord } from '../../../scheduler/model';


const statistics = (cpuSecs: number, at: number): MesosTaskStatisticsObject =>
  ({ cpusUserTimeSecs: cpuSecs, cpusSystemTimeSecs: 0, memRssBytes: 1 << 20, timestamp: at } as MesosTaskStatisticsObject);

function portWith(count: number, state = 'TASK_RUNNING'): SchedulerPort {
  const tasks = new Map<string, TaskRecord>();
  for (let i = 0; i < count; i++) tasks.set(`t${i}`, { taskId: `t${i}`, state } as TaskRecord);
  return { tasks, isLeader: true } as unknown as SchedulerPort;
}

describe('UsagePoller: a round of asks paced to a fixed rate, whatever the cluster size', () => {
  afterEach(() => jest.useRealTimers());

  it('starts at most asksPerSecond asks a second: 50 tasks at 5/s take 9.8 s of the clock, 200 ms apart', async () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const startedAt: number[] = [];
    const poller = new UsagePoller(portWith(50), async () => {
      startedAt.push(Date.now());
      return statistics(1, Date.now() / 1000);
    }, 60_000, undefined, { asksPerSecond: 5 });
    const round = poller.poll();
    await jest.advanceTimersByTimeAsync(5_000);
    expect(startedAt).toHaveLength(26); // at 0, 200, …, 5,000 ms
    await jest.advanceTimersByTimeAsync(5_000);
    await round;
    expect(startedAt).toHaveLength(50);
    const sorted = [...startedAt].sort((a, b) => a - b);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i] - sorted[i - 1]).toBeGreaterThanOrEqual(200);
    expect(sorted[49] - sorted[0]).toBe(49 * 200);
    expect(poller.usageOf('t7')).toMatchObject({ memBytes: 1 << 20 });
  });

  it('asks only running tasks, and a task that did not answer leaves no sample', async () => {
    const port = portWith(3);
    (port.tasks as Map<string, TaskRecord>).set('staging', { taskId: 'staging', state: 'TASK_STAGING' } as TaskRecord);
    const asked: string[] = [];
    const poller = new UsagePoller(port, async (t) => {
      asked.push(t.taskId);
      if (t.taskId === 't1') throw new Error('the executor did not report');
      return statistics(1, 10);
    }, 60_000, undefined, { asksPerSecond: 1e6 });
    await poller.poll();
    expect(asked.sort()).toEqual(['t0', 't1', 't2']);
    expect(poller.usageOf('t1')).toBeUndefined();
    expect(poller.usageOf('t2')).toBeDefined();
  });
});
