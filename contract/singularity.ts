/**
 * Singularity's request and deploy definitions (SingularityRequest, SingularityDeploy and their
 * parts) with Singularity's JSON field names, so Singularity clients and Nmesos work unchanged.
 * The scheduler persists them as given; the CLI builds them from deploy specs.
 */

export type RequestType = 'SERVICE' | 'WORKER' | 'SCHEDULED' | 'ON_DEMAND' | 'RUN_ONCE';
export type AgentPlacement =
  | 'SEPARATE' | 'OPTIMISTIC' | 'GREEDY' | 'SEPARATE_BY_DEPLOY' | 'SEPARATE_BY_REQUEST' | 'SPREAD_ALL_AGENTS';

export interface SingularityRequest {
  id: string;
  requestType: RequestType;
  instances?: number;
  owners?: string[];
  schedule?: string;
  numRetriesOnFailure?: number;
  agentPlacement?: AgentPlacement;
  requiredAgentAttributes?: Record<string, string>;
  allowedAgentAttributes?: Record<string, string>;
  rackSensitive?: boolean;
  loadBalanced?: boolean;
  skipHealthchecks?: boolean;
  maxTasksPerOffer?: number;
  /** 0..1 (Singularity; default 0.3): placed first when resources are short; a priority freeze holds requests below its level. */
  taskPriorityLevel?: number;
  requiredRole?: string;
  /** Singularity's authorization groups (`POST /requests/request/{id}/groups`). */
  group?: string;
  readWriteGroups?: string[];
  readOnlyGroups?: string[];
  /** Griddle: seconds a task stays DRAINING in discovery before it is killed (default 0). */
  drainSeconds?: number;
}

export type RequestState =
  | 'ACTIVE' | 'DELETING' | 'DELETED' | 'PAUSED' | 'SYSTEM_COOLDOWN' | 'FINISHED' | 'DEPLOYING_TO_UNPAUSE';

export interface Resources { cpus: number; memoryMb: number; numPorts?: number; diskMb?: number }

export interface DockerPortMapping {
  containerPortType?: 'LITERAL' | 'FROM_OFFER';
  containerPort: number;
  hostPortType?: 'LITERAL' | 'FROM_OFFER';
  hostPort: number;
  protocol?: string;
}

export interface ContainerInfoSpec {
  type: 'DOCKER' | 'MESOS';
  volumes?: { containerPath: string; hostPath?: string; mode?: 'RO' | 'RW' }[];
  docker?: {
    image: string;
    privileged?: boolean;
    network?: 'BRIDGE' | 'HOST' | 'NONE';
    portMappings?: DockerPortMapping[];
    forcePullImage?: boolean;
    dockerParameters?: { key: string; value: string }[];
  };
}

export interface HealthcheckSpec {
  uri?: string;
  portIndex?: number;
  portNumber?: number;
  protocol?: 'HTTP' | 'HTTPS' | 'TCP' | 'COMMAND';
  method?: string;
  startupDelaySeconds?: number;
  startupTimeoutSeconds?: number;
  startupIntervalSeconds?: number;
  intervalSeconds?: number;
  responseTimeoutSeconds?: number;
  maxRetries?: number;
  failureStatusCodes?: number[];
  /** Griddle: shell command for COMMAND checks (run in the container). */
  command?: string;
}

export interface SingularityDeploy {
  requestId: string;
  id: string;
  command?: string;
  arguments?: string[];
  shell?: boolean;
  user?: string;
  env?: Record<string, string>;
  uris?: string[];
  labels?: Record<string, string>;
  metadata?: Record<string, string>;
  version?: string;
  resources?: Resources;
  containerInfo?: ContainerInfoSpec;
  customExecutorCmd?: string;
  /** The executor's own resources, beside the task's (default cpus 0.1, memoryMb 64). */
  customExecutorResources?: Resources;
  executorData?: Record<string, unknown>;
  healthcheck?: HealthcheckSpec;
  deployHealthTimeoutSeconds?: number;
  considerHealthyAfterRunningForSeconds?: number;
  skipHealthchecksOnDeploy?: boolean;
  deployInstanceCountPerStep?: number;
  deployStepWaitTimeMs?: number;
  autoAdvanceDeploySteps?: boolean;
  loadBalancerGroups?: string[];
  loadBalancerPortIndex?: number;
  /** Griddle: overrides the request's drainSeconds for this deploy's tasks. */
  drainSeconds?: number;
  /** Singularity's canary rollout: groups of `instanceGroupSize`, replacing the step fields above. */
  canaryDeploySettings?: CanaryDeploySettings;
  /** Griddle: checks every step must pass before it counts as complete (see docs/operations.md). */
  acceptanceChecks?: AcceptanceCheck[];
}

/** How a step is accepted: NONE (healthy is enough), TIMED (then wait), CHECKS (acceptanceChecks pass). */
export type DeployAcceptanceMode = 'NONE' | 'TIMED' | 'CHECKS';

/** Singularity's CanaryDeploySettings; absent fields take Singularity's defaults. */
export interface CanaryDeploySettings {
  /** Default false: every instance in one step. */
  enableCanaryDeploy?: boolean;
  /** Default 1. */
  instanceGroupSize?: number;
  /** Default NONE. */
  acceptanceMode?: DeployAcceptanceMode;
  /** Only with TIMED: wait this long after a group is healthy and accepted (default 0). */
  waitMillisBetweenGroups?: number;
  /** Failed tasks a group may have (they are replaced) before the deploy fails (default 0). */
  allowedTasksFailuresPerGroup?: number;
  /** Groups of instanceGroupSize before the rest start in one final step (default 1). */
  canaryCycleCount?: number;
}

/** An HTTP hook: accepted when it answers 2xx. */
export interface HttpAcceptanceCheck {
  type: 'HTTP';
  url: string;
  timeoutSeconds?: number;
}

export type AcceptanceComparison = '<' | '<=' | '>' | '>=';

/** A PromQL instant query whose every sample must compare true with `threshold`. */
export interface PrometheusAcceptanceCheck {
  type: 'PROMETHEUS';
  /** May use `{{deployId}}`, `{{requestId}}` and `{{window}}` (e.g. `5m`, from windowSeconds). */
  query: string;
  comparison: AcceptanceComparison;
  threshold: number;
  windowSeconds?: number;
  /** Default: the scheduler's --prometheus-url. */
  prometheusUrl?: string;
  timeoutSeconds?: number;
}

export type AcceptanceCheck = HttpAcceptanceCheck | PrometheusAcceptanceCheck;

export type DeployState =
  | 'SUCCEEDED' | 'FAILED_INTERNAL_STATE' | 'CANCELING' | 'WAITING' | 'OVERDUE' | 'FAILED' | 'CANCELED';
export type DeployFailureReason =
  | 'TASK_FAILED_ON_STARTUP' | 'TASK_FAILED_HEALTH_CHECKS' | 'TASK_COULD_NOT_BE_SCHEDULED'
  | 'TASK_NEVER_ENTERED_RUNNING' | 'DEPLOY_OVERDUE';

export interface DeployFailure { reason: DeployFailureReason; taskId?: string; message?: string }
export interface DeployResult { deployState: DeployState; message?: string; deployFailures: DeployFailure[]; timestamp: number }
