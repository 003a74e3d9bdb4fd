import type { SchedulerCallType } from '../../mesos-proto';

/**
 * Which calls may be sent again when the first attempt's fate is unknown (connection reset,
 * 503). Kills, acknowledgements, reconciliation, declines and suppress/revive are idempotent
 * at the master; an ACCEPT is not retried: if it did land, its tasks launch, and if it did not,
 * reconciliation and the next offers repair the gap, whereas a blind retry is never needed.
 */
const RETRYABLE: ReadonlySet<SchedulerCallType> = new Set<SchedulerCallType>([
  'KILL', 'ACKNOWLEDGE', 'RECONCILE', 'DECLINE', 'SUPPRESS', 'REVIVE', 'SHUTDOWN', 'TEARDOWN',
]);

export function isRetryable(type: SchedulerCallType | undefined): boolean {
  return type !== undefined && RETRYABLE.has(type);
}

export const CALL_ATTEMPTS = 3;
