import * as z from 'zod';
import { arr, obj } from '../../support/api-harness';
import type { ContractContext, ContractRow } from '../contract-row';

/** A running task and the agent it runs on. */
const onAgent = async (c: ContractContext): Promise<Record<string, string>> => {
  const taskId = await c.activeTaskId('c_web');
  return { taskId, agentId: c.h.scheduler.tasks.get(taskId)?.agentId ?? '' };
};

const update = z.object({ taskId: z.object({ id: z.string() }), timestamp: z.number(), taskState: z.string() });

/** TaskResource's views: scheduled tasks, a request's tasks by status and counts, tasks per agent, id and state lists. */
export const rows: ContractRow[] = [
  {
    endpoint: 'GET /api/tasks/scheduled',
    params: async (c) => c.queuedRun('c_queued', 'qrun_1'),
    status: 200,
    shape: { list: 'SingularityTaskRequest' },
    check: (res) => expect(arr(res.json).map((t) => obj(t.pendingTask).runId)).toContain('qrun_1'),
  },
  {
    endpoint: 'GET /api/tasks/scheduled/ids',
    params: async (c) => c.queuedRun('c_queued', 'qrun_1'),
    status: 200,
    shape: { list: 'SingularityPendingTaskId' },
    check: (res) => expect(arr(res.json)).toContainEqual(expect.objectContaining({ requestId: 'c_queued', pendingType: 'ONEOFF' })),
  },
  {
    endpoint: 'GET /api/tasks/ids/request/{requestId}',
    params: async (c) => ({ requestId: await c.request('c_web') }),
    status: 200,
    shape: 'SingularityTaskIdsByStatus',
    check: (res) => expect(arr(obj(res.json).healthy).length).toBeGreaterThan(0),
  },
  {
    endpoint: 'GET /api/tasks/ids/request/{requestId}',
    name: 'a queued run is pending',
    params: async (c) => c.queuedRun('c_queued', 'qrun_1'),
    status: 200,
    shape: 'SingularityTaskIdsByStatus',
    check: (res) => expect(arr(obj(res.json).pending)).toHaveLength(1),
  },
  {
    endpoint: 'GET /api/tasks/counts/request/{requestId}',
    params: async (c) => ({ requestId: await c.request('c_web') }),
    status: 200,
    shape: 'SingularityTaskCounts',
    check: (res) => expect(obj(res.json)).toMatchObject({ requestId: 'c_web', active: 2 }),
  },
  {
    endpoint: 'GET /api/tasks/active/slave/{agentId}',
    params: onAgent,
    status: 200,
    shape: { list: 'SingularityTask' },
    check: (res, p) => expect(arr(res.json).map((t) => obj(t.taskId).id)).toContain(p.taskId),
  },
  {
    endpoint: 'GET /api/tasks/active/slave/{agentId}/ids',
    params: onAgent,
    status: 200,
    shape: { list: 'SingularityTaskId' },
    check: (res, p) => expect(arr(res.json).map((t) => t.id)).toContain(p.taskId),
  },
  {
    endpoint: 'GET /api/tasks/active/ids',
    params: async (c) => ({ taskId: await c.activeTaskId('c_web') }),
    status: 200,
    shape: { list: 'SingularityTaskId' },
    check: (res, p) => expect(arr(res.json).map((t) => t.id)).toContain(p.taskId),
  },
  {
    endpoint: 'GET /api/tasks/active/states',
    name: 'getActiveTaskStates: history updates keyed by task id (a SingularityTaskId map key is its string)',
    params: async (c) => ({ taskId: await c.activeTaskId('c_web') }),
    status: 200,
    shape: z.record(z.string(), z.array(update)),
    check: (res, p) => expect(arr(obj(res.json)[p.taskId]).map((u) => u.taskState)).toContain('TASK_RUNNING'),
  },
];
