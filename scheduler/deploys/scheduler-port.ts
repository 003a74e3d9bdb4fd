import type { EventEmitter } from 'node:events';
import type { DeployRecord, DesiredDeployment, RequestRecord, TaskRecord } from '../model';

/**
 * The part of the scheduler core (`scheduler/core` Scheduler) the deploy engine and the API use.
 * Kept narrow so the engine's tests can drive it with an in-memory stand-in.
 */
export interface SchedulerPort {
  readonly requests: Map<string, RequestRecord>;
  /** Key `requestId/deployId`. */
  readonly deploys: Map<string, DeployRecord>;
  readonly tasks: Map<string, TaskRecord>;
  /** Key `requestId/deployId`: why instances are missing. */
  readonly pendingReasons: Map<string, string>;
  readonly events: EventEmitter;
  putRequest(record: RequestRecord): void;
  putDeploy(record: DeployRecord): void;
  deleteRequest(requestId: string): void;
  killTask(taskId: string, why: string): Promise<void>;
  setDesiredProvider(fn: () => DesiredDeployment[]): void;
  poke(): void;
}

export const deployKey = (requestId: string, deployId: string): string => `${requestId}/${deployId}`;
