/** The environment Mesos's agent gives an executor (or a command task): its own, the MESOS_* variables, then the command's. */
import { formatMesosDuration } from '../mesos-proto';
import type { AgentState, RunningExecutor } from './agent-state';

export type CommandEnvSource = { environment?: { variables?: { name: string; value?: string; type?: string }[] } };

export function executorEnv(state: AgentState, executor: RunningExecutor, extra: CommandEnvSource): Record<string, string> {
  const checkpoint = executor.framework.checkpoint === true;
  const graceNs = executor.info.shutdown_grace_period?.nanoseconds;
  const graceMs = graceNs !== undefined ? graceNs / 1e6 : state.options.executorShutdownGraceMs ?? 5000;
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  Object.assign(env, {
    MESOS_FRAMEWORK_ID: executor.frameworkId,
    MESOS_EXECUTOR_ID: executor.info.executor_id.value,
    MESOS_DIRECTORY: executor.directory,
    MESOS_SANDBOX: executor.directory,
    MESOS_SLAVE_ID: state.id,
    MESOS_AGENT_ID: state.id,
    MESOS_SLAVE_PID: `slave(1)@${state.hostname}:${state.port}`,
    MESOS_AGENT_ENDPOINT: `${state.hostname}:${state.port}`,
    MESOS_CHECKPOINT: checkpoint ? '1' : '0',
    MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD: formatMesosDuration(graceMs),
    MESOS_HTTP_COMMAND_EXECUTOR: '0',
  });
  if (checkpoint) {
    env.MESOS_RECOVERY_TIMEOUT = '15mins';
    env.MESOS_SUBSCRIPTION_BACKOFF_MAX = '2secs';
  }
  for (const variable of extra.environment?.variables ?? []) {
    if (variable.type === 'SECRET') continue;
    env[variable.name] = variable.value ?? '';
  }
  return env;
}
