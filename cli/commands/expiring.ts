import { InvalidArgumentError } from 'commander';
import type { SingularityRequestParent } from '../../contract';
import { CliError, EXIT, type CommandContext } from './context';
import { liveRequest } from './release';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `90s`, `30m`, `1h`, `2d`, `1h30m` or plain milliseconds → milliseconds (commander argParser). */
export function parseDuration(value: string): number {
  const parts = [...value.matchAll(/(\d+)(ms|s|m|h|d)/g)];
  const total = /^\d+$/.test(value) ? Number(value) : parts.reduce((sum, m) => sum + Number(m[1]) * UNITS[m[2]], 0);
  if (!(total > 0) || (!/^\d+$/.test(value) && parts.map((m) => m[0]).join('') !== value)) {
    throw new InvalidArgumentError(`expected a duration like 90s, 30m, 1h or 1h30m, got '${value}'`);
  }
  return total;
}

export const EXPIRING_PATHS = { scale: 'scale', pause: 'pause', bounce: 'bounce', 'skip-healthchecks': 'skip-healthchecks' } as const;
export type ExpiringKindArg = keyof typeof EXPIRING_PATHS;

const path = (requestId: string, action: string): string => `/requests/request/${encodeURIComponent(requestId)}/${action}`;

/** Pauses a request, for `durationMillis` when given (the scheduler unpauses it then). */
export async function pause(ctx: CommandContext, requestId: string, options: { durationMillis?: number; message?: string }): Promise<number> {
  await ctx.api.post(path(requestId, 'pause'), { durationMillis: options.durationMillis, message: options.message });
  ctx.term.line(`Paused ${requestId}${options.durationMillis ? ` for ${Math.round(options.durationMillis / 1000)} s (unpaused by the scheduler then; griddle expiring … --cancel pause keeps it paused)` : ''}`);
  ctx.term.document({ requestId, paused: true, durationMillis: options.durationMillis });
  return EXIT.ok;
}

/** Lists a request's expiring actions, or cancels one (`cancel`): the action then stays as it is. */
export async function expiring(ctx: CommandContext, requestId: string, cancel?: ExpiringKindArg): Promise<number> {
  if (cancel) {
    await ctx.api.delete(path(requestId, EXPIRING_PATHS[cancel]));
    ctx.term.line(`Canceled the expiring ${cancel} of ${requestId}; it stays as it is now`);
    ctx.term.document({ requestId, canceled: cancel });
    return EXIT.ok;
  }
  if (!(await liveRequest(ctx, requestId))) throw new CliError(`no request ${requestId} on ${ctx.api.base}`, EXIT.usage);
  const parent = (await ctx.api.get(`/requests/request/${encodeURIComponent(requestId)}`)) as SingularityRequestParent;
  const rows = ([['scale', parent.expiringScale], ['pause', parent.expiringPause], ['bounce', parent.expiringBounce], ['skip-healthchecks', parent.expiringSkipHealthchecks]] as const)
    .filter(([, a]) => a !== undefined)
    .map(([kind, a]) => ({ kind, actionId: a?.actionId, user: a?.user, endsAt: (a?.startMillis ?? 0) + (a?.expiringAPIRequestObject.durationMillis ?? 0), message: a?.expiringAPIRequestObject.message }));
  if (rows.length === 0) ctx.term.line(`${requestId} has no expiring actions`);
  for (const r of rows) ctx.term.line(`${r.kind.padEnd(18)} ends ${new Date(r.endsAt).toISOString()}  ${r.actionId ?? ''}${r.message ? `  ${r.message}` : ''}`);
  ctx.term.document({ requestId, expiring: rows });
  return EXIT.ok;
}
