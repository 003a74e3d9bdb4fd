/**
 * Measured use of every running task, for `/usage/cluster/utilization`: on the leader, every
 * interval, each running task's executor is asked for its container's statistics (as
 * Singularity's usage poller asks every agent's `/monitor/statistics`). CPU use is a rate, so it
 * takes two samples of a task; memory is the last sample's RSS. Kept per live task only.
 */
import type { MesosTaskStatisticsObject } from '../../contract';
import type { Logger } from '../../common';
import type { SchedulerPort } from '../deploys';
import type { TaskRecord } from '../model';
import type { TaskUsage } from './cluster-utilization';

/** Often enough for a utilization view, rare enough that a large cluster's executors barely notice. */
export const DEFAULT_USAGE_POLL_MS = 60_000;
/** Asks in flight at once, so a large cluster is polled as a trickle, not a burst. */
const CONCURRENCY = 16;
/**
 * Asks started per second at most. Each ask is a framework message to an executor and one
 * back: unpaced, a round over 100,000 tasks kept 16 in flight back to back for the whole
 * interval, thousands of messages a second through the master and the leader. Paced, a round
 * takes tasks / rate seconds (at 100,000 tasks, a sample every ~8 minutes instead of every
 * minute), and the cost stays the same at any size.
 */
export const DEFAULT_USAGE_ASKS_PER_SECOND = 200;

export interface UsagePacing {
  asksPerSecond?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

interface Sample { cpuSecs: number; at: number; memBytes: number; cpus?: number }

/** The next sample from a measurement and the previous sample: CPU seconds over wall seconds. Pure. */
export function nextSample(previous: Sample | undefined, s: MesosTaskStatisticsObject): Sample {
  const cpuSecs = s.cpusUserTimeSecs + s.cpusSystemTimeSecs;
  const next: Sample = { cpuSecs, at: s.timestamp, memBytes: s.memRssBytes };
  if (previous && s.timestamp > previous.at && cpuSecs >= previous.cpuSecs) next.cpus = (cpuSecs - previous.cpuSecs) / (s.timestamp - previous.at);
  else if (previous?.cpus !== undefined && s.timestamp === previous.at) next.cpus = previous.cpus;
  return next;
}

export class UsagePoller {
  private readonly samples = new Map<string, Sample>();
  private timer: NodeJS.Timeout | undefined;
  private polling = false;
  private readonly gapMs: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly scheduler: SchedulerPort,
    private readonly ask: (task: TaskRecord) => Promise<MesosTaskStatisticsObject>,
    private readonly intervalMs = DEFAULT_USAGE_POLL_MS,
    private readonly log?: Logger,
    pacing: UsagePacing = {},
  ) {
    this.gapMs = 1000 / Math.max(pacing.asksPerSecond ?? DEFAULT_USAGE_ASKS_PER_SECOND, 0.001);
    this.now = pacing.now ?? Date.now;
    this.sleep = pacing.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  start(): void {
    if (this.intervalMs <= 0) return;
    // Executors answer only the leader (framework messages go to the subscribed scheduler).
    this.timer = setInterval(() => void (this.scheduler.isLeader && this.poll()), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** The measured use of a task, once there is one. */
  usageOf(taskId: string): TaskUsage | undefined {
    const s = this.samples.get(taskId);
    return s && { memBytes: s.memBytes, at: Math.round(s.at * 1000), ...(s.cpus !== undefined ? { cpus: s.cpus } : {}) };
  }

  /** One round over the running tasks. */
  async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const running = [...this.scheduler.tasks.values()].filter((t) => t.state === 'TASK_RUNNING');
      const live = new Set(running.map((t) => t.taskId));
      for (const id of this.samples.keys()) if (!live.has(id)) this.samples.delete(id);
      let next = 0;
      let failed = 0;
      const began = this.now();
      const worker = async (): Promise<void> => {
        while (next < running.length) {
          const i = next++;
          const t = running[i];
          const wait = began + i * this.gapMs - this.now();
          if (wait > 0) await this.sleep(wait);
          try {
            this.samples.set(t.taskId, nextSample(this.samples.get(t.taskId), await this.ask(t)));
          } catch {
            failed++;
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(CONCURRENCY, running.length) }, worker));
      if (failed > 0) this.log?.debug({ failed, tasks: running.length }, 'usage poll: some executors did not report');
    } finally {
      this.polling = false;
    }
  }
}
