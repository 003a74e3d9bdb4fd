import { isTerminalState } from '../../mesos-proto';
import type { DesiredDeployment, TaskRecord } from '../model';
import { type CrashState, remainingBackoffMs } from './crash-backoff';
import { splitForReplacement, type Replacement } from './decommission-plan';
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

export interface PlanInput {
  desired: readonly DesiredDeployment[];
  tasks: Iterable<TaskRecord>;
  crash: ReadonlyMap<string, CrashState>;
  /** Per instance (`requestId/deployId/instanceNo`): launch-failure backoff. */
  launchBackoff?: ReadonlyMap<string, LaunchBackoff>;
  /** Agents being emptied: their tasks are replaced elsewhere first, then retired. */
  replacement?: Replacement;
  /**
   * UNREACHABLE tasks keep their instance (no replacement) while an operator or the disaster
   * detector says agents were lost en masse: replacing them all would pile onto the survivors.
   */
  keepUnreachable?: boolean;
  now: number;
}

/**
 * The level-triggered heart of the scheduler: desired instances vs. known tasks → the
 * launches and kills that close the gap. Pure: same input, same plan. Requests are planned
 * apart (`planRequest`): nothing in one request's plan depends on another's tasks, which lets
 * the cycle re-plan only the requests that changed (`reconcile-cache.ts`).
 */
export function planReconcile(input: PlanInput): ReconcilePlan {
  const desired = byRequest(input.desired);
  const tasks = byRequest(input.tasks);
  const plans: ReconcilePlan[] = [];
  for (const [requestId, list] of desired) plans.push(planRequest({ ...input, desired: list, tasks: tasks.get(requestId) ?? [] }));
  for (const [requestId, list] of tasks) if (!desired.has(requestId)) plans.push(planRequest({ ...input, desired: [], tasks: list }));
  return mergePlans(plans);
}

/** Items grouped by their request, in the order met. */
export function byRequest<T extends { requestId: string }>(items: Iterable<T>): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const list = out.get(item.requestId);
    if (list) list.push(item);
    else out.set(item.requestId, [item]);
  }
  return out;
}

/** The plans of separate requests as one; the parts are not changed (a cached part may be merged again). */
export function mergePlans(plans: Iterable<ReconcilePlan>): ReconcilePlan {
  const out: ReconcilePlan = { launches: [], kills: [], waiting: new Map(), nextDueAt: null };
  for (const p of plans) {
    for (const l of p.launches) out.launches.push(l);
    for (const k of p.kills) out.kills.push(k);
    for (const [key, why] of p.waiting) out.waiting.set(key, why);
    if (p.nextDueAt !== null) out.nextDueAt = out.nextDueAt === null ? p.nextDueAt : Math.min(out.nextDueAt, p.nextDueAt);
  }
  return out;
}

/** One request's plan: `desired` and `tasks` are that request's only. */
export function planRequest(input: Omit<PlanInput, 'tasks'> & { tasks: readonly TaskRecord[] }): ReconcilePlan {
  const byDeploy = new Map<string, TaskRecord[]>();
  const kills: PlannedKill[] = [];
  const desiredKeys = new Map<string, DesiredDeployment>();
  for (const d of input.desired) {
    const key = deployKey(d.requestId, d.deployId);
    const prev = desiredKeys.get(key);
    desiredKeys.set(key, prev ? { ...d, instances: Math.max(prev.instances, d.instances) } : d);
  }
  const tasks = input.tasks;
  /** Per deploy: instance numbers an UNREACHABLE task still holds (it may come back). */
  const heldAway = new Map<string, Set<number>>();
  for (const task of tasks) {
    const key = deployKey(task.requestId, task.deployId);
    if (isAway(task)) {
      // Decided now, so the kill goes out again the moment reconciliation finds it running.
      if (!desiredKeys.has(key)) {
        kills.push({ taskId: task.taskId, reason: `deploy ${task.deployId} of request ${task.requestId} is not desired` });
        continue;
      }
      // Unless a lost-agents disaster holds them (keepUnreachable), away tasks only keep their
      // numbers and get replacements; held, they still count as their instance.
      if (!input.keepUnreachable) {
        heldAway.set(key, (heldAway.get(key) ?? new Set()).add(task.instanceNo));
        continue;
      }
    } else if (!countsAsInstance(task)) continue;
    if (!desiredKeys.has(key)) {
      kills.push({ taskId: task.taskId, reason: `deploy ${task.deployId} of request ${task.requestId} is not desired` });
      continue;
    }
    let list = byDeploy.get(key);
    if (!list) byDeploy.set(key, (list = []));
    list.push(task);
  }
  const room = liveTaskRoom(input.desired, tasks);
  const launches: PlannedLaunch[] = [];
  const waiting = new Map<string, string>();
  let nextDueAt: number | null = null;
  for (const [key, d] of desiredKeys) {
    let running = byDeploy.get(key) ?? [];
    const want = Math.max(0, Math.floor(d.instances));
    if (input.replacement) {
      const split = splitForReplacement(running, want, input.replacement);
      running = split.staying;
      kills.push(...split.retire);
    }
    if (running.length > want) {
      for (const t of surplusFirst(running, want).slice(0, running.length - want)) {
        kills.push({ taskId: t.taskId, reason: `scaling ${d.requestId} down to ${want} instances` });
      }
      continue;
    }
    const away = heldAway.get(key) ?? new Set<number>();
    // While a deploy rolls (a bound is set) the old deploy's numbers are whatever its retirements
    // left, and it is going away: renumbering it would only churn its tasks.
    const numbers = launchNumbers(running, away, want, d.maxLiveTasks === undefined);
    const missing = numbers.length;
    if (missing === 0) continue;
    const wait = remainingBackoffMs(input.crash.get(key), input.now);
    if (wait > 0) {
      waiting.set(key, `crash-loop backoff: next launch in ${Math.ceil(wait / 1000)} s`);
      const due = input.now + wait;
      nextDueAt = nextDueAt === null ? due : Math.min(nextDueAt, due);
      continue;
    }
    const backingOff: string[] = [];
    let held = 0;
    for (const instanceNo of numbers) {
      // One missing slot is one instance number, so a waiting instance is not launched under another number.
      const backoff = input.launchBackoff?.get(instanceKey(d.requestId, d.deployId, instanceNo));
      if (backoff && backoff.nextLaunchAt > input.now) {
        backingOff.push(launchBackoffReason(instanceNo, backoff, input.now));
        nextDueAt = nextDueAt === null ? backoff.nextLaunchAt : Math.min(nextDueAt, backoff.nextLaunchAt);
        continue;
      }
      const left = room.get(d.requestId);
      if (left !== undefined && left.free <= 0) {
        held++;
        continue;
      }
      if (left) left.free--;
      launches.push({ requestId: d.requestId, deployId: d.deployId, instanceNo });
    }
    if (held > 0) {
      const cap = room.get(d.requestId)?.cap;
      backingOff.push(`${held} task(s) wait for tasks of ${d.requestId} to end (at most ${cap} at once while rolling)`);
    }
    if (backingOff.length > 0) waiting.set(key, backingOff.join('; '));
  }
  return { launches, kills, waiting, nextDueAt };
}

/** An UNREACHABLE task Griddle has not decided to kill: its agent may return with it running. */
function isAway(task: TaskRecord): boolean {
  return task.state === 'TASK_UNREACHABLE' && task.killRequestedAt === undefined;
}

/**
 * The instance numbers to launch for a deploy: the lowest numbers that no counting task holds
 * and no UNREACHABLE one may still hold (so a task that returns never meets its replacement
 * under the same number), one per missing instance. When a number within 1..want is free again
 * (its unreachable task ended for good) while a task runs under a number beyond want or a
 * duplicate one, that number is launched too (with `renumber`, i.e. not while rolling), and the
 * surplus rule then retires the misplaced one.
 */
export function launchNumbers(running: readonly TaskRecord[], away: ReadonlySet<number>, want: number, renumber = true): number[] {
  const used = new Set<number>(away);
  let misplaced = 0;
  for (const t of running) {
    if (used.has(t.instanceNo) && !away.has(t.instanceNo)) misplaced++;
    else if (t.instanceNo > want) misplaced++;
    used.add(t.instanceNo);
  }
  const out: number[] = [];
  let n = 1;
  for (let i = running.length; i < want; i++) {
    while (used.has(n)) n++;
    used.add(n);
    out.push(n);
  }
  for (let k = 1; renumber && k <= want && misplaced > 0; k++) {
    if (used.has(k)) continue;
    used.add(k);
    out.push(k);
    misplaced--;
  }
  return out;
}

/**
 * Which tasks a scale-down retires first: numbers beyond the instance count, then the second
 * holder of a number held twice (a task that came back beside its replacement), then the youngest.
 */
export function surplusFirst(running: readonly TaskRecord[], want: number): TaskRecord[] {
  const byAge = [...running].sort((a, b) => a.startedAt - b.startedAt || a.instanceNo - b.instanceNo);
  const firstHolder = new Set<string>();
  const seen = new Set<number>();
  for (const t of byAge) {
    if (seen.has(t.instanceNo)) continue;
    seen.add(t.instanceNo);
    firstHolder.add(t.taskId);
  }
  const rank = (t: TaskRecord): number => (t.instanceNo > want ? 0 : firstHolder.has(t.taskId) ? 2 : 1);
  return [...running].sort((a, b) => rank(a) - rank(b) || b.startedAt - a.startedAt || b.instanceNo - a.instanceNo);
}

/**
 * Per request with a bound (`maxLiveTasks`): how many more tasks may start. Every non-terminal
 * task counts, including those being killed, STAGING ones and UNREACHABLE ones: each of them
 * may still hold resources and serve, and a new leader sees exactly these records, so the bound
 * holds across a failover as well.
 */
function liveTaskRoom(desired: readonly DesiredDeployment[], tasks: readonly TaskRecord[]): Map<string, { cap: number; free: number }> {
  const room = new Map<string, { cap: number; free: number }>();
  for (const d of desired) {
    if (d.maxLiveTasks === undefined) continue;
    const cap = Math.min(room.get(d.requestId)?.cap ?? Number.POSITIVE_INFINITY, Math.max(0, Math.floor(d.maxLiveTasks)));
    room.set(d.requestId, { cap, free: cap });
  }
  for (const t of tasks) {
    const r = room.get(t.requestId);
    if (r && !isTerminalState(t.state)) r.free--;
  }
  return room;
}
