import type { Router } from 'express';
import * as z from 'zod';
import { countsAsInstance } from '../../core';
import type { DeployRecord, RequestRecord, TaskRecord } from '../../model';
import { type ApiContext, body, idParam } from '../api-context';
import { notFound, parseInput } from '../http-errors';
import { isTaskId } from '../ids';
import { message } from '../params';
import { renderTask } from '../singularity-shapes';

export const killTaskSchema = z.object({ message, override: z.boolean().optional() });

/** `/tasks`: Singularity's TaskResource (active tasks; finished ones are under `/history`). */
export function registerTasks(router: Router, ctx: ApiContext): void {
  const { scheduler, log, writeGuard: w } = ctx;
  // One JSON fragment per task record, reused until the record (or its request/deploy) is
  // replaced, so a change to one task re-renders one task.
  const taskCache = new WeakMap<TaskRecord, { request?: RequestRecord; deploy?: DeployRecord; json: string }>();
  const taskJson = (t: TaskRecord): string => {
    const request = scheduler.requests.get(t.requestId);
    const deploy = ctx.deployOf(t.requestId, t.deployId);
    const hit = taskCache.get(t);
    if (hit && hit.request === request && hit.deploy === deploy) return hit.json;
    const json = JSON.stringify(renderTask(t, request, deploy));
    taskCache.set(t, { request, deploy, json });
    return json;
  };
  router.get('/tasks/active', ctx.cache.handler('tasks-active', () => {
    const out: string[] = [];
    for (const t of scheduler.tasks.values()) {
      if (!countsAsInstance(t) && t.killRequestedAt === undefined) continue;
      out.push(taskJson(t));
    }
    return `[${out.join(',')}]`;
  }));

  router.get('/tasks/task/:taskId', (req, res) => {
    const taskId = idParam(req, 'taskId', isTaskId, 'task');
    const t = scheduler.tasks.get(taskId);
    if (!t) throw notFound(`task ${taskId} is not active (see /api/history/task/${taskId})`);
    res.type('application/json').send(taskJson(t));
  });

  router.delete('/tasks/task/:taskId', w, async (req, res) => {
    const taskId = idParam(req, 'taskId', isTaskId, 'task');
    const input = parseInput(killTaskSchema, body(req));
    const t = scheduler.tasks.get(taskId);
    if (!t) throw notFound(`task ${taskId} is not active`);
    const why = `killed through the API${res.locals.user ? ` by ${String(res.locals.user)}` : ''}${input.message ? `: ${input.message}` : ''}`;
    log?.info({ taskId, requestId: t.requestId, user: res.locals.user }, 'task kill requested');
    void scheduler.killTask(taskId, why).catch((err: unknown) => log?.warn({ err, taskId }, 'kill failed'));
    res.json(renderTask(scheduler.tasks.get(taskId) ?? t, scheduler.requests.get(t.requestId), ctx.deployOf(t.requestId, t.deployId)));
  });
}
