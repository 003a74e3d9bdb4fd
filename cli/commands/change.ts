import { z } from 'zod';
import { readRequestParent, readTasks, type RequestView } from '../api/views';
import { formatAge } from '../output/table';
import { CliError, EXIT, sleep, type CommandContext } from './context';
import { followDeploy, reportOutcome } from './follow-deploy';
import { liveRequest } from './release';

export interface ScaleOptions {
  instances: number; wait: boolean; timeoutMs: number; dryRun?: boolean;
  /** An expiring scale: the scheduler scales back to the current count after this long. */
  durationMillis?: number;
  message?: string;
}

/** Sets the instance count, then waits until that many tasks of the active deploy run. */
export async function scale(ctx: CommandContext, requestId: string, options: ScaleOptions): Promise<number> {
  const live = await liveRequest(ctx, requestId);
  if (!live) throw new CliError(`no request ${requestId} on ${ctx.api.base} (release it first)`, EXIT.usage);
  const from = live.request.instances;
  if (options.dryRun) {
    ctx.term.line(`${requestId} would scale from ${from ?? '?'} to ${options.instances} instance(s) — dry run, nothing changes`);
    ctx.term.document({ requestId, from, instances: options.instances, dryRun: true });
    return EXIT.ok;
  }
  await ctx.api.put(`/requests/request/${encodeURIComponent(requestId)}/scale`, { instances: options.instances, durationMillis: options.durationMillis, message: options.message });
  ctx.term.line(`Scaling ${requestId} from ${from ?? '?'} to ${options.instances} instance(s)${options.durationMillis ? `, back to ${from ?? '?'} after ${Math.round(options.durationMillis / 1000)} s` : ''}`);
  if (!options.wait || !live.activeDeployId) {
    ctx.term.document({ requestId, from, instances: options.instances });
    return EXIT.ok;
  }
  return waitForReady(ctx, live, { instances: options.instances, timeoutMs: options.timeoutMs, what: 'scale', extra: { from } });
}

/**
 * Waits until `instances` tasks of the active deploy run (and are healthy when it has a health
 * check), none of them in `replacing` (tasks a bounce replaces), showing progress meanwhile.
 */
export async function waitForReady(
  ctx: CommandContext, live: RequestView,
  o: { instances: number; timeoutMs: number; what: string; replacing?: ReadonlySet<string>; extra?: Record<string, unknown> },
): Promise<number> {
  const requestId = live.request.id;
  const hasHealthcheck = live.activeDeploy?.healthcheck !== undefined;
  const word = hasHealthcheck ? 'healthy' : 'running';
  const started = ctx.now();
  for (;;) {
    const tasks = readTasks(await ctx.api.get('/tasks/active')).filter((t) => t.requestId === requestId && t.deployId === live.activeDeployId);
    const ready = tasks.filter((t) => t.state === 'TASK_RUNNING' && (!hasHealthcheck || t.healthy === true) && !o.replacing?.has(t.taskId)).length;
    if (ready === o.instances && tasks.length === o.instances) {
      ctx.term.clearProgress();
      ctx.term.line(ctx.term.color('green', `✔ ${requestId}: ${ready}/${o.instances} ${word} after ${formatAge(ctx.now() - started)}`));
      ctx.term.document({ requestId, ...o.extra, instances: o.instances, tasks });
      return EXIT.ok;
    }
    const old = o.replacing ? `, ${tasks.filter((t) => o.replacing?.has(t.taskId)).length} to replace` : '';
    ctx.term.progress(`${o.what} ${requestId}: ${ready}/${o.instances} ${word}, ${tasks.length} task(s)${old}`, formatAge(ctx.now() - started));
    if (ctx.signal.aborted || (o.timeoutMs > 0 && ctx.now() - started > o.timeoutMs)) {
      ctx.term.clearProgress();
      throw new CliError(`${requestId} has ${ready}/${o.instances} ready task(s) after ${formatAge(ctx.now() - started)}; the scheduler keeps trying (griddle status shows why)`, EXIT.deployFailed);
    }
    await sleep(ctx.pollMs, ctx.signal);
  }
}

const rollbackAnswer = z.looseObject({
  deploy: z.looseObject({ id: z.string() }).optional(),
  deployId: z.string().optional(),
  id: z.string().optional(),
});

/** Redeploys a previous deploy (`--to`, default the last successful one) and follows it. */
export async function rollback(ctx: CommandContext, requestId: string, to: string | undefined, timeoutMs: number): Promise<number> {
  const live = await liveRequest(ctx, requestId);
  if (!live) throw new CliError(`no request ${requestId} on ${ctx.api.base}`, EXIT.usage);
  const answer = await ctx.api.post(`/requests/request/${encodeURIComponent(requestId)}/rollback`, to ? { deployId: to } : {});
  let deployId: string | undefined;
  try {
    deployId = readRequestParent(answer).pendingDeployId;
  } catch {
    const a = rollbackAnswer.safeParse(answer);
    deployId = a.success ? (a.data.deploy?.id ?? a.data.deployId ?? a.data.id) : undefined;
  }
  deployId ??= (await liveRequest(ctx, requestId))?.pendingDeployId;
  if (!deployId) throw new CliError(`the API accepted the rollback of ${requestId} but named no deploy to follow`, EXIT.api);
  ctx.term.line(`Rolling ${requestId} back${to ? ` to ${to}` : ''} (deploy ${deployId}, replacing ${live.activeDeployId ?? '-'})`);
  const outcome = await followDeploy(ctx, requestId, deployId, {
    instances: live.request.instances ?? 0,
    perStep: live.activeDeploy?.deployInstanceCountPerStep,
    hasHealthcheck: live.activeDeploy?.healthcheck !== undefined,
    timeoutMs,
  });
  return reportOutcome(ctx, outcome, 'rollback', live.activeDeployId);
}
