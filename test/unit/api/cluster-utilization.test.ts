import { clusterUtilization, type TaskReservation, type TaskUsage } from '../../../scheduler/api/cluster-utilization';
import { nextSample } from '../../../scheduler/api/usage-poller';
import { toTaskStatisticsObject } from '../../../contract';

const MB = 1024 * 1024;
const t = (requestId: string, agentId: string, cpus: number, memoryMb: number, diskMb = 0, usage?: TaskUsage): TaskReservation => ({ requestId, deployId: 'v1', agentId, cpus, memoryMb, diskMb, ...(usage ? { usage } : {}) });

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

  it('compares the average task’s measured use with its reservation, per request', () => {
    const u = clusterUtilization([
      t('web', 'a1', 1, 512, 0, { cpus: 0.25, memBytes: 128 * MB }), t('web', 'a2', 1, 512, 0, { cpus: 0.75, memBytes: 384 * MB }), // 0.5 of 1 cpu, 256 of 512 MiB
      t('hot', 'a1', 0.5, 64, 0, { cpus: 0.8, memBytes: 64 * MB }), // over by 0.3, memory all used
      t('idle', 'a1', 2, 100, 0, { memBytes: 10 * MB }), // one sample: memory only
      t('new', 'a2', 1, 100), // not measured: counts its reservation in the totals
    ], new Map(), 0);
    expect(u).toMatchObject({
      numRequestsWithUnderUtilizedCpu: 1, totalUnderUtilizedCpu: 0.5, maxUnderUtilizedCpuRequestId: 'web',
      numRequestsWithOverUtilizedCpu: 1, totalOverUtilizedCpu: 0.3, maxOverUtilizedCpuRequestId: 'hot', minOverUtilizedCpu: 0.3,
      numRequestsWithUnderUtilizedMemBytes: 2, maxUnderUtilizedMemBytes: 256 * MB, maxUnderUtilizedMemBytesRequestId: 'web', minUnderUtilizedMemBytes: 90 * MB,
      avgUnderUtilizedMemBytes: 173 * MB,
      totalCpuUsed: 0.25 + 0.75 + 0.8 + 2 + 1, totalMemBytesUsed: (128 + 384 + 64 + 10 + 100) * MB,
    });
    expect(u.requestUtilizations.find((r) => r.requestId === 'idle')).toMatchObject({ cpuUsed: null, memBytesUsed: 10 * MB });
    expect(u.requestUtilizations.find((r) => r.requestId === 'new')).toMatchObject({ cpuUsed: null, memBytesUsed: null });
  });

  it('a CPU rate takes two samples: CPU seconds over the seconds between them', () => {
    const at = (timestamp: number, user: number, system: number) => toTaskStatisticsObject({ timestamp, cpus_user_time_secs: user, cpus_system_time_secs: system, mem_rss_bytes: 5 });
    const first = nextSample(undefined, at(100, 1, 1));
    expect(first).toEqual({ cpuSecs: 2, at: 100, memBytes: 5 });
    expect(nextSample(first, at(110, 3, 2)).cpus).toBeCloseTo(0.3);
    // A restarted counter (a new container under the same task) starts afresh.
    expect(nextSample(first, at(110, 0.5, 0)).cpus).toBeUndefined();
  });

  it('reports no under- or over-utilization before anything is measured', () => {
    const u = clusterUtilization([t('web', 'a1', 4, 4096)], new Map(), 0);
    expect(u.numRequestsWithUnderUtilizedCpu + u.numRequestsWithOverUtilizedCpu + u.numRequestsWithUnderUtilizedMemBytes).toBe(0);
    expect(u.maxUnderUtilizedCpuRequestId).toBeNull();
    expect(clusterUtilization([], new Map(), 0)).toMatchObject({ totalCpuUsed: 0, totalCpuAvailable: 0, requestUtilizations: [] });
  });
});
