import type { Router } from 'express';
import { type ApiContext, idParam } from '../api-context';
import { notFound } from '../http-errors';
import { isTaskId } from '../ids';
import type { TaskStatistics } from '../task-statistics';

/**
 * TaskResource's `statistics`: Singularity's MesosTaskStatisticsObject for a running task,
 * measured by its executor from Docker at the time of the call (Singularity reads the agent's
 * `/monitor/statistics`; see docs/api.md for why Griddle asks the executor).
 */
export function registerTaskStatistics(router: Router, ctx: ApiContext, statistics: TaskStatistics): void {
  router.get('/tasks/task/:taskId/statistics', async (req, res) => {
    const taskId = idParam(req, 'taskId', isTaskId, 'task');
    const t = ctx.activeTask(taskId);
    if (!t || t.state !== 'TASK_RUNNING') throw notFound(`task ${taskId} is not running: no container to measure`);
    res.json(await statistics.ask(t));
  });
}
