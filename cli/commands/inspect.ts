import { ApiError } from '../api/api-client';
import { readDeployHistoryList, readTasks, type TaskView } from '../api/views';
import { formatAge, renderTable } from '../output/table';
import { CliError, EXIT, sleep, type CommandContext } from './context';
import { liveRequest } from './release';
import { readSandboxFrom, readSandboxTail, type SandboxFile } from './sandbox';

export async function requestTasks(ctx: CommandContext, requestId: string): Promise<TaskView[]> {
  return readTasks(await ctx.api.get('/tasks/active'))
    .filter((t) => t.requestId === requestId)
    .sort((a, b) => (a.instanceNo ?? 0) - (b.instanceNo ?? 0) || a.taskId.localeCompare(b.taskId));
}

function health(t: TaskView): string {
  return t.healthy === true ? 'healthy' : t.healthy === false ? 'unhealthy' : '-';
}

function shortState(state: string): string {
  return state.replace(/^TASK_/, '');
}

export function taskRows(tasks: TaskView[], now: number): string[][] {
  return tasks.map((t) => [t.taskId, t.host, t.ports.join(','), shortState(t.state), health(t), t.startedAt ? formatAge(now - t.startedAt) : '-']);
}

export interface TaskChange { change: 'added' | 'changed' | 'removed'; task: TaskView; previous?: TaskView }

/** What changed between two snapshots of a request's tasks (state or health). */
export function diffTasks(before: TaskView[], after: TaskView[]): TaskChange[] {
  const old = new Map(before.map((t) => [t.taskId, t]));
  const changes: TaskChange[] = [];
  for (const t of after) {
    const p = old.get(t.taskId);
    if (!p) changes.push({ change: 'added', task: t });
    else if (p.state !== t.state || p.healthy !== t.healthy) changes.push({ change: 'changed', task: t, previous: p });
    old.delete(t.taskId);
  }
  for (const t of old.values()) changes.push({ change: 'removed', task: t });
  return changes;
}

export function describeChange(c: TaskChange): string {
  const t = c.task;
  if (c.change === 'added') return `+ ${t.taskId} on ${t.host || '?'}: ${shortState(t.state)} ${health(t)}`;
  if (c.change === 'removed') return `- ${t.taskId}: gone`;
  return `~ ${t.taskId}: ${shortState(c.previous?.state ?? '')} ${health(c.previous ?? t)} → ${shortState(t.state)} ${health(t)}`;
}

export async function status(ctx: CommandContext, requestId: string, watch: boolean): Promise<number> {
  const live = await liveRequest(ctx, requestId);
  if (!live) throw new CliError(`no request ${requestId} on ${ctx.api.base} (release it first)`, EXIT.usage);
  let tasks = await requestTasks(ctx, requestId);
  const t = ctx.term;
  t.document({ requestId, state: live.state, request: live.request, activeDeployId: live.activeDeployId ?? null, pendingDeployId: live.pendingDeployId ?? null, tasks });
  t.line(`${requestId}: ${live.state}, active deploy ${live.activeDeployId ?? '-'}${live.pendingDeployId ? `, deploying ${live.pendingDeployId}` : ''}, ${tasks.length} task(s)`);
  if (tasks.length > 0) for (const l of renderTable(['TASK', 'HOST', 'PORTS', 'STATE', 'HEALTH', 'AGE'], taskRows(tasks, ctx.now()))) t.line(l);
  if (!watch) return EXIT.ok;

  t.line('Watching task changes (Ctrl-C stops)...');
  const stop = new AbortController();
  const onAbort = (): void => stop.abort();
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  let wake: (() => void) | undefined;
  ctx.api.events({ requestId }, () => wake?.(), stop.signal).catch(() => undefined);
  try {
    while (!ctx.signal.aborted) {
      await sleep(ctx.pollMs, stop.signal, (resume) => { wake = resume; });
      if (ctx.signal.aborted) break;
      const next = await requestTasks(ctx, requestId);
      for (const c of diffTasks(tasks, next)) {
        t.jsonLine({ time: new Date(ctx.now()).toISOString(), ...c });
        t.line(`${new Date(ctx.now()).toISOString().slice(11, 19)} ${describeChange(c)}`);
      }
      tasks = next;
    }
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
    stop.abort();
  }
  return EXIT.ok;
}

export async function history(ctx: CommandContext, requestId: string, count: number): Promise<number> {
  const body = await ctx.api.getOrNull(`/history/request/${encodeURIComponent(requestId)}/deploys`, { count, page: 1 });
  if (body === null) throw new CliError(`no request ${requestId} on ${ctx.api.base}`, EXIT.usage);
  const deploys = readDeployHistoryList(body);
  ctx.term.document(deploys);
  if (deploys.length === 0) {
    ctx.term.line(`${requestId}: no deploys yet`);
    return EXIT.ok;
  }
  const rows = deploys.map((d) => [
    d.deployId,
    d.timestamp ? new Date(d.timestamp).toISOString().replace('T', ' ').slice(0, 19) : '-',
    d.deploy?.containerInfo?.docker?.image ?? '-',
    d.result?.deployState ?? 'IN PROGRESS',
    [d.result?.message, ...(d.result?.failures ?? []).map((f) => f.reason)].filter(Boolean).join('; '),
  ]);
  for (const l of renderTable(['DEPLOY', 'WHEN (UTC)', 'IMAGE', 'RESULT', 'DETAILS'], rows)) ctx.term.line(l);
  return EXIT.ok;
}

export interface LogsOptions { taskId?: string; file: SandboxFile; follow: boolean }

export async function logs(ctx: CommandContext, requestId: string, options: LogsOptions): Promise<number> {
  let taskId = options.taskId;
  if (!taskId) {
    const tasks = await requestTasks(ctx, requestId);
    taskId = tasks.sort((a, b) => (b.startedAt ?? 0) - (a.startedAt ?? 0))[0]?.taskId;
    if (!taskId) {
      const past = await ctx.api.getOrNull(`/history/request/${encodeURIComponent(requestId)}/tasks`);
      taskId = (past === null ? [] : readTasks(past)).sort((a, b) => (b.startedAt ?? 0) - (a.startedAt ?? 0))[0]?.taskId;
    }
    if (!taskId) throw new CliError(`${requestId} has no tasks (give one with --task)`, EXIT.usage);
  }
  const write = (data: string): void => {
    if (ctx.term.json) ctx.term.jsonLine({ taskId, file: options.file, data });
    else ctx.term.raw(data);
  };
  if (!ctx.term.json) ctx.term.warn(ctx.term.color('dim', `==> ${options.file} of ${taskId} <==`));
  let { data, end } = await readSandboxTail(ctx, taskId, options.file, 65_536);
  if (data) write(data);
  while (options.follow && !ctx.signal.aborted) {
    await sleep(ctx.pollMs, ctx.signal);
    if (ctx.signal.aborted) break;
    try {
      ({ data, end } = await readSandboxFrom(ctx, taskId, options.file, end));
    } catch (e) {
      if (e instanceof ApiError && e.kind === 'not-found') break;
      throw e;
    }
    if (data) write(data);
  }
  return EXIT.ok;
}
