/**
 * What every part of an agent shares: its identity and options, the executors, tasks and
 * frameworks it knows, whether it is up and reachable, and its status update streams.
 */
import { systemClock, type Clock, type Logger } from '../common';
import {
  isTerminalState,
  type AgentInfo, type Attribute, type ExecutorEvent, type ExecutorInfo, type FrameworkInfo, type Resource, type TaskInfo, type TaskState, type TaskStatus, type TaskStatusReason,
} from '../mesos-proto';
import { pushBounded } from './bounded-list';
import type { EventStream } from './http-call';
import type { Master } from './master';
import type { ProcessHandle } from './process-containerizer';
import { StatusUpdateStreams } from './status-update-stream';

export type ContainerizerKind = 'process' | 'simulated';

export interface AgentOptions {
  id: string;
  hostname: string;
  /** Address to listen on (default: the hostname when it is an IP, else all interfaces). */
  bind?: string;
  port: number;
  resources: Resource[];
  attributes: Attribute[];
  workDir: string;
  containerizer: ContainerizerKind;
  master: Master;
  log: Logger;
  statusUpdateRetryMs?: number;
  executorShutdownGraceMs?: number;
  executorRegistrationTimeoutMs?: number;
  executorReregistrationTimeoutMs?: number;
  executorHeartbeatMs?: number;
  timers?: Clock;
}

/** Mesos's --max_completed_executors_per_framework default. */
const MAX_COMPLETED_EXECUTORS_PER_FRAMEWORK = 150;

export type ExecutorState = 'REGISTERING' | 'RUNNING' | 'TERMINATING' | 'TERMINATED';

export interface AgentTask {
  info: TaskInfo;
  frameworkId: string;
  executorKey: string;
  state: TaskState;
  seenUuids: Set<string>;
  /**
   * The updates the agent keeps, as a Mesos agent does (the latest one per state in a row) and
   * sends when it re-registers: a newly elected master knows a task's health from them.
   */
  statuses: TaskStatus[];
}

export interface RunningExecutor {
  key: string;
  frameworkId: string;
  framework: FrameworkInfo;
  info: ExecutorInfo;
  containerId: string;
  directory: string;
  state: ExecutorState;
  stream: EventStream<'mesos.v1.executor.Event'> | null;
  queued: TaskInfo[];
  pendingKills: ExecutorEvent[];
  completedTasks: AgentTask[];
  taskIds: Set<string>;
  process?: ProcessHandle;
  /** A TaskInfo.command task run without an executor protocol (Mesos's command executor). */
  commandTask?: TaskInfo;
  killRequested?: boolean;
  /** Why the agent killed it, when it did (else REASON_EXECUTOR_TERMINATED). */
  terminationReason?: TaskStatusReason;
  heartbeatTimer?: unknown;
  registrationTimer?: unknown;
  shutdownTimer?: unknown;
}

export class AgentState {
  readonly id: string;
  readonly hostname: string;
  port: number;
  readonly workDir: string;
  readonly resources: Resource[];
  readonly attributes: Attribute[];
  readonly log: Logger;
  readonly timers: Clock;
  readonly executors = new Map<string, RunningExecutor>();
  readonly tasks = new Map<string, AgentTask>();
  readonly frameworks = new Map<string, FrameworkInfo>();
  readonly completedExecutors = new Map<string, RunningExecutor[]>();
  readonly updates: StatusUpdateStreams;
  running = false;
  partitioned = false;
  /** The leading master this agent is registered with; it changes when another master is elected. */
  master: Master;

  constructor(readonly options: AgentOptions) {
    this.id = options.id;
    this.hostname = options.hostname;
    this.port = options.port;
    this.workDir = options.workDir;
    this.resources = options.resources;
    this.attributes = options.attributes;
    this.log = options.log.child({ agentId: options.id });
    this.timers = options.timers ?? systemClock;
    this.master = options.master;
    this.updates = new StatusUpdateStreams({
      retryMinMs: options.statusUpdateRetryMs,
      timers: this.timers,
      forward: (frameworkId, status) => {
        // With the task's latest state, as Mesos's agent sends StatusUpdate.latest_state.
        const latest = this.tasks.get(`${frameworkId}/${status.task_id.value}`)?.state ?? status.state;
        if (!this.partitioned && this.running) this.master.statusUpdate(this.id, frameworkId, status, latest);
      },
    });
  }

  get simulated(): boolean {
    return this.options.containerizer === 'simulated';
  }

  agentInfo(): AgentInfo {
    return { hostname: this.hostname, port: this.port, resources: this.resources, attributes: this.attributes, id: { value: this.id } };
  }

  liveTasks(executor: RunningExecutor): AgentTask[] {
    const out: AgentTask[] = [];
    for (const id of executor.taskIds) {
      const task = this.tasks.get(`${executor.frameworkId}/${id}`);
      if (task && !isTerminalState(task.state)) out.push(task);
    }
    return out;
  }

  /** The executor is done: it moves to the completed executors that /state keeps showing (sandbox lookups). */
  retire(executor: RunningExecutor): void {
    if (this.executors.get(executor.key) !== executor) return;
    this.executors.delete(executor.key);
    if (this.simulated) return;
    const list = this.completedExecutors.get(executor.frameworkId) ?? [];
    pushBounded(list, executor, MAX_COMPLETED_EXECUTORS_PER_FRAMEWORK);
    this.completedExecutors.set(executor.frameworkId, list);
  }
}
