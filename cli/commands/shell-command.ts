import type { SingularityTaskShellCommandRequest, SingularityTaskShellCommandUpdate } from '../../contract';
import { formatAge } from '../output/table';
import { CliError, EXIT, sleep, type CommandContext } from './context';
import { requestTasks } from './inspect';
import { readSandboxTail } from './sandbox';

export interface ShellCommandOptions {
  name: string;
  /** Option names from the scheduler's allow-list (never free text: the scheduler refuses it). */
  options: string[];
  taskId?: string;
  timeoutMs: number;
}

const ENDED = new Set(['FINISHED', 'FAILED', 'INVALID']);
const OUTPUT_BYTES = 1_048_576;

/**
 * `griddle command <svc> <name>`: runs an allow-listed shell command in a running task (the
 * newest one unless `--task`), shows its ACKED/STARTED progress, then prints its output file
 * from the sandbox. Exit 0 when the command FINISHED (exit 0), 1 when it FAILED or was INVALID.
 */
export async function shellCommand(ctx: CommandContext, requestId: string, o: ShellCommandOptions): Promise<number> {
  const taskId = o.taskId ?? (await newestRunningTask(ctx, requestId));
  const base = `/tasks/task/${encodeURIComponent(taskId)}/command`;
  const run = (await ctx.api.post(base, { name: o.name, ...(o.options.length > 0 ? { options: o.options } : {}) })) as SingularityTaskShellCommandRequest;
  const started = ctx.now();
  let updates: SingularityTaskShellCommandUpdate[];
  for (;;) {
    updates = ((await ctx.api.getOrNull(`${base}/${encodeURIComponent(o.name)}/${run.timestamp}`)) ?? []) as SingularityTaskShellCommandUpdate[];
    const last = updates.at(-1);
    if (last && ENDED.has(last.updateType)) break;
    ctx.term.progress(`command ${o.name} on ${taskId}: ${last?.updateType ?? 'sent'}`, formatAge(ctx.now() - started));
    if (ctx.signal.aborted || (o.timeoutMs > 0 && ctx.now() - started > o.timeoutMs)) {
      ctx.term.clearProgress();
      throw new CliError(`command ${o.name} on ${taskId} has not ended after ${formatAge(ctx.now() - started)} (last update: ${last?.updateType ?? 'none'}); it may still be running — see GET /api${base}`, EXIT.deployFailed);
    }
    await sleep(ctx.pollMs, ctx.signal);
  }
  ctx.term.clearProgress();
  const end = updates[updates.length - 1];
  const file = updates.find((u) => u.outputFilename)?.outputFilename;
  const output = file ? (await readSandboxTail(ctx, taskId, file, OUTPUT_BYTES)).data : '';
  ctx.term.document({ taskId, name: o.name, timestamp: run.timestamp, result: end.updateType, message: end.message, outputFilename: file, output, updates });
  if (!ctx.term.json) {
    ctx.term.warn(ctx.term.color('dim', `==> ${o.name} on ${taskId}${file ? ` (sandbox file ${file})` : ''} <==`));
    ctx.term.raw(output);
  }
  const ok = end.updateType === 'FINISHED';
  const summary = `${o.name} ${end.updateType} after ${formatAge(ctx.now() - started)}${end.message ? `: ${end.message}` : ''}`;
  if (ok) ctx.term.warn(ctx.term.color('green', `✔ ${summary}`));
  else ctx.term.warn(ctx.term.color('red', `✘ ${summary}`));
  return ok ? EXIT.ok : EXIT.deployFailed;
}

async function newestRunningTask(ctx: CommandContext, requestId: string): Promise<string> {
  const running = (await requestTasks(ctx, requestId)).filter((t) => t.state === 'TASK_RUNNING' && t.killRequestedAt === undefined);
  const newest = running.sort((a, b) => (b.startedAt ?? 0) - (a.startedAt ?? 0))[0];
  if (!newest) throw new CliError(`${requestId} has no running task to run a command in (give one with --task)`, EXIT.usage);
  return newest.taskId;
}
