/**
 * Validation of an ACCEPT call, as Mesos's master does it (src/master/validation.cpp): first
 * the offers (all known, owned, on one agent), then every task of every LAUNCH against what
 * is left of the offered resources. Pure: the master passes in what it knows and applies the
 * verdicts (launch, or a terminal update with the message Mesos uses).
 */
import {
  addResources, containsResources, subtractResources,
  type CommandInfo, type ContainerInfo, type ExecutorInfo, type HealthCheck, type OfferOperation, type Resource, type TaskInfo, type TaskState, type TaskStatusReason,
} from '../mesos-proto';

export interface OfferView {
  id: string;
  frameworkId: string;
  agentId: string;
  resources: Resource[];
}

export interface AcceptContext {
  frameworkId: string;
  partitionAware: boolean;
  offerIds: string[];
  operations: OfferOperation[];
  findOffer(offerId: string): OfferView | undefined;
  /** True when the framework already has a task with this id (active or unreachable). */
  taskIdInUse(taskId: string): boolean;
  /** The ExecutorInfo already running on the agent under this id, if any. */
  existingExecutor(agentId: string, executorId: string): ExecutorInfo | undefined;
}

export interface Rejection {
  task: TaskInfo;
  state: TaskState;
  reason: TaskStatusReason;
  message: string;
}

export interface AcceptVerdict {
  /** The offers' agent, when the offers were valid. */
  agentId?: string;
  /** Offers to remove (known ones owned by the framework, valid or not). */
  usedOfferIds: string[];
  launches: TaskInfo[];
  rejections: Rejection[];
  /** Offered resources no task took: they go back to the allocator with the call's filter. */
  leftover: Resource[];
  /** Resources taken by the launched tasks and their new executors. */
  consumed: Resource[];
  /** Operations mesos-local does not perform (reservations, volumes); logged by the caller. */
  ignoredOperations: string[];
}

export function validateAccept(ctx: AcceptContext): AcceptVerdict {
  const verdict: AcceptVerdict = { usedOfferIds: [], launches: [], rejections: [], leftover: [], consumed: [], ignoredOperations: [] };
  const known = ctx.offerIds.map((id) => ctx.findOffer(id)).filter((o): o is OfferView => o !== undefined && o.frameworkId === ctx.frameworkId);
  verdict.usedOfferIds = known.map((o) => o.id);

  const offerError = validateOffers(ctx);
  if (offerError) {
    // Mesos discards every known offer of the call and drops the tasks (the resources return).
    verdict.leftover = known.reduce<Resource[]>((acc, o) => addResources(acc, o.resources), []);
    const state: TaskState = ctx.partitionAware ? 'TASK_DROPPED' : 'TASK_LOST';
    for (const task of launchTasks(ctx.operations)) {
      verdict.rejections.push({ task, state, reason: 'REASON_INVALID_OFFERS', message: `Task launched with invalid offers: ${offerError}` });
    }
    return verdict;
  }

  const agentId = known[0].agentId;
  verdict.agentId = agentId;
  let remaining = known.reduce<Resource[]>((acc, o) => addResources(acc, o.resources), []);
  const seenTaskIds = new Set<string>();
  const newExecutors = new Map<string, ExecutorInfo>();

  for (const operation of ctx.operations) {
    if (operation.type === 'LAUNCH_GROUP') {
      for (const task of operation.launch_group?.task_group.tasks ?? []) {
        verdict.rejections.push({ task, state: 'TASK_ERROR', reason: 'REASON_TASK_GROUP_INVALID', message: 'LAUNCH_GROUP is not supported by mesos-local' });
      }
      continue;
    }
    if (operation.type !== 'LAUNCH') {
      verdict.ignoredOperations.push(operation.type ?? 'UNKNOWN');
      continue;
    }
    for (const task of operation.launch?.task_infos ?? []) {
      const existing = task.executor
        ? newExecutors.get(task.executor.executor_id.value) ?? ctx.existingExecutor(agentId, task.executor.executor_id.value)
        : undefined;
      const error = validateTask(task, { ...ctx, agentId, seenTaskIds, existing, remaining });
      if (error) {
        verdict.rejections.push({ task, state: 'TASK_ERROR', reason: 'REASON_TASK_INVALID', message: error });
        continue;
      }
      const needed = taskAndNewExecutorResources(task, existing);
      remaining = subtractResources(remaining, needed);
      verdict.consumed = addResources(verdict.consumed, needed);
      seenTaskIds.add(task.task_id.value);
      if (task.executor && !existing) newExecutors.set(task.executor.executor_id.value, task.executor);
      verdict.launches.push(task);
    }
  }
  verdict.leftover = remaining;
  return verdict;
}

function launchTasks(operations: readonly OfferOperation[]): TaskInfo[] {
  return operations.flatMap((op) => {
    if (op.type === 'LAUNCH') return op.launch?.task_infos ?? [];
    if (op.type === 'LAUNCH_GROUP') return op.launch_group?.task_group.tasks ?? [];
    return [];
  });
}

function validateOffers(ctx: AcceptContext): string | null {
  if (ctx.offerIds.length === 0) return 'No offers specified';
  const seen = new Set<string>();
  let agentId: string | undefined;
  for (const id of ctx.offerIds) {
    if (seen.has(id)) return `Duplicate offer ${id} in the accept call`;
    seen.add(id);
    const offer = ctx.findOffer(id);
    if (!offer) return `Offer ${id} is no longer valid`;
    if (offer.frameworkId !== ctx.frameworkId) return `Offer ${id} has invalid framework ${offer.frameworkId} while framework ${ctx.frameworkId} is expected`;
    if (agentId !== undefined && offer.agentId !== agentId) return `Aggregated offers must belong to one single agent. Offer ${id} uses agent ${offer.agentId} and agent ${agentId}`;
    agentId = offer.agentId;
  }
  return null;
}

/** Mesos's common ID rules (stout's validateID). */
export function validateId(value: string): string | null {
  if (value.length === 0) return 'ID must not be empty';
  if (value.length > 255) return 'ID must not be greater than 255 characters';
  if (value === '.' || value === '..') return "'.' and '..' are disallowed";
  if (value.includes('/')) return "'/' is disallowed";
  // eslint-disable-next-line no-control-regex
  if (/[\s\x00-\x1f\x7f]/.test(value)) return 'Whitespace and control characters are disallowed';
  return null;
}

interface TaskCheckContext {
  frameworkId: string;
  agentId: string;
  seenTaskIds: Set<string>;
  existing: ExecutorInfo | undefined;
  remaining: Resource[];
  taskIdInUse(taskId: string): boolean;
}

function validateTask(task: TaskInfo, ctx: TaskCheckContext): string | null {
  const idError = validateId(task.task_id.value);
  if (idError) return `Task has an invalid TaskID: ${idError}`;
  if (ctx.seenTaskIds.has(task.task_id.value) || ctx.taskIdInUse(task.task_id.value)) return `Task has duplicate ID: ${task.task_id.value}`;
  if (task.agent_id.value !== ctx.agentId) {
    return `Task uses invalid agent: ${task.agent_id.value} (the offers are of agent ${ctx.agentId})`;
  }
  if (!task.executor === !task.command) {
    return 'Task should have at least one (but not both) of CommandInfo or ExecutorInfo present';
  }
  if (task.executor) {
    const executorError = validateExecutor(task.executor, ctx);
    if (executorError) return executorError;
  }
  if (task.command) {
    const commandError = task.command.value || task.command.shell === false ? validateCommand(task.command) : 'Command value must be set for shell commands';
    if (commandError) return `Task's \`CommandInfo\` is invalid: ${commandError}`;
  }
  if (task.container) {
    const containerError = validateContainer(task.container);
    if (containerError) return `Task's \`ContainerInfo\` is invalid: ${containerError}`;
  }
  const grace = task.kill_policy?.grace_period?.nanoseconds;
  if (grace !== undefined && grace < 0) return "Task's 'kill_policy.grace_period' must be non-negative";
  if (task.health_check) {
    const hcError = validateHealthCheck(task.health_check);
    if (hcError) return `Task uses invalid health check: ${hcError}`;
  }
  const resources = task.resources ?? [];
  if (resources.length === 0) return 'Task uses no resources';
  const invalid = invalidResource(resources);
  if (invalid) return `Task uses invalid resources: ${invalid}`;
  const total = taskAndNewExecutorResources(task, ctx.existing);
  if (!containsResources(ctx.remaining, total)) {
    return `Total resources ${formatResources(total)} required by task and its executor is more than available ${formatResources(ctx.remaining)}`;
  }
  return null;
}

function validateExecutor(executor: ExecutorInfo, ctx: TaskCheckContext): string | null {
  const idError = validateId(executor.executor_id.value);
  if (idError) return `Executor has an invalid ExecutorID: ${idError}`;
  if (executor.framework_id && executor.framework_id.value !== ctx.frameworkId) {
    return `ExecutorInfo has an invalid FrameworkID (Actual: ${executor.framework_id.value} vs Expected: ${ctx.frameworkId})`;
  }
  if (executor.type === 'CUSTOM' && !executor.command) return "'ExecutorInfo.command' must be set for 'CUSTOM' executor";
  const commandError = executor.command ? validateCommand(executor.command) : null;
  if (commandError) return `Executor's \`CommandInfo\` is invalid: ${commandError}`;
  const containerError = executor.container ? validateContainer(executor.container) : null;
  if (containerError) return `Executor's \`ContainerInfo\` is invalid: ${containerError}`;
  if (executor.type === 'DEFAULT') return "'DEFAULT' executor is only valid with LAUNCH_GROUP";
  const invalid = invalidResource(executor.resources ?? []);
  if (invalid) return `Executor uses invalid resources: ${invalid}`;
  if (ctx.existing && !sameExecutor(ctx.existing, executor, ctx.frameworkId)) {
    return `ExecutorInfo is not compatible with existing ExecutorInfo of executor ${executor.executor_id.value}`;
  }
  return null;
}

/** Mesos's common::validation::validateEnvironment, as part of validateCommandInfo. */
function validateCommand(command: CommandInfo): string | null {
  for (const variable of command.environment?.variables ?? []) {
    const type = variable.type ?? 'VALUE';
    if (type === 'UNKNOWN') return "Environment variable of type 'UNKNOWN' is not allowed";
    if (type === 'VALUE' && variable.value === undefined) return `Environment variable '${variable.name}' of type 'VALUE' must have a value set`;
    if (type === 'SECRET') return `Environment variable '${variable.name}' of type 'SECRET' must have a secret set`;
  }
  return null;
}

/** Mesos's common::validation::validateContainerInfo, for the Docker parts Griddle uses. */
function validateContainer(container: ContainerInfo): string | null {
  if (container.type === 'DOCKER' && !container.docker) return "DockerInfo 'docker' is not set for DOCKER typed ContainerInfo";
  if ((container.docker?.parameters ?? []).some((p) => p.key === 'name')) return "Parameter in DockerInfo must not be 'name'";
  return null;
}

/** Mesos's common::validation::validateHealthCheck. */
function validateHealthCheck(hc: HealthCheck): string | null {
  switch (hc.type) {
    case undefined:
    case 'UNKNOWN':
      return "HealthCheck must specify 'type'";
    case 'COMMAND': {
      if (!hc.command) return "Expecting 'command' to be set for COMMAND health check";
      if (!hc.command.value) return `Command health check must contain '${hc.command.shell === false ? 'executable path' : 'shell command'}'`;
      const commandError = validateCommand(hc.command);
      if (commandError) return `Health check's \`CommandInfo\` is invalid: ${commandError}`;
      break;
    }
    case 'HTTP': {
      if (!hc.http) return "Expecting 'http' to be set for HTTP health check";
      if (hc.http.scheme !== undefined && hc.http.scheme !== 'http' && hc.http.scheme !== 'https') return `Unsupported HTTP health check scheme: '${hc.http.scheme}'`;
      if (hc.http.path !== undefined && !hc.http.path.startsWith('/')) return `The path '${hc.http.path}' of HTTP health check must start with '/'`;
      break;
    }
    case 'TCP':
      if (!hc.tcp) return "Expecting 'tcp' to be set for TCP health check";
      break;
  }
  for (const field of ['delay_seconds', 'grace_period_seconds', 'interval_seconds', 'timeout_seconds'] as const) {
    const value = hc[field];
    if (value !== undefined && value < 0) return `Expecting '${field}' to be non-negative`;
  }
  return null;
}

function invalidResource(resources: readonly Resource[]): string | null {
  for (const r of resources) {
    if (r.type === 'SCALAR') {
      const v = r.scalar?.value;
      if (v === undefined || !Number.isFinite(v) || v < 0) return `Invalid scalar resource ${r.name}:${v}`;
    } else if (r.type === 'RANGES') {
      for (const range of r.ranges?.range ?? []) if (range.begin > range.end) return `Invalid range ${r.name}:[${range.begin}-${range.end}]`;
    } else if (r.type === 'TEXT') {
      return `Invalid resource type TEXT for ${r.name}`;
    }
  }
  return null;
}

function taskAndNewExecutorResources(task: TaskInfo, existing: ExecutorInfo | undefined): Resource[] {
  const own = task.resources ?? [];
  if (!task.executor || existing) return [...own];
  return addResources(own, task.executor.resources ?? []);
}

function sameExecutor(a: ExecutorInfo, b: ExecutorInfo, frameworkId: string): boolean {
  const normalize = (e: ExecutorInfo): string => canonicalJson({ ...e, framework_id: { value: frameworkId } });
  return normalize(a) === normalize(b);
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([x], [y]) => x.localeCompare(y));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Mesos's text form of resources, as it appears in its messages: `cpus:1; mem:128; ports:[31000-31000]`. */
export function formatResources(resources: readonly Resource[]): string {
  if (resources.length === 0) return '{}';
  return resources.map((r) => {
    if (r.type === 'SCALAR') return `${r.name}:${r.scalar?.value ?? 0}`;
    if (r.type === 'RANGES') return `${r.name}:[${(r.ranges?.range ?? []).map((x) => `${x.begin}-${x.end}`).join(', ')}]`;
    if (r.type === 'SET') return `${r.name}:{${(r.set?.item ?? []).join(', ')}}`;
    return r.name;
  }).join('; ');
}
