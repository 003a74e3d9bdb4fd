import type { SingularityAgent, SingularityMachineChangeRequest, SingularityRack } from '../../contract';
import { renderTable, formatAge } from '../output/table';
import { CliError, EXIT, type CommandContext } from './context';

export type AgentAction = 'decommission' | 'freeze' | 'activate';
export type MachineKind = 'agent' | 'rack';

async function listAgents(ctx: CommandContext): Promise<SingularityAgent[]> {
  return (await ctx.api.get('/agents')) as SingularityAgent[];
}

/** `griddle agents`: every agent with its maintenance state, host and rack. */
export async function agents(ctx: CommandContext): Promise<number> {
  const list = await listAgents(ctx);
  ctx.term.document(list);
  const now = ctx.now();
  const rows = list.map((a) => [a.id, a.host, a.rackId, a.currentState.state, formatAge(now - a.currentState.timestamp), a.currentState.message ?? '']);
  for (const line of renderTable(['AGENT', 'HOST', 'RACK', 'STATE', 'SINCE', 'MESSAGE'], rows)) ctx.term.line(line);
  return EXIT.ok;
}

/** `griddle racks`: every rack with its maintenance state and how many agents it holds. */
export async function racks(ctx: CommandContext): Promise<number> {
  const [list, all] = [(await ctx.api.get('/racks')) as SingularityRack[], await listAgents(ctx)];
  ctx.term.document(list);
  const now = ctx.now();
  const rows = list.map((r) => [r.id, String(all.filter((a) => a.rackId === r.id).length), r.currentState.state, formatAge(now - r.currentState.timestamp), r.currentState.message ?? '']);
  for (const line of renderTable(['RACK', 'AGENTS', 'STATE', 'SINCE', 'MESSAGE'], rows)) ctx.term.line(line);
  return EXIT.ok;
}

/** An agent named by id or host; a host with several agents is refused rather than guessed. */
async function resolveAgent(ctx: CommandContext, target: string): Promise<{ id: string; label: string }> {
  const list = await listAgents(ctx);
  const matches = list.filter((a) => a.id === target);
  const byHost = matches.length > 0 ? matches : list.filter((a) => a.host === target);
  if (byHost.length === 0) throw new CliError(`no agent with id or host ${target} (griddle agents lists them)`, EXIT.usage);
  if (byHost.length > 1) throw new CliError(`host ${target} runs ${byHost.length} agents (${byHost.map((a) => a.id).join(', ')}); name one by id`, EXIT.usage);
  return { id: byHost[0].id, label: `agent ${byHost[0].id} (${byHost[0].host})` };
}

/** `griddle agent|rack <action> <target>`: freeze, decommission or activate one machine. */
export async function machineAction(ctx: CommandContext, kind: MachineKind, action: AgentAction, target: string, message?: string): Promise<number> {
  const { id, label } = kind === 'agent' ? await resolveAgent(ctx, target) : { id: target, label: `rack ${target}` };
  const body: SingularityMachineChangeRequest = message ? { message } : {};
  await ctx.api.post(`/${kind}s/${kind}/${encodeURIComponent(id)}/${action}`, body);
  ctx.term.document({ [`${kind}Id`]: id, action });
  ctx.term.line(`${action}: ${label} — see \`griddle ${kind}s\` for its state`);
  return EXIT.ok;
}
