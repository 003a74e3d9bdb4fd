/** griddle-executor: the Mesos custom executor that runs one Docker task with Vault secrets and health checks. */
export { Executor, type ExecutorOptions } from './executor';
export {
  EXECUTOR_DEFAULTS, ConfigError, readExecutorSettings, readMesosEnvironment, readVaultSettings,
  type ExecutorSettings, type MesosEnvironment, type VaultSettings,
} from './config';
export {
  LABEL_AGENT_ID, LABEL_EXECUTOR_ID, LABEL_EXECUTOR_PID, LABEL_EXECUTOR_START, LABEL_FRAMEWORK_ID, LABEL_TASK_ID,
  buildContainerPlan, containerName, taskIdentity,
} from './container-spec';
export { collectGarbage, planSweep } from './gc';
export { HEALTH_FAILED_PREFIX } from './task-runner';
export { parseVaultRef, isVaultRef } from './vault-paths';
