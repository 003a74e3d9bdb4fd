/**
 * Tasks launched per cycle at most: one cycle's write-ahead batch stays a few MB that
 * ZooKeeper takes in well under a session timeout, and the event loop keeps answering (a
 * cycle placing 100,000 tasks at once wrote ~200 MB in one batch and blocked for seconds).
 * Offers left unused by a capped cycle are held for the next one, not declined.
 */
export const MAX_LAUNCHES_PER_CYCLE = 2500;

/**
 * Mesos calls queued in the scheduler (waiting for one of its connections), with the status
 * updates the launches under way will still bring, past which no task is launched. An agent
 * sends a status update again every 10 s until it is acknowledged, and each ACK waits its turn
 * in that queue: at 100,000 tasks every task was launched within 38 s, 94,000 ACKs queued
 * behind them, every update was re-sent while its ACK waited, and fewer than 500 tasks a
 * minute reached RUNNING. At the 1,500 to 3,000 calls a second the scheduler sends under
 * load, this many stay a few seconds' work.
 */
export const MAX_CALLS_QUEUED = 10_000;

/**
 * Launches also wait while the oldest queued call has waited this long: the queue's own
 * measure of how far behind it is, whatever the calls' throughput, well inside the agents' 10 s.
 */
export const MAX_CALL_WAIT_MS = 3000;

/** Status updates a launch brings that each take an ACK: TASK_STARTING, TASK_RUNNING. */
const ACKS_PER_LAUNCH = 2;

export interface CallQueue {
  /** Calls waiting for a connection. */
  queued: number;
  /** How long the oldest of them has waited, ms. */
  oldestWaitMs: number;
}

/**
 * How many tasks this cycle may launch, given the Mesos call queue and the status updates the
 * launches under way still owe (each an ACK to queue): none while the queue is MAX_CALL_WAIT_MS
 * behind; otherwise what keeps calls queued plus updates owed under MAX_CALLS_QUEUED once these
 * launches' ACKs join them; at most MAX_LAUNCHES_PER_CYCLE.
 */
export function launchRoom(calls: CallQueue, updatesOwed: number): number {
  if (calls.oldestWaitMs >= MAX_CALL_WAIT_MS) return 0;
  const room = Math.floor((MAX_CALLS_QUEUED - calls.queued - updatesOwed) / ACKS_PER_LAUNCH);
  return Math.max(0, Math.min(MAX_LAUNCHES_PER_CYCLE, room));
}
