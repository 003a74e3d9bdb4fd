export { DeployEngine, DeployEngineError } from './deploy-engine';
export type { DeployEngineEvent, DeployEngineOptions, SubmitDeploy } from './deploy-engine';
export { evaluateDeploy, startDeploy, desiredFor, progressView, isHealthCheckFailure, instancesOf } from './deploy-machine';
export type { DeployProgress, DeployContext, DeployDecision, DeployKind } from './deploy-machine';
export { stepBudgetMs, usesHealthchecks } from './deploy-budget';
export { RunBook } from './run-book';
export { pickRollbackSource, rollbackDeployId } from './rollback';
export type { SchedulerPort } from './scheduler-port';
export { deployKey } from './scheduler-port';
