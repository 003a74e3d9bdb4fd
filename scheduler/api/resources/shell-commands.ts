import type { Router } from 'express';
import * as z from 'zod';
import type { SingularityShellCommand } from '../../../contract';
import { type ApiContext, idParam, requireBody } from '../api-context';
import { badRequest, notFound, parseInput } from '../http-errors';
import { isTaskId } from '../ids';
import { ShellCommandError } from '../shell-command-config';
import type { ShellCommands } from '../shell-commands';

/** SingularityShellCommand. */
const shellCommandSchema = z.object({
  name: z.string().min(1).max(100),
  options: z.array(z.string().max(200)).max(50).optional(),
  user: z.string().max(200).optional(),
  logfileName: z.string().max(200).optional(),
});

/**
 * TaskResource's shell commands: run an allow-listed command in an active task's container,
 * and its runs with their updates. A command or option off the allow-list is 400 naming it.
 */
export function registerShellCommands(router: Router, ctx: ApiContext, commands: ShellCommands): void {
  router.post('/tasks/task/:taskId/command', ctx.writeGuard, (req, res) => {
    const taskId = idParam(req, 'taskId', isTaskId, 'task');
    const input = parseInput(shellCommandSchema, requireBody(req));
    const t = ctx.activeTask(taskId);
    // Singularity answers 400 for a task that is not running: there is no container to run in.
    if (!t || t.killRequestedAt !== undefined || t.state !== 'TASK_RUNNING') throw badRequest(`task ${taskId} is not an active running task; cannot run ${input.name} in it`);
    // The authenticated user, when there is one, is who ran it; the body's `user` otherwise.
    const user = typeof res.locals.user === 'string' ? res.locals.user : input.user;
    const command: SingularityShellCommand = { ...input, ...(user !== undefined ? { user } : {}) };
    try {
      res.json(commands.run(t, command));
    } catch (err) {
      if (err instanceof ShellCommandError) throw badRequest(err.message);
      throw err;
    }
  });

  router.get('/tasks/task/:taskId/command', (req, res) => {
    const taskId = idParam(req, 'taskId', isTaskId, 'task');
    const t = ctx.anyTask(taskId);
    if (!t) throw notFound(`task ${taskId} is unknown`);
    res.json(commands.historyOf(t.taskId));
  });

  router.get('/tasks/task/:taskId/command/:commandName/:commandTimestamp', (req, res) => {
    const taskId = idParam(req, 'taskId', isTaskId, 'task');
    const name = String(req.params.commandName);
    const timestamp = Number(req.params.commandTimestamp);
    if (!Number.isSafeInteger(timestamp)) throw badRequest('commandTimestamp: not a timestamp in milliseconds');
    const t = ctx.anyTask(taskId);
    const updates = commands.updatesOf(t?.taskId ?? taskId, name, timestamp);
    if (!updates) throw notFound(`no shell command ${name} at ${timestamp} on task ${taskId}`);
    res.json(updates);
  });
}
