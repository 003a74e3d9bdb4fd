/**
 * The container's environment, as apps found it under Singularity + sidecar-executor. Pure: the
 * sources and facts come in, secrets already resolved, so every precedence rule is unit-tested.
 *
 * Lowest to highest:
 *  1. Singularity's task variables (`TASK_HOST`, `TASK_ID`, `INSTANCE_NO`, ...), `PORT0..n`
 *     (host ports) and, in HOST mode only, `PORT`; and the `SERVICE_NAME`/`ENVIRONMENT_NAME`
 *     fallbacks from Griddle's own labels. Singularity let `PORT*` override the deploy's env and
 *     set `PORT` in BRIDGE mode too; here the deploy's env wins and BRIDGE tasks get no `PORT`,
 *     because apps bind `$PORT` and a host port is not theirs to bind in a bridge network;
 *  2. the executor's command environment (Nmesos `executor.env_vars`; Singularity put its task
 *     variables there too), without the executor's own settings (`EXECUTOR_*`, `VAULT_*`, ...);
 *  3. the task's env (the deploy's `env`);
 *  4. docker `env` parameters (Nmesos `container.env_vars`), as `docker run -e` after the rest;
 *  5. facts of the launch that nothing may shadow: `MESOS_PORT_<p>`, `MESOS_HOSTNAME`, and the
 *     values sidecar-executor derived from labels (`ServiceName` → `SERVICE_NAME`, ...).
 */
import type { TaskInfo } from '../mesos-proto';
import { isVaultRef } from './vault-paths';

/** Variables that configure the executor and never reach the container (VAULT_TOKEN above all). */
const EXECUTOR_ONLY = /^(EXECUTOR_|VAULT_|MESOS_|LIBPROCESS_|GRIDDLE_|DOCKER_)/;

export type EnvPairs = readonly (readonly [string, string])[];

export interface EnvSources {
  /** ExecutorInfo.command.environment, as written. */
  executorEnv: EnvPairs;
  /** The task's CommandInfo environment, as written. */
  taskEnv: EnvPairs;
  /** docker `env`/`e` parameters, in order, split at the first '='. */
  envParameters: EnvPairs;
}

export interface TaskFacts {
  taskId: string;
  /** The agent's hostname (Singularity's TASK_HOST, sidecar-executor's MESOS_HOSTNAME). */
  host: string;
  requestId?: string;
  deployId?: string;
  rackId?: string;
  instanceNo?: number;
  instanceCount?: number;
  /** Host ports in the order they were allocated. */
  hostPorts: readonly number[];
  /** `PORT` is set only in HOST mode: in BRIDGE mode apps bind `PORT`, and a host port there is not theirs to bind. */
  hostNetwork: boolean;
  /** `MESOS_PORT_<container port>` → host port. */
  mesosPorts: EnvPairs;
  /** Griddle's fallbacks, used only when the deploy's env does not set them. */
  defaults: EnvPairs;
  /** From sidecar-executor's labels: they win over any env, as they did there. */
  fromLabels: EnvPairs;
}

export function executorPassThrough(executorEnv: EnvPairs): EnvPairs {
  return executorEnv.filter(([name]) => !EXECUTOR_ONLY.test(name));
}

/** Singularity's own task variables, in its order; absent facts are left out as it did. */
export function singularityVariables(facts: TaskFacts): [string, string][] {
  const vars: [string, string | number | undefined][] = [
    ['INSTANCE_NO', facts.instanceNo],
    ['TASK_HOST', facts.host],
    ['TASK_RACK_ID', facts.rackId],
    ['TASK_REQUEST_ID', facts.requestId],
    ['TASK_DEPLOY_ID', facts.deployId],
    ['TASK_ID', facts.taskId],
    ['ESTIMATED_INSTANCE_COUNT', facts.instanceCount],
  ];
  return vars.filter((v): v is [string, string | number] => v[1] !== undefined && v[1] !== '').map(([k, v]) => [k, String(v)]);
}

export function portVariables(hostPorts: readonly number[], hostNetwork: boolean): [string, string][] {
  if (hostPorts.length === 0) return [];
  const port: [string, string][] = hostNetwork ? [['PORT', String(hostPorts[0])]] : [];
  return [...port, ...hostPorts.map((p, i): [string, string] => [`PORT${i}`, String(p)])];
}

/**
 * The final env, in Docker's `NAME=value` form, with `vault://` values replaced from `secrets`
 * (reference → value). Throws on a reference that was not resolved.
 */
export function buildContainerEnv(sources: EnvSources, facts: TaskFacts, secrets: ReadonlyMap<string, string>): string[] {
  const env = new Map<string, string>();
  const layer = (pairs: EnvPairs, resolve: boolean) => {
    for (const [name, value] of pairs) {
      if (resolve && isVaultRef(value)) {
        const secret = secrets.get(value);
        if (secret === undefined) throw new Error(`env ${name}: vault reference was not resolved`);
        env.set(name, secret);
      } else {
        env.set(name, value);
      }
    }
  };
  layer(singularityVariables(facts), false);
  layer(portVariables(facts.hostPorts, facts.hostNetwork), false);
  layer(facts.defaults, false);
  layer(executorPassThrough(sources.executorEnv), true);
  layer(sources.taskEnv, true);
  layer(sources.envParameters, true);
  layer(facts.mesosPorts, false);
  layer([['MESOS_HOSTNAME', facts.host]], false);
  layer(facts.fromLabels, false);
  return [...env].map(([k, v]) => `${k}=${v}`);
}

/** Every `vault://` value the container's env will need, with the first env name using it. */
export function envVaultReferences(sources: EnvSources): [string, string][] {
  const seen = new Map<string, string>();
  for (const [name, value] of [...executorPassThrough(sources.executorEnv), ...sources.taskEnv, ...sources.envParameters]) {
    if (isVaultRef(value) && !seen.has(value)) seen.set(value, name);
  }
  return [...seen].map(([ref, name]) => [name, ref]);
}

/** Host ports: the task's `ports` resources in order, else the BRIDGE mappings' host ports. */
export function hostPortsOf(task: TaskInfo, resourcePorts: readonly number[]): number[] {
  if (resourcePorts.length > 0) return [...resourcePorts];
  return (task.container?.docker?.port_mappings ?? []).map((m) => m.host_port).filter((p) => p > 0);
}
