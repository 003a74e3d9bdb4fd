import type { SingularityRequestParent } from '../../contract';
import { CliError, EXIT, type CommandContext } from './context';
import { liveRequest } from './release';

export const EXPIRING_PATHS = { scale: 'scale', pause: 'pause', bounce: 'bounce', 'skip-healthchecks': 'skip-healthchecks', priority: 'priority' } as const;
export type ExpiringKindArg = keyof typeof EXPIRING_PATHS;

const path = (requestId: string, action: string): string => `/requests/request/${encodeURIComponent(requestId)}/${action}`;

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
  const rows = ([['scale', parent.expiringScale], ['pause', parent.expiringPause], ['bounce', parent.expiringBounce], ['skip-healthchecks', parent.expiringSkipHealthchecks], ['priority', parent.expiringPriority]] as const)
    .filter(([, a]) => a !== undefined)
    .map(([kind, a]) => ({ kind, actionId: a?.actionId, user: a?.user, endsAt: (a?.startMillis ?? 0) + (a?.expiringAPIRequestObject.durationMillis ?? 0), message: a?.expiringAPIRequestObject.message }));
  if (rows.length === 0) ctx.term.line(`${requestId} has no expiring actions`);
  for (const r of rows) ctx.term.line(`${r.kind.padEnd(18)} ends ${new Date(r.endsAt).toISOString()}  ${r.actionId ?? ''}${r.message ? `  ${r.message}` : ''}`);
  ctx.term.document({ requestId, expiring: rows });
  return EXIT.ok;
}
