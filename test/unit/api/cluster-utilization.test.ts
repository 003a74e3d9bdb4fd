import { clusterUtilization, type TaskReservation } from '../../../scheduler/api/cluster-utilization';

const MB = 1024 * 1024;
const t = (requestId: string, agentId: string, cpus: number, memoryMb: number, diskMb = 0): TaskReservation => ({ requestId, deployId: 'v1', agentId, cpus, memoryMb, diskMb });

describe('cluster utilization', () => {
  it('sums reservations per request and per cluster; available adds the latest offers', () => {
    const u = clusterUtilization(
      [t('web', 'a1', 0.1, 32), t('web', 'a2', 0.2, 32, 10), t('batch', 'a1', 1, 512)],
      new Map([['a1', { cpus: 2.9, memoryMb: 1000, diskMb: 100 }], ['a2', { cpus: 3.8, memoryMb: 2000, diskMb: 0 }]]),
      1234,
    );
    expect(u.requestUtilizations).toEqual([
      { requestId: 'batch', deployId: 'v1', numTasks: 1, cpuReserved: 1, memBytesReserved: 512 * MB, diskBytesReserved: 0, cpuUsed: null, memBytesUsed: null, diskBytesUsed: null },
      { requestId: 'web', deployId: 'v1', numTasks: 2, cpuReserved: 0.30000000000000004, memBytesReserved: 64 * MB, diskBytesReserved: 10 * MB, cpuUsed: null, memBytesUsed: null, diskBytesUsed: null },
    ]);
    expect(u).toMatchObject({
      totalCpuUsed: 1.3, totalMemBytesUsed: 576 * MB, totalDiskBytesUsed: 10 * MB,
      totalCpuAvailable: 8, totalMemBytesAvailable: 3576 * MB, totalDiskBytesAvailable: 110 * MB, timestamp: 1234,
    });
  });

  it('reports no under- or over-utilization: that needs measured usage', () => {
    const u = clusterUtilization([t('web', 'a1', 4, 4096)], new Map(), 0);
    expect(u.numRequestsWithUnderUtilizedCpu + u.numRequestsWithOverUtilizedCpu + u.numRequestsWithUnderUtilizedMemBytes).toBe(0);
    expect(u.maxUnderUtilizedCpuRequestId).toBeNull();
    expect(clusterUtilization([], new Map(), 0)).toMatchObject({ totalCpuUsed: 0, totalCpuAvailable: 0, requestUtilizations: [] });
  });
});
