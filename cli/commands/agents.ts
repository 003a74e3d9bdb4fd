import type { SingularityAgent, SingularityMachineChangeRequest } from '../../contract';
import { renderTable, formatAge } from '../output/table';
import { CliError, EXIT, type CommandContext } from './context';

export type AgentAction = 'decommission' | 'freeze' | 'activate';

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

/**
 * `griddle agent <action> <agentId|host>`: a host is resolved to its agent id first; a host with
 * several agents is refused rather than guessed.
 */
export async function agentAction(ctx: CommandContext, action: AgentAction, target: string, message?: string): Promise<number> {
  const list = await listAgents(ctx);
  const matches = list.filter((a) => a.id === target);
  const byHost = matches.length > 0 ? matches : list.filter((a) => a.host === target);
  if (byHost.length === 0) throw new CliError(`no agent with id or host ${target}`, EXIT.usage);
  if (byHost.length > 1) throw new CliError(`host ${target} runs ${byHost.length} agents (${byHost.map((a) => a.id).join(', ')}); name one by id`, EXIT.usage);
  const agent = byHost[0];
  const body: SingularityMachineChangeRequest = message ? { message } : {};
  await ctx.api.post(`/agents/agent/${encodeURIComponent(agent.id)}/${action}`, body);
  ctx.term.document({ agentId: agent.id, host: agent.host, action });
  ctx.term.line(`${action}: agent ${agent.id} (${agent.host}) — see \`griddle agents\` for its state`);
  return EXIT.ok;
}
