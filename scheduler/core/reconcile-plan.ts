import { isTerminalState } from '../../mesos-proto';
import type { DesiredDeployment, TaskRecord } from '../model';
import { type CrashState, remainingBackoffMs } from './crash-backoff';
import { instanceKey, launchBackoffReason, type LaunchBackoff } from './launch-backoff';

export interface PlannedLaunch { requestId: string; deployId: string; instanceNo: number }
export interface PlannedKill { taskId: string; reason: string }
export interface ReconcilePlan {
  launches: PlannedLaunch[];
  kills: PlannedKill[];
  /** Per `requestId/deployId`: why instances are missing but not launched now. */
  waiting: Map<string, string>;
  /** Earliest time a waiting launch becomes due (for the next wake-up), or null. */
  nextDueAt: number | null;
}

export function deployKey(requestId: string, deployId: string): string {
  return `${requestId}/${deployId}`;
}

/**
 * Whether a task counts toward its deploy's instances. A task being killed does not (its
 * replacement may start), and neither does an UNREACHABLE one: its agent may never return, so
 * a replacement starts and, should it come back, the surplus rule retires the youngest.
 */
export function countsAsInstance(task: TaskRecord): boolean {
  return !isTerminalState(task.state) && task.killRequestedAt === undefined && task.state !== 'TASK_UNREACHABLE';
}

/**
 * The level-triggered heart of the scheduler: desired instances vs. known tasks → the
 * launches and kills that close the gap. Pure: same input, same plan.
 */
export function planReconcile(input: {
  desired: readonly DesiredDeployment[];
  tasks: Iterable<TaskRecord>;
  crash: ReadonlyMap<string, CrashState>;
  /** Per instance (`requestId/deployId/instanceNo`): launch-failure backoff. */
  launchBackoff?: ReadonlyMap<string, LaunchBackoff>;
  now: number;
}): ReconcilePlan {
  const byDeploy = new Map<string, TaskRecord[]>();
  const kills: PlannedKill[] = [];
  const desiredKeys = new Map<string, DesiredDeployment>();
  for (const d of input.desired) {
    const key = deployKey(d.requestId, d.deployId);
    const prev = desiredKeys.get(key);
    desiredKeys.set(key, prev ? { ...d, instances: Math.max(prev.instances, d.instances) } : d);
  }
  for (const task of input.tasks) {
    if (!countsAsInstance(task)) continue;
    const key = deployKey(task.requestId, task.deployId);
    if (!desiredKeys.has(key)) {
      kills.push({ taskId: task.taskId, reason: `deploy ${task.deployId} of request ${task.requestId} is not desired` });
      continue;
    }
    let list = byDeploy.get(key);
    if (!list) byDeploy.set(key, (list = []));
    list.push(task);
  }
  const launches: PlannedLaunch[] = [];
  const waiting = new Map<string, string>();
  let nextDueAt: number | null = null;
  for (const [key, d] of desiredKeys) {
    const running = byDeploy.get(key) ?? [];
    const want = Math.max(0, Math.floor(d.instances));
    if (running.length > want) {
      const youngestFirst = [...running].sort((a, b) => b.startedAt - a.startedAt || b.instanceNo - a.instanceNo);
      for (const t of youngestFirst.slice(0, running.length - want)) {
        kills.push({ taskId: t.taskId, reason: `scaling ${d.requestId} down to ${want} instances` });
      }
      continue;
    }
    const missing = want - running.length;
    if (missing === 0) continue;
    const wait = remainingBackoffMs(input.crash.get(key), input.now);
    if (wait > 0) {
      waiting.set(key, `crash-loop backoff: next launch in ${Math.ceil(wait / 1000)} s`);
      const due = input.now + wait;
      nextDueAt = nextDueAt === null ? due : Math.min(nextDueAt, due);
      continue;
    }
    const used = new Set(running.map((t) => t.instanceNo));
    const backingOff: string[] = [];
    let instanceNo = 1;
    for (let i = 0; i < missing; i++) {
      while (used.has(instanceNo)) instanceNo++;
      used.add(instanceNo);
      // One missing slot is one instance number, so a waiting instance is not launched under another number.
      const backoff = input.launchBackoff?.get(instanceKey(d.requestId, d.deployId, instanceNo));
      if (backoff && backoff.nextLaunchAt > input.now) {
        backingOff.push(launchBackoffReason(instanceNo, backoff, input.now));
        nextDueAt = nextDueAt === null ? backoff.nextLaunchAt : Math.min(nextDueAt, backoff.nextLaunchAt);
        continue;
      }
      launches.push({ requestId: d.requestId, deployId: d.deployId, instanceNo });
    }
    if (backingOff.length > 0) waiting.set(key, backingOff.join('; '));
  }
  return { launches, kills, waiting, nextDueAt };
}
