/**
 * Launch-failure backoff, per instance (request, deploy, instance number): a task that ends
 * FAILED, ERROR or DROPPED before it was ever RUNNING, without Griddle killing it, delays the
 * next launch of that instance 1 s, ×2 per further failure, capped at 60 s. Such failures are
 * usually local to a slot (a host port still held by an orphan container, an image pull that
 * failed), so one instance waiting must not hold back the others, and retrying at once only
 * repeats the failure. The instance's next task reaching RUNNING resets it.
 */
export const LAUNCH_BACKOFF_INITIAL_MS = 1000;
export const LAUNCH_BACKOFF_FACTOR = 2;
export const LAUNCH_BACKOFF_MAX_MS = 60_000;

export interface LaunchBackoff { failures: number; nextLaunchAt: number; message: string }

const LAUNCH_FAILURE_STATES: ReadonlySet<string> = new Set(['TASK_FAILED', 'TASK_ERROR', 'TASK_DROPPED']);

export function instanceKey(requestId: string, deployId: string, instanceNo: number): string {
  return `${requestId}/${deployId}/${instanceNo}`;
}

/** Whether an ended task is a launch failure: it never ran, and nobody asked it to stop. */
export function isLaunchFailure(task: { state: string; runningSince?: number; killRequestedAt?: number }): boolean {
  return LAUNCH_FAILURE_STATES.has(task.state) && task.runningSince === undefined && task.killRequestedAt === undefined;
}

export function launchBackoffDelayMs(failures: number): number {
  if (failures <= 0) return 0;
  return Math.min(LAUNCH_BACKOFF_MAX_MS, LAUNCH_BACKOFF_INITIAL_MS * LAUNCH_BACKOFF_FACTOR ** (failures - 1));
}

export function recordLaunchFailure(state: LaunchBackoff | undefined, now: number, message: string): LaunchBackoff {
  const failures = (state?.failures ?? 0) + 1;
  // Bounded: the message is persisted with the backoff, once per instance.
  return { failures, nextLaunchAt: now + launchBackoffDelayMs(failures), message: message.slice(0, 300) };
}

/** The pending reason of an instance still waiting, e.g. `instance 2: backing off 4s after 3 launch failures: port is already allocated`. */
export function launchBackoffReason(instanceNo: number, state: LaunchBackoff, now: number): string {
  const wait = Math.ceil(Math.max(0, state.nextLaunchAt - now) / 1000);
  const failures = `${state.failures} launch failure${state.failures === 1 ? '' : 's'}`;
  return `instance ${instanceNo}: backing off ${wait}s after ${failures}${state.message ? `: ${state.message}` : ''}`;
}
