import {
  FINISHED_DEPLOY_STATES, readDeployHistory, readPendingDeploys, readRequestParent, readTasks,
  type DeployResultView, type TaskView,
} from '../api/views';
import { formatAge } from '../output/table';
import { CliError, EXIT, sleep, type CommandContext } from './context';
import { lastLines, readSandboxTail, type SandboxFile } from './sandbox';

export interface DeployOutcome {
  requestId: string;
  deployId: string;
  result: DeployResultView;
  tasks: TaskView[];
  elapsedMs: number;
  /**
   * Sandbox tails of the deploy's tasks read while they were unhealthy: an agent may drop a
   * finished task's sandbox before the deploy's result is in, so the last look is kept.
   */
  earlyLogs: Map<string, SandboxTails>;
}

/** How many unhealthy tasks' sandboxes a follower keeps an eye on. */
const WATCHED_SANDBOXES = 3;

export interface DeployProgress { step: number; steps: number; healthy: number; running: number; total: number }

/**
 * Where a rollout stands: steps of `perStep` instances; a task counts as healthy when RUNNING
 * and healthy (or RUNNING when the deploy has no health check).
 */
export function deployProgress(tasks: TaskView[], total: number, perStep: number | undefined, hasHealthcheck: boolean, target?: number): DeployProgress {
  const running = tasks.filter((t) => t.state === 'TASK_RUNNING');
  const healthy = running.filter((t) => (hasHealthcheck ? t.healthy === true : t.healthy !== false)).length;
  const size = Math.max(1, Math.min(perStep ?? total, total || 1));
  const steps = Math.max(1, Math.ceil(total / size));
  const reached = target ?? Math.min(total, (Math.floor(healthy / size) + 1) * size);
  return { step: Math.min(steps, Math.max(1, Math.ceil(reached / size))), steps, healthy, running: running.length, total };
}

export function progressText(deployId: string, p: DeployProgress): string {
  return `deploy ${deployId}: step ${p.step}/${p.steps}, ${p.healthy}/${p.total} healthy`;
}

export interface FollowOptions {
  instances: number;
  perStep?: number;
  hasHealthcheck: boolean;
  /** Give up (exit 1, the deploy keeps going) after this long; 0 = never. */
  timeoutMs: number;
}

/**
 * Follows a deploy until its result is known: every event on `/api/events?requestId=` (and a
 * poll, for servers or proxies that drop the stream) re-reads the deploy's history entry, the
 * request, and the tasks, and redraws the progress line.
 */
export async function followDeploy(ctx: CommandContext, requestId: string, deployId: string, options: FollowOptions): Promise<DeployOutcome> {
  const started = ctx.now();
  const stop = new AbortController();
  const onAbort = (): void => stop.abort();
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  let wake: (() => void) | undefined;
  let status = `deploy ${deployId}: starting`;
  const elapsed = (): string => formatAge(ctx.now() - started);
  ctx.api.events({ requestId }, () => wake?.(), stop.signal).catch(() => undefined);
  const finishedResult = async (): Promise<DeployResultView | undefined> => {
    const history = await ctx.api.getOrNull(`/history/request/${encodeURIComponent(requestId)}/deploy/${encodeURIComponent(deployId)}`);
    const result = history === null ? undefined : readDeployHistory(history).result;
    return result && FINISHED_DEPLOY_STATES.has(result.deployState) ? result : undefined;
  };
  const deployTasks = async (): Promise<TaskView[]> =>
    readTasks(await ctx.api.get('/tasks/active')).filter((t) => t.requestId === requestId && t.deployId === deployId);
  const earlyLogs = new Map<string, SandboxTails>();
  const watchUnhealthy = async (tasks: TaskView[]): Promise<void> => {
    for (const t of tasks.filter((x) => x.healthy === false)) {
      if (!earlyLogs.has(t.taskId) && earlyLogs.size >= WATCHED_SANDBOXES) continue;
      // A file that cannot be read now keeps what an earlier look found.
      const tails = withEarlyLogs(await sandboxTails(ctx, t.taskId), earlyLogs.get(t.taskId));
      if (tails.stdout !== undefined || tails.stderr !== undefined) earlyLogs.set(t.taskId, tails);
    }
  };
  const redraw = setInterval(() => ctx.term.progress(status, elapsed()), ctx.term.interactive ? 120 : 1000);
  try {
    for (;;) {
      const result = await finishedResult();
      const tasks = await deployTasks();
      if (result) return { requestId, deployId, result, tasks, elapsedMs: ctx.now() - started, earlyLogs };
      const parentBody = await ctx.api.getOrNull(`/requests/request/${encodeURIComponent(requestId)}`);
      const parent = parentBody === null ? undefined : readRequestParent(parentBody);
      if (parent && parent.activeDeployId === deployId && parent.pendingDeployId !== deployId) {
        // It finished between the reads above: read again. An API that writes no history for
        // it still made it active, which is success.
        const late = await finishedResult();
        return { requestId, deployId, result: late ?? { deployState: 'SUCCEEDED', failures: [] }, tasks: await deployTasks(), elapsedMs: ctx.now() - started, earlyLogs };
      }
      await watchUnhealthy(tasks);
      const pending = readPendingDeploys(await ctx.api.get('/deploys/pending')).find((p) => p.deployId === deployId && p.requestId === requestId);
      const progress = deployProgress(tasks, options.instances, pending?.perStep ?? options.perStep, options.hasHealthcheck, pending?.targetActiveInstances);
      // The server's own counts, when it gives them, are what decides the deploy.
      if (pending?.step !== undefined) progress.step = Math.min(progress.steps, pending.step);
      if (pending?.currentActiveInstances !== undefined) progress.healthy = pending.currentActiveInstances;
      status = progressText(deployId, progress) + (pending?.pendingReason ? ` (${pending.pendingReason})` : '');
      ctx.term.progress(status, elapsed());
      if (ctx.signal.aborted) throw new CliError(`stopped following deploy ${deployId}; it keeps going (griddle status shows it)`, EXIT.deployFailed);
      if (options.timeoutMs > 0 && ctx.now() - started > options.timeoutMs) {
        throw new CliError(`deploy ${deployId} has not finished after ${elapsed()}; it keeps going (griddle status shows it)`, EXIT.deployFailed);
      }
      await sleep(ctx.pollMs, stop.signal, (resume) => { wake = resume; });
    }
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
    stop.abort();
    clearInterval(redraw);
    ctx.term.clearProgress();
  }
}

/** Prints a finished deploy's result; on failure its reasons and the first failed task's sandbox tail. */
export async function reportOutcome(ctx: CommandContext, outcome: DeployOutcome, what: string, previous: string | undefined): Promise<number> {
  const { result, deployId, requestId } = outcome;
  const ok = result.deployState === 'SUCCEEDED';
  const took = formatAge(outcome.elapsedMs);
  const failedTask = ok ? undefined : await firstFailedTask(ctx, requestId, deployId, outcome);
  const logs = failedTask ? withEarlyLogs(await sandboxTails(ctx, failedTask), outcome.earlyLogs.get(failedTask)) : undefined;
  if (ctx.term.json) {
    ctx.term.document({ requestId, deployId, succeeded: ok, result, tasks: outcome.tasks, failedTask, logs });
    return ok ? EXIT.ok : EXIT.deployFailed;
  }
  if (ok) {
    const healthy = outcome.tasks.filter((t) => t.state === 'TASK_RUNNING').length;
    ctx.term.line(ctx.term.color('green', `✔ ${what} ${deployId} succeeded in ${took}`) + (outcome.tasks.length ? ` (${healthy} task(s) running)` : ''));
    return EXIT.ok;
  }
  ctx.term.line(ctx.term.color('red', `✘ ${what} ${deployId} ${result.deployState} after ${took}${result.message ? `: ${result.message}` : ''}`));
  for (const f of result.failures) ctx.term.line(`  - ${f.reason}${f.taskId ? ` (task ${f.taskId})` : ''}${f.message ? `: ${f.message}` : ''}`);
  ctx.term.line(previous ? `  Deploy ${previous} keeps running.` : '  Nothing else was running for this request.');
  if (failedTask && logs) {
    for (const file of ['stdout', 'stderr'] as const) {
      ctx.term.line();
      ctx.term.line(ctx.term.color('bold', `--- ${file} of ${failedTask} (last lines${logs.early ? ', as read while it was unhealthy' : ''}) ---`));
      const text = logs[file];
      if (text === undefined) ctx.term.line(`(not readable: ${logs.errors[file] ?? 'unknown error'})`);
      else if (text.length === 0) ctx.term.line('(empty)');
      else for (const l of text) ctx.term.line(l);
    }
  }
  return EXIT.deployFailed;
}

async function firstFailedTask(ctx: CommandContext, requestId: string, deployId: string, outcome: DeployOutcome): Promise<string | undefined> {
  const named = outcome.result.failures.find((f) => f.taskId)?.taskId;
  if (named) return named;
  const body = await ctx.api.getOrNull(`/history/request/${encodeURIComponent(requestId)}/tasks`);
  if (body === null) return undefined;
  const failed = readTasks(body).filter((t) => t.deployId === deployId && /FAILED|LOST|ERROR|KILLED/.test(t.state));
  return failed.sort((a, b) => (a.startedAt ?? 0) - (b.startedAt ?? 0))[0]?.taskId;
}

export interface SandboxTails { stdout?: string[]; stderr?: string[]; errors: Partial<Record<SandboxFile, string>>; early?: boolean }

/** The sandbox as read now, or, where it is gone, as it was last seen while the task ran. */
export function withEarlyLogs(now: SandboxTails, early: SandboxTails | undefined): SandboxTails {
  if (!early || (now.stdout !== undefined && now.stderr !== undefined)) return now;
  return { stdout: now.stdout ?? early.stdout, stderr: now.stderr ?? early.stderr, errors: now.errors, early: true };
}

async function sandboxTails(ctx: CommandContext, taskId: string): Promise<SandboxTails> {
  const out: SandboxTails = { errors: {} };
  for (const file of ['stdout', 'stderr'] as const) {
    try {
      out[file] = lastLines((await readSandboxTail(ctx, taskId, file)).data, 20);
    } catch (e) {
      // The agent may be gone; the reasons above still explain the failure.
      out.errors[file] = e instanceof Error ? e.message : String(e);
    }
  }
  return out;
}
