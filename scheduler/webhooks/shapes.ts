import type { SingularityDeployUpdate, SingularityTaskHistoryUpdate } from '../../contract';
import { renderDeployHistory, taskIdObject } from '../api/singularity-shapes';
import type { DeployRecord, TaskRecord } from '../model';

/**
 * What DEPLOY and TASK webhooks receive, built from the scheduler's record changes. Pure: each
 * returns null when the change is not one Singularity would send (only `updatedAt` moved).
 * REQUEST webhooks receive the request history entries themselves (`SingularityRequestHistory`).
 */

/** A new deploy → STARTING with the deploy; a deploy getting its result → FINISHED with it. */
export function deployUpdate(next: DeployRecord, previous: DeployRecord | undefined): SingularityDeployUpdate | null {
  const h = renderDeployHistory(next);
  if (!previous) return { deployMarker: h.deployMarker, deploy: h.deploy, eventType: 'STARTING' };
  if (next.result && !previous.result) return { deployMarker: h.deployMarker, deploy: h.deploy, eventType: 'FINISHED', deployResult: h.deployResult };
  return null;
}

/**
 * A task's new state (a launch, a Mesos state change, or Singularity's TASK_CLEANING when
 * Griddle decided to kill it) as a SingularityTaskHistoryUpdate.
 */
export function taskUpdate(next: TaskRecord, previous: TaskRecord | undefined): SingularityTaskHistoryUpdate | null {
  const taskId = taskIdObject(next.taskId, next);
  if (!previous || previous.state !== next.state) {
    // A new record is Griddle's launch: Singularity (and the task's history) call it TASK_LAUNCHED.
    const taskState = !previous && next.state === 'TASK_STAGING' ? 'TASK_LAUNCHED' : next.state;
    return { taskId, timestamp: next.updatedAt, taskState, statusMessage: next.message, statusReason: next.reason, previous: [] };
  }
  if (next.killRequestedAt !== undefined && previous.killRequestedAt === undefined) {
    return { taskId, timestamp: next.killRequestedAt, taskState: 'TASK_CLEANING', statusMessage: next.killReason, previous: [] };
  }
  return null;
}
