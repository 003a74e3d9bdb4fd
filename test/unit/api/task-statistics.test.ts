import { EventEmitter } from 'node:events';
import { decodeStatisticsMessage, encodeStatisticsMessage } from '../../../contract';
import type { SchedulerPort } from '../../../scheduler/deploys';
import type { TaskRecord } from '../../../scheduler/model';
import { TaskStatistics } from '../../../scheduler/api/task-statistics';

const task: TaskRecord = {
  taskId: 'r-d-1-1-h-DEFAULT', requestId: 'r', deployId: 'd', instanceNo: 1, agentId: 'a1', hostname: 'h', ports: [],
  startedAt: 1, updatedAt: 1, state: 'TASK_RUNNING',
};

/** A scheduler whose framework messages go to `executor`, which may answer through the events. */
function fake(executor: (data: string, events: EventEmitter) => void): SchedulerPort {
  const events = new EventEmitter();
  return { events, sendFrameworkMessage: async (_a: string, _e: string, data: string) => executor(data, events) } as unknown as SchedulerPort;
}

const answer = (events: EventEmitter, body: Record<string, unknown>): void => {
  events.emit('frameworkMessage', 'a1', task.taskId, encodeStatisticsMessage(body as never));
};

describe('TaskStatistics (asking an executor through framework messages)', () => {
  it('resolves with the report that carries the ask’s nonce', async () => {
    const stats = new TaskStatistics(fake((data, events) => {
      const ask = decodeStatisticsMessage(data);
      if (ask?.kind !== 'griddle.statistics.ask') throw new Error('not an ask');
      answer(events, { kind: 'griddle.statistics.report', taskId: ask.taskId, nonce: 'someone else', statistics: { timestamp: 1, mem_rss_bytes: 1 } });
      answer(events, { kind: 'griddle.statistics.report', taskId: ask.taskId, nonce: ask.nonce, statistics: { timestamp: 2, mem_rss_bytes: 4096 } });
    }));
    stats.start();
    await expect(stats.ask(task)).resolves.toMatchObject({ memRssBytes: 4096, timestamp: 2 });
    stats.stop();
  });

  it('fails with the executor’s error, or a 504 when no answer comes', async () => {
    const failing = new TaskStatistics(fake((data, events) => {
      const ask = decodeStatisticsMessage(data);
      answer(events, { kind: 'griddle.statistics.report', taskId: task.taskId, nonce: ask?.nonce, error: 'docker stats failed: no such container' });
    }));
    failing.start();
    await expect(failing.ask(task)).rejects.toMatchObject({ status: 502, message: expect.stringContaining('no such container') });
    failing.stop();
    const silent = new TaskStatistics(fake(() => undefined), 10);
    silent.start();
    await expect(silent.ask(task)).rejects.toMatchObject({ status: 504 });
    silent.stop();
  });

  it('is 503 on a scheduler that sends no framework messages', async () => {
    const none = new TaskStatistics({ events: new EventEmitter() } as unknown as SchedulerPort);
    await expect(none.ask(task)).rejects.toMatchObject({ status: 503 });
  });
});
