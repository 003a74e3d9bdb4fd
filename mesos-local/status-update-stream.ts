/**
 * The agent's status update manager: updates of one task are forwarded to the master one at
 * a time, and the one in flight is re-sent (10 s, doubling up to 10 min, as Mesos's
 * STATUS_UPDATE_RETRY_INTERVAL_MIN/MAX) until the scheduler's acknowledgement of its uuid
 * comes back. Timers come from an injected clock so tests drive it without waiting.
 */
import { systemClock, type Clock } from '../common';
import type { TaskStatus } from '../mesos-proto';

export interface PendingUpdate {
  frameworkId: string;
  status: TaskStatus;
}

interface TaskStream {
  frameworkId: string;
  queue: TaskStatus[];
  timer: unknown;
  delayMs: number;
}

export interface StatusUpdateStreamOptions {
  retryMinMs?: number;
  retryMaxMs?: number;
  timers?: Clock;
  /** Sends the update to the master (which forwards it to the framework when it can). */
  forward(frameworkId: string, status: TaskStatus): void;
}

export class StatusUpdateStreams {
  private readonly streams = new Map<string, TaskStream>();
  private readonly retryMinMs: number;
  private readonly retryMaxMs: number;
  private readonly timers: Clock;
  private paused = false;

  constructor(private readonly options: StatusUpdateStreamOptions) {
    this.retryMinMs = options.retryMinMs ?? 10_000;
    this.retryMaxMs = options.retryMaxMs ?? 600_000;
    this.timers = options.timers ?? systemClock;
  }

  /** Records an update; it goes out now if nothing of its task is in flight. */
  enqueue(frameworkId: string, status: TaskStatus): void {
    const key = `${frameworkId}/${status.task_id.value}`;
    let stream = this.streams.get(key);
    if (!stream) {
      stream = { frameworkId, queue: [], timer: undefined, delayMs: this.retryMinMs };
      this.streams.set(key, stream);
    }
    stream.queue.push(status);
    if (stream.queue.length === 1) this.send(key, stream);
  }

  /**
   * The scheduler acknowledged `uuid` of the task. Returns the acknowledged update, or null
   * when it is not the one in flight (a duplicate or stale acknowledgement, ignored).
   */
  acknowledge(frameworkId: string, taskId: string, uuid: string): TaskStatus | null {
    const key = `${frameworkId}/${taskId}`;
    const stream = this.streams.get(key);
    const head = stream?.queue[0];
    if (!stream || !head || head.uuid !== uuid) return null;
    this.timers.clearTimeout(stream.timer);
    stream.queue.shift();
    stream.delayMs = this.retryMinMs;
    if (stream.queue.length === 0) this.streams.delete(key);
    else this.send(key, stream);
    return head;
  }

  /** The unacknowledged updates of a task, oldest first. */
  pending(frameworkId: string, taskId: string): TaskStatus[] {
    return [...(this.streams.get(`${frameworkId}/${taskId}`)?.queue ?? [])];
  }

  /** Stops sending (agent down or partitioned); the queues are kept. */
  pause(): void {
    this.paused = true;
    for (const stream of this.streams.values()) this.timers.clearTimeout(stream.timer);
  }

  /**
   * Sending starts again and every update in flight goes out now, the retry interval back at its
   * minimum: the agent (re-)registered with a master (Mesos's TaskStatusUpdateManager::resume).
   */
  resume(): void {
    this.paused = false;
    for (const [key, stream] of this.streams) this.resendNow(key, stream);
  }

  /**
   * The framework's updates in flight go out now rather than on their retry timer, unless paused:
   * mesos-local's shortcut when a framework subscribes (Mesos leaves them to the timer).
   */
  resend(frameworkId: string): void {
    if (this.paused) return;
    for (const [key, stream] of this.streams) if (stream.frameworkId === frameworkId) this.resendNow(key, stream);
  }

  /** Forgets the framework's updates (the framework was removed). */
  dropFramework(frameworkId: string): void {
    for (const [key, stream] of this.streams) {
      if (stream.frameworkId !== frameworkId) continue;
      this.timers.clearTimeout(stream.timer);
      this.streams.delete(key);
    }
  }

  stop(): void {
    this.pause();
    this.streams.clear();
  }

  private resendNow(key: string, stream: TaskStream): void {
    this.timers.clearTimeout(stream.timer);
    stream.delayMs = this.retryMinMs;
    this.send(key, stream);
  }

  private send(key: string, stream: TaskStream): void {
    const head = stream.queue[0];
    if (!head || this.paused) return;
    this.options.forward(stream.frameworkId, head);
    stream.timer = this.timers.setTimeout(() => {
      stream.delayMs = Math.min(stream.delayMs * 2, this.retryMaxMs);
      this.send(key, stream);
    }, stream.delayMs);
  }
}
