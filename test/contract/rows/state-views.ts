import { obj } from '../../support/api-harness';
import type { ContractRow } from '../contract-row';

/** StateResource's views: scheduling lag and task reconciliation. */
export const rows: ContractRow[] = [
  {
    endpoint: 'GET /api/state/scheduled-tasks-info',
    params: async (c) => c.queuedRun('c_queued', 'qrun_1'),
    status: 200,
    shape: 'SingularityScheduledTasksInfo',
    check: (res) => expect(obj(res.json).numFutureTasks).toEqual(expect.any(Number)),
  },
  {
    endpoint: 'GET /api/state/task-reconciliation',
    name: 'before the first reconciliation: 404, which the client reads as absent',
    status: 404,
    shape: 'ApiErrorBody',
  },
  {
    endpoint: 'GET /api/state/task-reconciliation',
    name: 'after a reconciliation (the core’s numbers stand in for a Mesos master)',
    params: async (c) => {
      jest.spyOn(c.h.scheduler, 'reconciliationStats').mockReturnValue({ startedAt: 1_000, finishedAt: 1_250, iterations: 2, responseLatenciesMs: [10, 20, 30] });
      return {};
    },
    status: 200,
    shape: 'SingularityTaskReconciliationStatistics',
    check: (res) => expect(obj(res.json)).toMatchObject({ taskReconciliationStartedAt: 1_000, taskReconciliationDurationMillis: 250, taskReconciliationIterations: 2, taskReconciliationResponseCount: 3 }),
    after: (c) => jest.mocked(c.h.scheduler.reconciliationStats).mockRestore(),
  },
];
