import type { SingularityWebhookSummary, WebhookType } from '../../contract';
import { formatAge, renderTable } from '../output/table';
import { CliError, EXIT, type CommandContext } from './context';


/** `griddle webhooks`: every webhook with its delivery state (queue, failures, last error). */
export async function webhooks(ctx: CommandContext): Promise<number> {
  const list = (await ctx.api.get('/webhooks/summary')) as SingularityWebhookSummary[];
  ctx.term.document(list);
  const now = ctx.now();
  const rows = list.map((s) => [
    s.webhook.id, s.webhook.type, String(s.queueSize), String(s.failures ?? 0),
    s.lastDeliveredAt ? `${formatAge(now - s.lastDeliveredAt)} ago` : '-',
    s.lastError ? `${s.lastError}${s.lastErrorAt ? ` (${formatAge(now - s.lastErrorAt)} ago)` : ''}` : '',
  ]);
  if (rows.length === 0) ctx.term.line('no webhooks (griddle webhook add <url> --type DEPLOY)');
  else for (const line of renderTable(['ID', 'TYPE', 'QUEUED', 'FAILURES', 'DELIVERED', 'LAST ERROR'], rows)) ctx.term.line(line);
  return EXIT.ok;
}

/** `griddle webhook add <url> --type T`: CREATED, or EXISTED when that URL and type are registered. */
export async function addWebhook(ctx: CommandContext, uri: string, type: WebhookType): Promise<number> {
  const result = await ctx.api.post('/webhooks', { uri, type });
  const id = `${type}-${encodeURIComponent(uri)}`;
  ctx.term.document({ id, uri, type, result });
  ctx.term.line(`${String(result)}: webhook ${id} (${type} updates to ${uri})`);
  return EXIT.ok;
}

/** `griddle webhook delete <id|url>`: a URL registered for several types must be named by id. */
export async function deleteWebhook(ctx: CommandContext, target: string): Promise<number> {
  const list = (await ctx.api.get('/webhooks/summary')) as SingularityWebhookSummary[];
  const byId = list.filter((s) => s.webhook.id === target);
  const matches = byId.length > 0 ? byId : list.filter((s) => s.webhook.uri === target);
  if (matches.length === 0) throw new CliError(`no webhook with id or URL ${target} (griddle webhooks lists them)`, EXIT.usage);
  if (matches.length > 1) throw new CliError(`${target} is registered for ${matches.map((s) => s.webhook.type).join(', ')}; name one by id: ${matches.map((s) => s.webhook.id).join(', ')}`, EXIT.usage);
  const { webhook, queueSize } = matches[0];
  const result = await ctx.api.delete(`/webhooks?webhookId=${encodeURIComponent(webhook.id)}`);
  ctx.term.document({ id: webhook.id, result, droppedQueued: queueSize });
  ctx.term.line(`${String(result)}: webhook ${webhook.id}${queueSize > 0 ? ` (${queueSize} undelivered update(s) dropped with it)` : ''}`);
  return EXIT.ok;
}
