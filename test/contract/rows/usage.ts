import * as z from 'zod';
import type { ContractRow } from '../contract-row';

const utilization = z.object({
  numRequestsWithUnderUtilizedCpu: z.number(), numRequestsWithOverUtilizedCpu: z.number(), totalCpuUsed: z.number(), totalCpuAvailable: z.number(),
  totalMemBytesUsed: z.number(), totalMemBytesAvailable: z.number(), totalDiskBytesUsed: z.number(), totalDiskBytesAvailable: z.number(),
  maxUnderUtilizedCpuRequestId: z.string().nullable(), timestamp: z.number(),
});

/** UsageResource's cluster summary. */
export const rows: ContractRow[] = [
  {
    endpoint: 'GET /api/usage/cluster/utilization',
    name: 'getClusterUtilization',
    status: 200,
    shape: utilization,
    partial: 'the *Used totals are reservations (Griddle measures no container usage), so every under/over-utilization figure is 0',
  },
];
