import type { SingularityPriorityFreezeParent } from '../../contract';
import { EXIT, type CommandContext } from './context';

export interface PriorityFreezeOptions { level?: number; killTasks: boolean; message?: string; clear: boolean }

/**
 * `griddle priority-freeze [level]`: shows the freeze, sets one (requests below `level` get no
 * new tasks; with `killTasks` their running ones are killed), or lifts it (`clear`).
 */
export async function priorityFreeze(ctx: CommandContext, o: PriorityFreezeOptions): Promise<number> {
  if (o.clear) {
    await ctx.api.delete('/priority/freeze');
    ctx.term.document({ priorityFreeze: null });
    ctx.term.line('Priority freeze lifted: every request gets tasks again');
    return EXIT.ok;
  }
  if (o.level !== undefined) {
    const parent = (await ctx.api.post('/priority/freeze', { minimumPriorityLevel: o.level, killTasks: o.killTasks, message: o.message })) as SingularityPriorityFreezeParent;
    ctx.term.document(parent);
    ctx.term.line(`Priority freeze at ${parent.priorityFreeze.minimumPriorityLevel}: requests with a lower taskPriorityLevel get no new tasks${parent.priorityFreeze.killTasks ? ' and their tasks are killed' : ''}`);
    return EXIT.ok;
  }
  const parent = (await ctx.api.getOrNull('/priority/freeze')) as SingularityPriorityFreezeParent | null;
  ctx.term.document({ priorityFreeze: parent });
  if (!parent) ctx.term.line('No priority freeze');
  else {
    const f = parent.priorityFreeze;
    ctx.term.line(`Priority freeze at ${f.minimumPriorityLevel}${f.killTasks ? ', killing tasks' : ''} since ${new Date(parent.timestamp).toISOString()}${parent.user ? ` by ${parent.user}` : ''}${f.message ? `: ${f.message}` : ''}`);
  }
  return EXIT.ok;
}
