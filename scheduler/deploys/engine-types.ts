import type { Logger } from '../../common';
import type { DeployEvent } from '../../contract';
import type { AcceptanceRunner } from '../acceptance/http-adapter';
import type { SingularityDeploy, SingularityRequest } from '../model';

/** Why the engine refused an operation; the API maps `kind` to 404/409/400. */
export class DeployEngineError extends Error {
  constructor(readonly kind: 'not-found' | 'conflict' | 'invalid', message: string) {
    super(message);
  }
}

/** The engine publishes the contract's deploy events, plus request changes the API re-reads. */
export type DeployEngineEvent =
  | DeployEvent
  | { type: 'request.updated'; requestId: string; state: string; action: string };

/** How the engine's parts publish an event on the engine. */
export type EmitEngineEvent = (event: DeployEngineEvent) => void;

export interface DeployEngineOptions {
  now?: () => number;
  /** How often timeouts, step waits and cron schedules are checked; 0 = never (tests call tick()). */
  tickMs?: number;
  log?: Logger;
  /** Acceptance checks: how they run (default: over HTTP) and how often an inconclusive one is asked again. */
  acceptance?: { run?: AcceptanceRunner; pollMs?: number };
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
