import { readRequestParent, readTasks, type RequestView } from '../api/views';
import { waitForReady } from './change';
import { CliError, EXIT, type CommandContext } from './context';
import { liveRequest } from './release';

/** The body fields every expiring action shares (Singularity's SingularityExpiringRequestParent). */
export interface ExpiringOptions { durationMillis?: number; message?: string }

const path = (requestId: string, action: string): string => `/requests/request/${encodeURIComponent(requestId)}/${action}`;
const seconds = (ms: number): string => `${Math.round(ms / 1000)} s`;

async function requireRequest(ctx: CommandContext, requestId: string): Promise<RequestView> {
  const live = await liveRequest(ctx, requestId);
  if (!live) throw new CliError(`no request ${requestId} on ${ctx.api.base} (release it first)`, EXIT.usage);
  return live;
}

/** Pauses a request, for `durationMillis` when given (the scheduler unpauses it then). */
export async function pause(ctx: CommandContext, requestId: string, options: ExpiringOptions): Promise<number> {
  await ctx.api.post(path(requestId, 'pause'), { durationMillis: options.durationMillis, message: options.message });
  ctx.term.line(`Paused ${requestId}${options.durationMillis ? ` for ${seconds(options.durationMillis)} (unpaused by the scheduler then; griddle expiring … --cancel pause keeps it paused)` : ''}`);
  ctx.term.document({ requestId, paused: true, durationMillis: options.durationMillis });
  return EXIT.ok;
}

/** Unpauses a request (which also ends an expiring pause); the scheduler then starts its tasks again. */
export async function unpause(ctx: CommandContext, requestId: string, message?: string): Promise<number> {
  const parent = readRequestParent(await ctx.api.post(path(requestId, 'unpause'), { message }));
  ctx.term.line(`Unpaused ${requestId}: ${parent.state}; its tasks start again (griddle status shows them)`);
  ctx.term.document({ requestId, state: parent.state });
  return EXIT.ok;
}

/**
 * Restarts every task of the request (a replacement healthy before each old one is killed). With
 * `durationMillis` the bounce times out then: one still rolling is abandoned. Waits until every
 * old task is replaced unless `wait` is false.
 */
export async function bounce(ctx: CommandContext, requestId: string, options: ExpiringOptions & { wait: boolean; timeoutMs: number }): Promise<number> {
  const live = await requireRequest(ctx, requestId);
  const before = readTasks(await ctx.api.get('/tasks/active')).filter((t) => t.requestId === requestId).map((t) => t.taskId);
  await ctx.api.post(path(requestId, 'bounce'), { durationMillis: options.durationMillis, message: options.message });
  ctx.term.line(`Bouncing ${requestId}: ${before.length} task(s) to replace${options.durationMillis ? `, abandoned if not done in ${seconds(options.durationMillis)}` : ''}`);
  if (!options.wait || !live.activeDeployId) {
    ctx.term.document({ requestId, bounced: before });
    return EXIT.ok;
  }
  return waitForReady(ctx, live, { instances: live.request.instances ?? 1, timeoutMs: options.timeoutMs, what: 'bounce', replacing: new Set(before), extra: { bounced: before } });
}

/** Turns the request's health checks off (or on with `skip` false), for `durationMillis` when given. */
export async function skipHealthchecks(ctx: CommandContext, requestId: string, skip: boolean, options: ExpiringOptions): Promise<number> {
  await ctx.api.put(path(requestId, 'skip-healthchecks'), { skipHealthchecks: skip, durationMillis: options.durationMillis, message: options.message });
  const until = options.durationMillis ? ` for ${seconds(options.durationMillis)}, then back as they were` : '';
  ctx.term.line(`${requestId}: health checks ${skip ? 'skipped' : 'on'}${until}`);
  ctx.term.document({ requestId, skipHealthchecks: skip, durationMillis: options.durationMillis });
  return EXIT.ok;
}

/**
 * Sets the request's `taskPriorityLevel` (0..1): under short resources, higher ones are placed
 * first. With `durationMillis` it is back to the level before it then.
 */
export async function priority(ctx: CommandContext, requestId: string, level: number, options: ExpiringOptions): Promise<number> {
  const parent = readRequestParent(await ctx.api.put(path(requestId, 'priority'), { priority: level, durationMillis: options.durationMillis, message: options.message }));
  const until = options.durationMillis ? ` for ${seconds(options.durationMillis)}, then back as it was` : '';
  ctx.term.line(`${requestId}: taskPriorityLevel ${parent.request.taskPriorityLevel ?? level}${until}`);
  ctx.term.document({ requestId, taskPriorityLevel: parent.request.taskPriorityLevel ?? level, durationMillis: options.durationMillis });
  return EXIT.ok;
}
