export { Scheduler, defaultExecutorPath, type SchedulerEvents, type SchedulerOptions, type DesiredProvider, type KillGate, type AgentInfoSeen } from './scheduler';
export { defaultDesired, type DesiredStateView } from './desired-state';
export { planReconcile, countsAsInstance, deployKey, type ReconcilePlan, type PlannedKill, type PlannedLaunch } from './reconcile-plan';
export { backoffDelayMs, recordFailure, remainingBackoffMs, isHealthyRun, type CrashState } from './crash-backoff';
export { instanceKey, isLaunchFailure, launchBackoffDelayMs, launchBackoffReason, recordLaunchFailure, type LaunchBackoff } from './launch-backoff';
export { applyStatus, endsTask, type StatusOutcome } from './status-policy';
export { legacyTaskIdOf, makeTaskId, parseTaskId, rackOf, type ParsedTaskId } from './task-id';
export { buildTaskInfo, healthCheck, taskCommand, decodeTaskCommand, taskLabels } from './task-info';
export { Reconciler, RECONCILE_INTERVAL_MS, type ReconcileStats } from './reconciliation';
