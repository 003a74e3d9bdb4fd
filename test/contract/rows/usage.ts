import * as z from 'zod';
import { arr, obj } from '../../support/api-harness';
import type { ContractRow } from '../contract-row';

const MB = 1024 * 1024;

const utilization = z.object({
  numRequestsWithUnderUtilizedCpu: z.number(), numRequestsWithOverUtilizedCpu: z.number(), totalCpuUsed: z.number(), totalCpuAvailable: z.number(),
  totalMemBytesUsed: z.number(), totalMemBytesAvailable: z.number(), totalDiskBytesUsed: z.number(), totalDiskBytesAvailable: z.number(),
  maxUnderUtilizedCpuRequestId: z.string().nullable(), timestamp: z.number(),
});

const statistics = z.object({
  cpusLimit: z.number(), cpusSystemTimeSecs: z.number(), cpusUserTimeSecs: z.number(), memLimitBytes: z.number(), memRssBytes: z.number(),
  memTotalBytes: z.number(), memAnonBytes: z.number(), memFileBytes: z.number(), diskUsedBytes: z.number(), timestamp: z.number(),
});

/** TaskResource's statistics and UsageResource's cluster summary, from the executors' measurements (usage-poller.ts). */
export const rows: ContractRow[] = [
  {
    endpoint: 'GET /api/tasks/task/{taskId}/statistics',
    name: 'getTaskStatistics (the web UI’s task page): MesosTaskStatisticsObject from the executor',
    params: async (c) => {
      const taskId = await c.activeTaskId('c_web');
      await c.measuredUsage();
      return { taskId };
    },
    status: 200,
    shape: statistics,
    check: (res) => expect(obj(res.json)).toMatchObject({ memRssBytes: 16 * MB, cpusLimit: 0 }),
  },
  {
    endpoint: 'GET /api/tasks/task/{taskId}/statistics',
    name: 'an ended task has no container to measure',
    params: async (c) => ({ taskId: await c.endedTaskId('c_history') }),
    status: 404,
    shape: 'ApiErrorBody',
  },
  {
    endpoint: 'GET /api/usage/cluster/utilization',
    name: 'getClusterUtilization: measured use against reservations',
    params: async (c) => {
      await c.request('c_web');
      await c.measuredUsage();
      return {};
    },
    status: 200,
    shape: utilization,
    check: (res) => {
      const u = obj(res.json);
      const web = arr(u.requestUtilizations).find((r) => r.requestId === 'c_web');
      expect(web).toMatchObject({ numTasks: 2, cpuReserved: 0.2, cpuUsed: 0.1, memBytesUsed: 32 * MB });
      // Every measured request uses half its CPU and memory: under-utilized, none over.
      expect(u.numRequestsWithUnderUtilizedCpu).toBeGreaterThan(0);
      expect(u.numRequestsWithOverUtilizedCpu).toBe(0);
      expect(u.maxUnderUtilizedCpu).toBeCloseTo(0.05, 3);
      expect(u.maxUnderUtilizedMemBytes).toBe(16 * MB);
    },
  },
];
