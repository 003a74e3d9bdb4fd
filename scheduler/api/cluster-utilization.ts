import type { GriddleRequestReservation, SingularityClusterUtilization } from '../../contract';

const MB = 1024 * 1024;

/** What one live task reserves (from its TaskInfo, else its deploy's resources). */
export interface TaskReservation { requestId: string; deployId: string; agentId: string; cpus: number; memoryMb: number; diskMb: number }
/** What an agent offered last: its unreserved resources at that time. */
export interface AgentOffer { cpus: number; memoryMb: number; diskMb: number }

/**
 * Singularity's SingularityClusterUtilization from what Griddle knows. Griddle measures no
 * container usage, so the `*Used` totals are reservations and every under/over-utilization
 * figure is 0: those compare measured use with reservations. Available capacity per agent is
 * its latest offer plus what Griddle's live tasks reserve there (an offer holds only what is
 * free). Pure.
 */
export function clusterUtilization(tasks: readonly TaskReservation[], offers: ReadonlyMap<string, AgentOffer>, now: number): SingularityClusterUtilization {
  const perRequest = new Map<string, GriddleRequestReservation>();
  const perAgent = new Map<string, AgentOffer>();
  for (const t of tasks) {
    const key = `${t.requestId}\u0000${t.deployId}`;
    const r = perRequest.get(key) ?? {
      requestId: t.requestId, deployId: t.deployId, numTasks: 0, cpuReserved: 0, memBytesReserved: 0, diskBytesReserved: 0,
      cpuUsed: null, memBytesUsed: null, diskBytesUsed: null,
    };
    r.numTasks++;
    r.cpuReserved += t.cpus;
    r.memBytesReserved += Math.round(t.memoryMb * MB);
    r.diskBytesReserved += Math.round(t.diskMb * MB);
    perRequest.set(key, r);
    const a = perAgent.get(t.agentId) ?? { cpus: 0, memoryMb: 0, diskMb: 0 };
    perAgent.set(t.agentId, { cpus: a.cpus + t.cpus, memoryMb: a.memoryMb + t.memoryMb, diskMb: a.diskMb + t.diskMb });
  }
  const reserved = [...perAgent.values()].reduce(sum, { cpus: 0, memoryMb: 0, diskMb: 0 });
  const offered = [...offers.values()].reduce(sum, { cpus: 0, memoryMb: 0, diskMb: 0 });
  const requestUtilizations = [...perRequest.values()].sort((a, b) => a.requestId.localeCompare(b.requestId) || a.deployId.localeCompare(b.deployId));
  return {
    numRequestsWithUnderUtilizedCpu: 0, numRequestsWithOverUtilizedCpu: 0, numRequestsWithUnderUtilizedMemBytes: 0, numRequestsWithUnderUtilizedDiskBytes: 0,
    totalUnderUtilizedCpu: 0, totalOverUtilizedCpu: 0, totalUnderUtilizedMemBytes: 0, totalUnderUtilizedDiskBytes: 0,
    avgUnderUtilizedCpu: 0, avgOverUtilizedCpu: 0, avgUnderUtilizedMemBytes: 0, avgUnderUtilizedDiskBytes: 0,
    maxUnderUtilizedCpu: 0, maxOverUtilizedCpu: 0, maxUnderUtilizedMemBytes: 0, maxUnderUtilizedDiskBytes: 0,
    maxUnderUtilizedCpuRequestId: null, maxOverUtilizedCpuRequestId: null, maxUnderUtilizedMemBytesRequestId: null, maxUnderUtilizedDiskBytesRequestId: null,
    minUnderUtilizedCpu: 0, minOverUtilizedCpu: 0, minUnderUtilizedMemBytes: 0, minUnderUtilizedDiskBytes: 0,
    totalCpuUsed: round(reserved.cpus),
    totalMemBytesUsed: Math.round(reserved.memoryMb * MB),
    totalDiskBytesUsed: Math.round(reserved.diskMb * MB),
    totalCpuAvailable: round(reserved.cpus + offered.cpus),
    totalMemBytesAvailable: Math.round((reserved.memoryMb + offered.memoryMb) * MB),
    totalDiskBytesAvailable: Math.round((reserved.diskMb + offered.diskMb) * MB),
    timestamp: now,
    requestUtilizations,
  };
}

const sum = (a: AgentOffer, b: AgentOffer): AgentOffer => ({ cpus: a.cpus + b.cpus, memoryMb: a.memoryMb + b.memoryMb, diskMb: a.diskMb + b.diskMb });
/** Float sums of cpus (0.1 + 0.2) read better rounded to a millicpu. */
const round = (n: number): number => Math.round(n * 1000) / 1000;
