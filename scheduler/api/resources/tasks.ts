import type { Router } from 'express';
import * as z from 'zod';
import { countsAsInstance } from '../../core';
import { type ApiContext, body, idParam } from '../api-context';
import { badRequest, notFound, parseInput } from '../http-errors';
import { isTaskId } from '../ids';
import { message } from '../params';
import { renderTaskCleanup } from '../singularity-shapes';
import { jsonArray } from '../task-json';

/** SingularityKillTaskRequest. */
export const killTaskSchema = z.object({
  message,
  override: z.boolean().optional(),
  actionId: z.string().max(200).optional(),
  waitForReplacementTask: z.boolean().optional(),
});

const API_KILL = 'killed through the API';

/** `/tasks`: Singularity's TaskResource (active tasks; finished ones are under `/history`). */
export function registerTasks(router: Router, ctx: ApiContext): void {
  const { scheduler, log, writeGuard: w } = ctx;
  const { taskJson } = ctx;
  router.get('/tasks/active', ctx.cache.handler('tasks-active', () => {
    const out: Buffer[] = [];
    for (const t of scheduler.tasks.values()) {
      if (!countsAsInstance(t) && t.killRequestedAt === undefined) continue;
      out.push(taskJson.get(t));
    }
    return jsonArray(out);
  }));

  router.get('/tasks/task/:taskId', (req, res) => {
    const taskId = idParam(req, 'taskId', isTaskId, 'task');
    const t = ctx.activeTask(taskId);
    if (!t) throw notFound(`task ${taskId} is not active (see /api/history/task/${taskId})`);
    res.type('application/json').send(taskJson.get(t));
  });

  // Answers Singularity's SingularityTaskCleanup; a second kill while one from the API is under
  // way is 409 with the first one's cleanup, as in Singularity (a kill Griddle started itself,
  // e.g. a deploy retiring the task, gives way to the user's).
  router.delete('/tasks/task/:taskId', w, (req, res) => {
    const taskId = idParam(req, 'taskId', isTaskId, 'task');
    const input = parseInput(killTaskSchema, body(req));
    if (input.waitForReplacementTask) throw badRequest('waitForReplacementTask: not supported; bounce the request instead', [{ field: 'waitForReplacementTask', message: 'not supported' }]);
    const t = ctx.activeTask(taskId);
    if (!t) throw notFound(`task ${taskId} is not active`);
    const user = typeof res.locals.user === 'string' ? res.locals.user : undefined;
    const cleanupType = input.override ? 'USER_REQUESTED_DESTROY' : 'USER_REQUESTED';
    if (t.killRequestedAt !== undefined && t.killReason?.startsWith(API_KILL)) {
      const existing = renderTaskCleanup(t, cleanupType, t.killRequestedAt, { message: t.killReason });
      res.status(409).json(existing);
      return;
    }
    const why = `${API_KILL}${user ? ` by ${user}` : ''}${input.message ? `: ${input.message}` : ''}`;
    log?.info({ taskId: t.taskId, requestId: t.requestId, user }, 'task kill requested');
    void scheduler.killTask(t.taskId, why).catch((err: unknown) => log?.warn({ err, taskId: t.taskId }, 'kill failed'));
    res.json(renderTaskCleanup(t, cleanupType, ctx.now(), { user, message: input.message, actionId: input.actionId }));
  });
}
