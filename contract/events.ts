/**
 * The server-sent events of `GET /api/events`. Each frame is `event: <type>` with
 * `data: { id, type, at, ...payload }`; a client that resumes too far behind gets one `gap`
 * event and must re-read state.
 */
import type { TaskState, TaskStatusReason } from '../mesos-proto';
import type { DeployResult, RequestState } from './singularity';

export type DeployKind = 'deploy' | 'bounce';
export type RunOutcome = 'SUCCEEDED' | 'FAILED' | 'KILLED';

export interface TaskStatusEvent {
  type: 'task.status';
  requestId: string;
  deployId: string;
  taskId: string;
  state: TaskState;
  previousState?: TaskState;
  healthy?: boolean;
  reason?: TaskStatusReason;
  message?: string;
  host: string;
  killRequested: boolean;
}

export interface TaskHealthEvent { type: 'task.health'; requestId: string; deployId: string; taskId: string; healthy: boolean; state: TaskState }

export interface RequestChangedEvent {
  type: 'request.created' | 'request.updated' | 'request.deleted';
  requestId: string;
  state: RequestState;
  activeDeployId?: string;
  pendingDeployId?: string;
  instances?: number;
}

export interface LeaderChangedEvent { type: 'leader.changed'; isLeader: boolean }

export type DeployEvent =
  | { type: 'deploy.started'; requestId: string; deployId: string; kind: DeployKind; previousDeployId?: string; rollbackOf?: string; message?: string }
  | { type: 'deploy.step'; requestId: string; deployId: string; kind: DeployKind; step: number; targetActiveInstances: number }
  | { type: 'deploy.step-complete'; requestId: string; deployId: string; kind: DeployKind; step: number; targetActiveInstances: number; healthy: number; retiredTaskIds: string[] }
  | { type: 'deploy.finished'; requestId: string; deployId: string; kind: DeployKind; deployResult: DeployResult }
  | { type: 'deploy.rollback'; requestId: string; failedDeployId: string; restoredDeployId: string; instances: number; reason: string }
  | { type: 'run.finished'; requestId: string; deployId: string; runId: string; outcome: RunOutcome; lastTaskState: string; taskId?: string };

/** Every payload the stream carries, before the hub adds `id` and `at`. */
export type ApiEvent = TaskStatusEvent | TaskHealthEvent | RequestChangedEvent | LeaderChangedEvent | DeployEvent;
export type ApiEventType = ApiEvent['type'];

/** The `data` of one frame as a client parses it. */
export type ApiEventFrame<E extends ApiEvent = ApiEvent> = E & { id: number; at: number };

export interface GapEvent { message: string; lastEventId: number }
export const GAP_EVENT = 'gap';
