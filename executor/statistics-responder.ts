/**
 * Answers the scheduler's statistics asks (framework messages, see contract/task-statistics.ts)
 * with the task container's usage. A Mesos agent's `/monitor/statistics` cannot give it: the
 * container is Docker's, outside the executor's own cgroup that the agent measures, so the
 * executor measures it and answers through Mesos, which works the same on a real cluster.
 */
import type Docker from 'dockerode';
import type { Logger } from '../common';
import { containerName } from '../contract/container-name';
import { encodeStatisticsMessage, type StatisticsAsk, type StatisticsMessage } from '../contract/task-statistics';
import { measureContainer } from './container-statistics';

export interface StatisticsResponderDeps {
  docker: () => Docker;
  /** The task this executor runs while its container runs, else null. */
  runningTaskId: () => string | null;
  send: (data: string) => Promise<void>;
  log: Logger;
}

export class StatisticsResponder {
  constructor(private readonly deps: StatisticsResponderDeps) {}

  /** Answers one ask; never throws (a failed measurement is answered with its error). */
  async onAsk(ask: StatisticsAsk): Promise<void> {
    const answer = async (): Promise<StatisticsMessage> => {
      const base = { kind: 'griddle.statistics.report' as const, taskId: ask.taskId, nonce: ask.nonce };
      if (this.deps.runningTaskId() !== ask.taskId) return { ...base, error: `task ${ask.taskId} has no running container in this executor` };
      try {
        return { ...base, statistics: await measureContainer(this.deps.docker(), containerName(ask.taskId)) };
      } catch (err) {
        return { ...base, error: `docker stats failed: ${(err as Error).message}` };
      }
    };
    const report = await answer();
    await this.deps.send(encodeStatisticsMessage(report)).catch((err: Error) => {
      this.deps.log.warn({ taskId: ask.taskId, cause: err.message }, 'statistics report not delivered');
    });
  }
}
