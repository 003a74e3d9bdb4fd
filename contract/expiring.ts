/**
 * Singularity's expiring request actions (SingularityExpiringScale, …Pause, …Bounce,
 * …SkipHealthchecks, …Priority): an action taken with `durationMillis` that the leader reverts when the
 * time is up. Served in the request parent and stored as is, so it survives a failover.
 */

/** What the request bodies share (SingularityExpiringRequestParent). */
export interface SingularityExpiringRequestBody {
  durationMillis?: number;
  message?: string;
  actionId?: string;
}

export interface SingularityScaleRequest extends SingularityExpiringRequestBody {
  instances: number;
  skipHealthchecks?: boolean;
  bounce?: boolean;
  incremental?: boolean;
}
export interface SingularityPauseRequest extends SingularityExpiringRequestBody { killTasks?: boolean }
export interface SingularityBounceRequest extends SingularityExpiringRequestBody { incremental?: boolean; skipHealthchecks?: boolean }
export interface SingularitySkipHealthchecksRequest extends SingularityExpiringRequestBody { skipHealthchecks: boolean }
export interface SingularityPriorityRequest extends SingularityExpiringRequestBody { priority: number }

/** SingularityExpiringRequestActionParent: who started it, when, and the body it came with. */
export interface SingularityExpiringAction<T extends SingularityExpiringRequestBody> {
  requestId: string;
  user?: string;
  startMillis: number;
  actionId: string;
  expiringAPIRequestObject: T;
}

export interface SingularityExpiringScale extends SingularityExpiringAction<SingularityScaleRequest> {
  revertToInstances?: number;
  bounce?: boolean;
}
export type SingularityExpiringPause = SingularityExpiringAction<SingularityPauseRequest>;
export interface SingularityExpiringBounce extends SingularityExpiringAction<SingularityBounceRequest> { deployId: string }
export interface SingularityExpiringSkipHealthchecks extends SingularityExpiringAction<SingularitySkipHealthchecksRequest> {
  revertToSkipHealthchecks?: boolean;
}
/** `revertToPriority` absent: the request had no `taskPriorityLevel` (the default applies again). */
export interface SingularityExpiringPriority extends SingularityExpiringAction<SingularityPriorityRequest> {
  revertToPriority?: number;
}

/** The request parent's fields, one per kind (Singularity's names). */
export interface SingularityExpiringFields {
  expiringScale?: SingularityExpiringScale;
  expiringPause?: SingularityExpiringPause;
  expiringBounce?: SingularityExpiringBounce;
  expiringSkipHealthchecks?: SingularityExpiringSkipHealthchecks;
  expiringPriority?: SingularityExpiringPriority;
}
