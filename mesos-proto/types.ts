/**
 * TypeScript shapes of the Mesos v1 messages Griddle uses, in Mesos's JSON mapping: snake_case
 * field names, enums as their string names, bytes as base64 strings, 64-bit integers as
 * numbers. Both codecs (JSON and protobuf) decode into, and encode from, these shapes.
 */

export interface Id { value: string }
export type FrameworkID = Id;
export type OfferID = Id;
export type AgentID = Id;
export type TaskID = Id;
export type ExecutorID = Id;
export interface ContainerID { value: string; parent?: ContainerID }

export interface DurationInfo { nanoseconds: number }
export interface TimeInfo { nanoseconds: number }
export interface Address { hostname?: string; ip?: string; port: number }
export interface Parameter { key: string; value: string }
export interface URL { scheme: string; address: Address; path?: string; query?: Parameter[]; fragment?: string }

export interface Label { key: string; value?: string }
export interface Labels { labels?: Label[] }

export type FrameworkCapabilityType =
  | 'UNKNOWN' | 'REVOCABLE_RESOURCES' | 'TASK_KILLING_STATE' | 'GPU_RESOURCES' | 'SHARED_RESOURCES'
  | 'PARTITION_AWARE' | 'MULTI_ROLE' | 'RESERVATION_REFINEMENT' | 'REGION_AWARE';

export interface FrameworkInfo {
  user: string;
  name: string;
  id?: FrameworkID;
  failover_timeout?: number;
  checkpoint?: boolean;
  role?: string;
  roles?: string[];
  hostname?: string;
  principal?: string;
  webui_url?: string;
  capabilities?: { type?: FrameworkCapabilityType }[];
  labels?: Labels;
}

export type ValueType = 'SCALAR' | 'RANGES' | 'SET' | 'TEXT';
export interface Scalar { value: number }
export interface Range { begin: number; end: number }
export interface Ranges { range?: Range[] }
export interface ValueSet { item?: string[] }
export interface Text { value: string }

export interface Attribute {
  name: string;
  type: ValueType;
  scalar?: Scalar;
  ranges?: Ranges;
  set?: ValueSet;
  text?: Text;
}

export interface Resource {
  name: string;
  type: ValueType;
  scalar?: Scalar;
  ranges?: Ranges;
  set?: ValueSet;
  role?: string;
  allocation_info?: { role?: string };
  reservation?: { type?: 'UNKNOWN' | 'STATIC' | 'DYNAMIC'; role?: string; principal?: string; labels?: Labels };
}

export interface MasterInfo {
  id: string;
  ip: number;
  port: number;
  pid?: string;
  hostname?: string;
  version?: string;
  address?: Address;
}

export interface AgentInfo {
  hostname: string;
  port?: number;
  resources?: Resource[];
  attributes?: Attribute[];
  id?: AgentID;
}

export interface EnvironmentVariable { name: string; type?: 'UNKNOWN' | 'VALUE' | 'SECRET'; value?: string }
export interface Environment { variables?: EnvironmentVariable[] }

export interface CommandURI { value: string; executable?: boolean; extract?: boolean; cache?: boolean; output_file?: string }
export interface CommandInfo {
  uris?: CommandURI[];
  environment?: Environment;
  shell?: boolean;
  value?: string;
  arguments?: string[];
  user?: string;
}

export interface Volume { mode: 'RW' | 'RO'; container_path: string; host_path?: string }
export interface PortMapping { host_port: number; container_port: number; protocol?: string }
export type DockerNetwork = 'HOST' | 'BRIDGE' | 'NONE' | 'USER';
export interface DockerInfo {
  image: string;
  network?: DockerNetwork;
  port_mappings?: PortMapping[];
  privileged?: boolean;
  parameters?: Parameter[];
  force_pull_image?: boolean;
}
export interface NetworkInfo { name?: string; groups?: string[]; labels?: Labels; port_mappings?: PortMapping[] }
export interface ContainerInfo {
  type: 'DOCKER' | 'MESOS';
  volumes?: Volume[];
  hostname?: string;
  docker?: DockerInfo;
  network_infos?: NetworkInfo[];
}

export type HealthCheckType = 'UNKNOWN' | 'COMMAND' | 'HTTP' | 'TCP';
export interface HealthCheck {
  type?: HealthCheckType;
  delay_seconds?: number;
  interval_seconds?: number;
  timeout_seconds?: number;
  consecutive_failures?: number;
  grace_period_seconds?: number;
  command?: CommandInfo;
  http?: { port: number; path?: string; scheme?: string; statuses?: number[]; protocol?: 'IPv4' | 'IPv6' };
  tcp?: { port: number; protocol?: 'IPv4' | 'IPv6' };
}

export interface KillPolicy { grace_period?: DurationInfo }

export interface ExecutorInfo {
  type?: 'UNKNOWN' | 'DEFAULT' | 'CUSTOM';
  executor_id: ExecutorID;
  framework_id?: FrameworkID;
  command?: CommandInfo;
  container?: ContainerInfo;
  resources?: Resource[];
  name?: string;
  source?: string;
  data?: string;
  shutdown_grace_period?: DurationInfo;
  labels?: Labels;
}

export interface Port { number: number; name?: string; protocol?: string; labels?: Labels }
export interface DiscoveryInfo {
  visibility: 'FRAMEWORK' | 'CLUSTER' | 'EXTERNAL';
  name?: string;
  environment?: string;
  location?: string;
  version?: string;
  ports?: { ports?: Port[] };
  labels?: Labels;
}

export interface TaskInfo {
  name: string;
  task_id: TaskID;
  agent_id: AgentID;
  resources?: Resource[];
  executor?: ExecutorInfo;
  command?: CommandInfo;
  container?: ContainerInfo;
  health_check?: HealthCheck;
  kill_policy?: KillPolicy;
  data?: string;
  labels?: Labels;
  discovery?: DiscoveryInfo;
  max_completion_time?: DurationInfo;
  limits?: Record<string, Scalar>;
}

export const TASK_STATES = [
  'TASK_STAGING', 'TASK_STARTING', 'TASK_RUNNING', 'TASK_KILLING', 'TASK_FINISHED', 'TASK_FAILED',
  'TASK_KILLED', 'TASK_ERROR', 'TASK_LOST', 'TASK_DROPPED', 'TASK_UNREACHABLE', 'TASK_GONE',
  'TASK_GONE_BY_OPERATOR', 'TASK_UNKNOWN',
] as const;
export type TaskState = (typeof TASK_STATES)[number];

const TERMINAL: ReadonlySet<TaskState> = new Set<TaskState>([
  'TASK_FINISHED', 'TASK_FAILED', 'TASK_KILLED', 'TASK_LOST', 'TASK_ERROR', 'TASK_DROPPED',
  'TASK_GONE', 'TASK_GONE_BY_OPERATOR',
]);
/** Mesos's terminal states: no update follows them. */
export function isTerminalState(state: TaskState): boolean {
  return TERMINAL.has(state);
}

export type TaskStatusSource = 'SOURCE_MASTER' | 'SOURCE_AGENT' | 'SOURCE_EXECUTOR';
export type TaskStatusReason =
  | 'REASON_COMMAND_EXECUTOR_FAILED' | 'REASON_CONTAINER_LAUNCH_FAILED' | 'REASON_CONTAINER_LIMITATION'
  | 'REASON_CONTAINER_LIMITATION_DISK' | 'REASON_CONTAINER_LIMITATION_MEMORY' | 'REASON_CONTAINER_PREEMPTED'
  | 'REASON_CONTAINER_UPDATE_FAILED' | 'REASON_MAX_COMPLETION_TIME_REACHED'
  | 'REASON_EXECUTOR_REGISTRATION_TIMEOUT' | 'REASON_EXECUTOR_REREGISTRATION_TIMEOUT'
  | 'REASON_EXECUTOR_TERMINATED' | 'REASON_EXECUTOR_UNREGISTERED' | 'REASON_FRAMEWORK_REMOVED'
  | 'REASON_GC_ERROR' | 'REASON_INVALID_FRAMEWORKID' | 'REASON_INVALID_OFFERS' | 'REASON_IO_SWITCHBOARD_EXITED'
  | 'REASON_MASTER_DISCONNECTED' | 'REASON_RECONCILIATION' | 'REASON_RESOURCES_UNKNOWN'
  | 'REASON_AGENT_DISCONNECTED' | 'REASON_AGENT_DRAINING' | 'REASON_AGENT_REMOVED'
  | 'REASON_AGENT_REMOVED_BY_OPERATOR' | 'REASON_AGENT_REREGISTERED' | 'REASON_AGENT_RESTARTED'
  | 'REASON_AGENT_UNKNOWN' | 'REASON_TASK_KILLED_DURING_LAUNCH' | 'REASON_TASK_CHECK_STATUS_UPDATED'
  | 'REASON_TASK_HEALTH_CHECK_STATUS_UPDATED' | 'REASON_TASK_GROUP_INVALID' | 'REASON_TASK_GROUP_UNAUTHORIZED'
  | 'REASON_TASK_INVALID' | 'REASON_TASK_UNAUTHORIZED' | 'REASON_TASK_UNKNOWN';

export interface TaskStatus {
  task_id: TaskID;
  state: TaskState;
  message?: string;
  source?: TaskStatusSource;
  reason?: TaskStatusReason;
  data?: string;
  agent_id?: AgentID;
  executor_id?: ExecutorID;
  timestamp?: number;
  /** base64 of the 16 raw UUID bytes */
  uuid?: string;
  healthy?: boolean;
  labels?: Labels;
  container_status?: { container_id?: ContainerID; executor_pid?: number };
  unreachable_time?: TimeInfo;
}

export interface Filters { refuse_seconds?: number }

export interface OfferOperation {
  type?: 'UNKNOWN' | 'LAUNCH' | 'LAUNCH_GROUP' | 'RESERVE' | 'UNRESERVE' | 'CREATE' | 'DESTROY'
    | 'GROW_VOLUME' | 'SHRINK_VOLUME' | 'CREATE_DISK' | 'DESTROY_DISK';
  id?: Id;
  launch?: { task_infos?: TaskInfo[] };
  launch_group?: { executor: ExecutorInfo; task_group: { tasks?: TaskInfo[] } };
}

export interface Offer {
  id: OfferID;
  framework_id: FrameworkID;
  agent_id: AgentID;
  hostname: string;
  url?: URL;
  resources?: Resource[];
  attributes?: Attribute[];
  executor_ids?: ExecutorID[];
  allocation_info?: { role?: string };
}

// ---- mesos.v1.scheduler ----

export type SchedulerCallType =
  | 'UNKNOWN' | 'SUBSCRIBE' | 'TEARDOWN' | 'ACCEPT' | 'DECLINE' | 'ACCEPT_INVERSE_OFFERS'
  | 'DECLINE_INVERSE_OFFERS' | 'REVIVE' | 'KILL' | 'SHUTDOWN' | 'ACKNOWLEDGE'
  | 'ACKNOWLEDGE_OPERATION_STATUS' | 'RECONCILE' | 'RECONCILE_OPERATIONS' | 'MESSAGE' | 'REQUEST'
  | 'SUPPRESS' | 'UPDATE_FRAMEWORK';

export interface SchedulerCall {
  framework_id?: FrameworkID;
  type?: SchedulerCallType;
  subscribe?: { framework_info: FrameworkInfo; suppressed_roles?: string[] };
  accept?: { offer_ids?: OfferID[]; operations?: OfferOperation[]; filters?: Filters };
  decline?: { offer_ids?: OfferID[]; filters?: Filters };
  revive?: { roles?: string[] };
  kill?: { task_id: TaskID; agent_id?: AgentID; kill_policy?: KillPolicy };
  shutdown?: { executor_id: ExecutorID; agent_id: AgentID };
  acknowledge?: { agent_id: AgentID; task_id: TaskID; uuid: string };
  reconcile?: { tasks?: { task_id: TaskID; agent_id?: AgentID }[] };
  message?: { agent_id: AgentID; executor_id: ExecutorID; data: string };
  suppress?: { roles?: string[] };
  accept_inverse_offers?: { inverse_offer_ids?: OfferID[]; filters?: Filters };
  decline_inverse_offers?: { inverse_offer_ids?: OfferID[]; filters?: Filters };
  request?: { requests?: { agent_id?: AgentID; resources?: Resource[] }[] };
  update_framework?: { framework_info: FrameworkInfo; suppressed_roles?: string[] };
}

export type SchedulerEventType =
  | 'UNKNOWN' | 'SUBSCRIBED' | 'OFFERS' | 'INVERSE_OFFERS' | 'RESCIND' | 'RESCIND_INVERSE_OFFER'
  | 'UPDATE' | 'UPDATE_OPERATION_STATUS' | 'MESSAGE' | 'FAILURE' | 'ERROR' | 'HEARTBEAT';

export interface SchedulerEvent {
  type?: SchedulerEventType;
  subscribed?: { framework_id: FrameworkID; heartbeat_interval_seconds?: number; master_info?: MasterInfo };
  offers?: { offers?: Offer[] };
  rescind?: { offer_id: OfferID };
  update?: { status: TaskStatus };
  message?: { agent_id: AgentID; executor_id: ExecutorID; data: string };
  failure?: { agent_id?: AgentID; executor_id?: ExecutorID; status?: number };
  error?: { message: string };
}

// ---- mesos.v1.executor ----

export type ExecutorCallType = 'UNKNOWN' | 'SUBSCRIBE' | 'UPDATE' | 'MESSAGE' | 'HEARTBEAT';
export interface ExecutorCall {
  executor_id: ExecutorID;
  framework_id: FrameworkID;
  type?: ExecutorCallType;
  subscribe?: { unacknowledged_tasks?: TaskInfo[]; unacknowledged_updates?: { status: TaskStatus }[] };
  update?: { status: TaskStatus };
  message?: { data: string };
}

export type ExecutorEventType =
  | 'UNKNOWN' | 'SUBSCRIBED' | 'LAUNCH' | 'LAUNCH_GROUP' | 'KILL' | 'ACKNOWLEDGED' | 'MESSAGE'
  | 'ERROR' | 'SHUTDOWN' | 'HEARTBEAT';
export interface ExecutorEvent {
  type?: ExecutorEventType;
  subscribed?: { executor_info: ExecutorInfo; framework_info: FrameworkInfo; agent_info: AgentInfo; container_id?: ContainerID };
  acknowledged?: { task_id: TaskID; uuid: string };
  launch?: { task: TaskInfo };
  launch_group?: { task_group: { tasks?: TaskInfo[] } };
  kill?: { task_id: TaskID; kill_policy?: KillPolicy };
  message?: { data: string };
  error?: { message: string };
}

/** Message names the codecs know, with their TypeScript shapes. */
export interface MessageTypes {
  'mesos.v1.scheduler.Call': SchedulerCall;
  'mesos.v1.scheduler.Event': SchedulerEvent;
  'mesos.v1.executor.Call': ExecutorCall;
  'mesos.v1.executor.Event': ExecutorEvent;
  'mesos.v1.TaskInfo': TaskInfo;
  'mesos.v1.TaskStatus': TaskStatus;
  'mesos.v1.FrameworkInfo': FrameworkInfo;
  'mesos.v1.MasterInfo': MasterInfo;
  'mesos.v1.Offer': Offer;
  'mesos.v1.Resource': Resource;
}
export type MessageName = keyof MessageTypes;
