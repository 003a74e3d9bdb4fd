/**
 * The records the master keeps about frameworks, agents, tasks and offers, and the two seams
 * to the outside: a framework's event stream and an agent's link. Types only, so every part
 * of the master can share them without depending on one another.
 */
import type {
  Attribute, ExecutorInfo, FrameworkInfo, KillPolicy, Offer, Resource, SchedulerEvent, TaskInfo, TaskState, TaskStatus,
} from '../mesos-proto';

/** One SUBSCRIBE stream of a framework. */
export interface FrameworkConnection {
  readonly streamId: string;
  send(event: SchedulerEvent): void;
  close(): void;
}

/** What the master asks of an agent. */
export interface AgentLink {
  runTask(framework: FrameworkInfo, task: TaskInfo): void;
  killTask(frameworkId: string, taskId: string, killPolicy?: KillPolicy): void;
  shutdownExecutor(frameworkId: string, executorId: string): void;
  shutdownFramework(frameworkId: string): void;
  acknowledge(frameworkId: string, taskId: string, uuid: string): void;
  frameworkMessage(frameworkId: string, executorId: string, data: string): void;
  /** The framework (re-)subscribed: pending status updates go out again now. */
  frameworkSubscribed(frameworkId: string): void;
}

/** A task as an agent reports it when it (re-)registers. */
export interface ReportedTask {
  frameworkId: string;
  task: TaskInfo;
  state: TaskState;
  executor?: ExecutorInfo;
  /** The agent's latest update per state (Mesos's Task.statuses on re-registration). */
  statuses?: TaskStatus[];
  /** The framework's info, as a Mesos agent sends it on re-registration (a new master learns frameworks from it). */
  framework?: FrameworkInfo;
}

export interface AgentRegistration {
  id: string;
  hostname: string;
  port: number;
  resources: Resource[];
  attributes: Attribute[];
  link: AgentLink;
  tasks?: ReportedTask[];
}

export interface MasterTask {
  info: TaskInfo;
  frameworkId: string;
  agentId: string;
  executorId?: string;
  state: TaskState;
  /** State of the latest update forwarded to the framework (what reconciliation answers). */
  statusUpdateState?: TaskState;
  statusUpdateUuid?: string;
  statuses: TaskStatus[];
  healthy?: boolean;
  resourcesRecovered: boolean;
  unreachableTime?: number;
}

export interface MasterFramework {
  id: string;
  info: FrameworkInfo;
  connection: FrameworkConnection | null;
  partitionAware: boolean;
  tasks: Map<string, MasterTask>;
  unreachableTasks: Map<string, MasterTask>;
  completedTasks: MasterTask[];
  offers: Set<string>;
  registeredTime: number;
  reregisteredTime?: number;
  unregisteredTime?: number;
  /** Known from agents after a master failover, not yet re-subscribed. */
  recovered: boolean;
  failoverTimer?: unknown;
  heartbeatTimer?: unknown;
}

export interface MasterAgent extends Omit<AgentRegistration, 'tasks'> {
  standing: 'active' | 'disconnected' | 'unreachable';
  registeredTime: number;
  reregisteredTime?: number;
  unreachableTime?: number;
  /** frameworkId/executorId → executor and its resources. */
  executors: Map<string, { frameworkId: string; info: ExecutorInfo }>;
  /** frameworkId/taskId of the tasks on it. */
  tasks: Set<string>;
  offers: Set<string>;
  pingTimer?: unknown;
}

export interface OfferRecord {
  offer: Offer;
  frameworkId: string;
  agentId: string;
  resources: Resource[];
}
