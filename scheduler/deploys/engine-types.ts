import type { Logger } from '../../common';
import type { DeployResult, SingularityDeploy, SingularityRequest } from '../model';
import type { DeployKind } from './deploy-machine';
import type { FinishedRun } from './run-book';

/** Why the engine refused an operation; the API maps `kind` to 404/409/400. */
export class DeployEngineError extends Error {
  constructor(readonly kind: 'not-found' | 'conflict' | 'invalid', message: string) {
    super(message);
  }
}

export type DeployEngineEvent =
  | { type: 'deploy.started'; requestId: string; deployId: string; kind: DeployKind; previousDeployId?: string; rollbackOf?: string; message?: string }
  | { type: 'deploy.step'; requestId: string; deployId: string; kind: DeployKind; step: number; targetActiveInstances: number }
  | { type: 'deploy.step-complete'; requestId: string; deployId: string; kind: DeployKind; step: number; targetActiveInstances: number; healthy: number; retiredTaskIds: string[] }
  | { type: 'deploy.finished'; requestId: string; deployId: string; kind: DeployKind; deployResult: DeployResult }
  | { type: 'deploy.rollback'; requestId: string; failedDeployId: string; restoredDeployId: string; instances: number; reason: string }
  | { type: 'request.updated'; requestId: string; state: string; action: string }
  | { type: 'run.finished'; requestId: string; deployId: string; runId: string; outcome: FinishedRun['outcome']; lastTaskState: string; taskId?: string };

/** How the engine's parts publish an event on the engine. */
export type EmitEngineEvent = (event: DeployEngineEvent) => void;

export interface DeployEngineOptions {
  now?: () => number;
  /** How often timeouts, step waits and cron schedules are checked; 0 = never (tests call tick()). */
  tickMs?: number;
  log?: Logger;
}

export interface SubmitDeploy {
  deploy: SingularityDeploy;
  unpauseOnSuccessfulDeploy?: boolean;
  message?: string;
  updatedRequest?: SingularityRequest;
  rollbackOf?: string;
}

/** Request types whose tasks run until stopped (deploys roll them); the others run to completion. */
export const LONG_RUNNING: ReadonlySet<string> = new Set(['SERVICE', 'WORKER']);
/** Request states the engine treats as no request at all. */
export const GONE: ReadonlySet<string> = new Set(['DELETED', 'DELETING']);
