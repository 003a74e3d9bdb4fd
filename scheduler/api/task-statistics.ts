/**
 * A running task's container usage, asked of its executor: a framework message out, the
 * executor's report back (contract/task-statistics.ts). Mesos carries both ways the same on
 * mesos-local and on a real cluster; messages are best-effort there, so an ask that gets no
 * answer in time fails (504) rather than waiting.
 */
import { randomUUID } from 'node:crypto';
import {
  decodeStatisticsMessage, encodeStatisticsMessage, toTaskStatisticsObject, type MesosTaskStatisticsObject,
} from '../../contract';
import type { SchedulerPort } from '../deploys';
import type { TaskRecord } from '../model';
import { HttpError } from './http-errors';
import { executorIdOf } from './shell-commands';

/** The core's MESSAGE call (present on the real Scheduler; absent on fakes). */
type WithMessages = Partial<{ sendFrameworkMessage(agentId: string, executorId: string, data: string): Promise<void> }>;

const DEFAULT_TIMEOUT_MS = 5000;
/** Asks in flight at once; beyond, callers get a 503 instead of a growing table. */
const MAX_IN_FLIGHT = 1000;

interface Waiter { taskId: string; resolve(s: MesosTaskStatisticsObject): void; reject(e: Error): void; timer: NodeJS.Timeout }

export class TaskStatistics {
  private readonly waiting = new Map<string, Waiter>();
  private readonly onMessage = (_agentId: string, _executorId: string, data: string): void => this.applyMessage(data);

  constructor(private readonly scheduler: SchedulerPort, private readonly timeoutMs = DEFAULT_TIMEOUT_MS) {}

  start(): void {
    this.scheduler.events.on('frameworkMessage', this.onMessage);
  }

  stop(): void {
    this.scheduler.events.off('frameworkMessage', this.onMessage);
    for (const [nonce, w] of this.waiting) {
      clearTimeout(w.timer);
      w.reject(new HttpError(503, 'the scheduler is stopping'));
      this.waiting.delete(nonce);
    }
  }

  /** Asks the task's executor to measure its container now. */
  ask(task: TaskRecord): Promise<MesosTaskStatisticsObject> {
    const send = (this.scheduler as WithMessages).sendFrameworkMessage?.bind(this.scheduler);
    if (!send) return Promise.reject(new HttpError(503, 'this scheduler sends no framework messages (not connected to Mesos)'));
    if (this.waiting.size >= MAX_IN_FLIGHT) return Promise.reject(new HttpError(503, `${MAX_IN_FLIGHT} statistics asks already wait for executors; retry shortly`));
    const nonce = randomUUID();
    return new Promise<MesosTaskStatisticsObject>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(nonce);
        reject(new HttpError(504, `the executor of task ${task.taskId} on ${task.hostname} did not report statistics within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      this.waiting.set(nonce, { taskId: task.taskId, resolve, reject, timer });
      const data = encodeStatisticsMessage({ kind: 'griddle.statistics.ask', taskId: task.taskId, nonce });
      send(task.agentId, executorIdOf(task), data).catch((err: Error) => {
        this.settle(nonce, () => new HttpError(503, `could not ask the executor of task ${task.taskId}: ${err.message}`));
      });
    });
  }

  applyMessage(data: string): void {
    const m = decodeStatisticsMessage(data);
    if (m?.kind !== 'griddle.statistics.report') return;
    const w = this.waiting.get(m.nonce);
    if (!w || w.taskId !== m.taskId) return;
    if (m.statistics) {
      const stats = toTaskStatisticsObject(m.statistics);
      this.settle(m.nonce, undefined, stats);
    } else {
      this.settle(m.nonce, () => new HttpError(502, `the executor of task ${m.taskId} could not measure it: ${m.error ?? 'no reason given'}`));
    }
  }

  private settle(nonce: string, error?: () => Error, stats?: MesosTaskStatisticsObject): void {
    const w = this.waiting.get(nonce);
    if (!w) return;
    this.waiting.delete(nonce);
    clearTimeout(w.timer);
    if (error) w.reject(error());
    else if (stats) w.resolve(stats);
  }
}
