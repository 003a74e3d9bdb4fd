import type { GriddleRequestReservation, Resources, SingularityClusterUtilization } from '../../contract';
import { type TaskInfo, scalarOf } from '../../mesos-proto';
import type { TaskRecord } from '../model';

const MB = 1024 * 1024;

/** A task's measured use (usage-poller.ts): `cpus` needs two samples, so it may still be missing. */
export interface TaskUsage { cpus?: number; memBytes: number; /** When the last sample was taken (ms). */ at?: number }
/** What one live task reserves (from its TaskInfo, else its deploy's resources), and its measured use when there is one. */
export interface TaskReservation { requestId: string; deployId: string; agentId: string; cpus: number; memoryMb: number; diskMb: number; usage?: TaskUsage }
/** What an agent offered last: its unreserved resources at that time. */
export interface AgentOffer { cpus: number; memoryMb: number; diskMb: number }

/** What a live task reserves: its TaskInfo's resources when sent, else its deploy's (`declared`). */
export function reservationOf(t: TaskRecord, declared: Resources | undefined): AgentOffer {
  const info = t.taskInfo as TaskInfo | undefined;
  return {
    cpus: scalarOf(info?.resources, 'cpus') || (declared?.cpus ?? 0),
    memoryMb: scalarOf(info?.resources, 'mem') || (declared?.memoryMb ?? 0),
    diskMb: scalarOf(info?.resources, 'disk') || (declared?.diskMb ?? 0),
  };
}

/** One figure's under- (or over-) use per request, by request id. */
type Gaps = Map<string, number>;

/**
 * Singularity's SingularityClusterUtilization from Griddle's reservations and the executors'
 * measurements. Per request (and deploy), the average task's measured use is compared with the
 * average task's reservation: less CPU than reserved is under-utilized CPU, more is over-, less
 * memory is under-utilized memory; the cluster figures count, sum, average and bound those gaps
 * over the requests. `*Used` totals are measured use, a task not measured yet counting its
 * reservation. Disk is never measured (0 gaps). Available capacity per agent is its latest offer
 * plus what Griddle's live tasks reserve there (an offer holds only what is free). Pure.
 */
export function clusterUtilization(tasks: readonly TaskReservation[], offers: ReadonlyMap<string, AgentOffer>, now: number): SingularityClusterUtilization {
  const perRequest = new Map<string, GriddleRequestReservation & { cpuMeasured: number; memMeasured: number }>();
  const perAgent = new Map<string, AgentOffer>();
  let cpuUsed = 0;
  let memUsed = 0;
  for (const t of tasks) {
    const key = `${t.requestId}\u0000${t.deployId}`;
    const r = perRequest.get(key) ?? {
      requestId: t.requestId, deployId: t.deployId, numTasks: 0, cpuReserved: 0, memBytesReserved: 0, diskBytesReserved: 0,
      cpuUsed: null, memBytesUsed: null, diskBytesUsed: null, cpuMeasured: 0, memMeasured: 0,
    };
    r.numTasks++;
    r.cpuReserved += t.cpus;
    r.memBytesReserved += Math.round(t.memoryMb * MB);
    r.diskBytesReserved += Math.round(t.diskMb * MB);
    if (t.usage?.cpus !== undefined) {
      r.cpuUsed = (r.cpuUsed ?? 0) + t.usage.cpus;
      r.cpuMeasured++;
    }
    if (t.usage) {
      r.memBytesUsed = (r.memBytesUsed ?? 0) + t.usage.memBytes;
      r.memMeasured++;
    }
    perRequest.set(key, r);
    cpuUsed += t.usage?.cpus ?? t.cpus;
    memUsed += t.usage ? t.usage.memBytes : Math.round(t.memoryMb * MB);
    const a = perAgent.get(t.agentId) ?? { cpus: 0, memoryMb: 0, diskMb: 0 };
    perAgent.set(t.agentId, { cpus: a.cpus + t.cpus, memoryMb: a.memoryMb + t.memoryMb, diskMb: a.diskMb + t.diskMb });
  }
  const underCpu: Gaps = new Map();
  const overCpu: Gaps = new Map();
  const underMem: Gaps = new Map();
  for (const r of perRequest.values()) {
    if (r.cpuUsed !== null) {
      const gap = r.cpuReserved / r.numTasks - r.cpuUsed / r.cpuMeasured;
      if (gap > 0) underCpu.set(r.requestId, Math.max(underCpu.get(r.requestId) ?? 0, gap));
      else if (gap < 0) overCpu.set(r.requestId, Math.max(overCpu.get(r.requestId) ?? 0, -gap));
    }
    if (r.memBytesUsed !== null) {
      const gap = r.memBytesReserved / r.numTasks - r.memBytesUsed / r.memMeasured;
      if (gap > 0) underMem.set(r.requestId, Math.max(underMem.get(r.requestId) ?? 0, gap));
    }
  }
  const uc = summarize(underCpu);
  const oc = summarize(overCpu);
  const um = summarize(underMem);
  const reserved = [...perAgent.values()].reduce(sum, { cpus: 0, memoryMb: 0, diskMb: 0 });
  const offered = [...offers.values()].reduce(sum, { cpus: 0, memoryMb: 0, diskMb: 0 });
  const requestUtilizations = [...perRequest.values()]
    .map(({ cpuMeasured: _c, memMeasured: _m, ...r }) => ({ ...r, cpuUsed: r.cpuUsed === null ? null : round(r.cpuUsed) }))
    .sort((a, b) => a.requestId.localeCompare(b.requestId) || a.deployId.localeCompare(b.deployId));
  return {
    numRequestsWithUnderUtilizedCpu: uc.count, numRequestsWithOverUtilizedCpu: oc.count, numRequestsWithUnderUtilizedMemBytes: um.count, numRequestsWithUnderUtilizedDiskBytes: 0,
    totalUnderUtilizedCpu: round(uc.total), totalOverUtilizedCpu: round(oc.total), totalUnderUtilizedMemBytes: Math.round(um.total), totalUnderUtilizedDiskBytes: 0,
    avgUnderUtilizedCpu: round(uc.avg), avgOverUtilizedCpu: round(oc.avg), avgUnderUtilizedMemBytes: Math.round(um.avg), avgUnderUtilizedDiskBytes: 0,
    maxUnderUtilizedCpu: round(uc.max), maxOverUtilizedCpu: round(oc.max), maxUnderUtilizedMemBytes: Math.round(um.max), maxUnderUtilizedDiskBytes: 0,
    maxUnderUtilizedCpuRequestId: uc.maxId, maxOverUtilizedCpuRequestId: oc.maxId, maxUnderUtilizedMemBytesRequestId: um.maxId, maxUnderUtilizedDiskBytesRequestId: null,
    minUnderUtilizedCpu: round(uc.min), minOverUtilizedCpu: round(oc.min), minUnderUtilizedMemBytes: Math.round(um.min), minUnderUtilizedDiskBytes: 0,
    totalCpuUsed: round(cpuUsed),
    totalMemBytesUsed: Math.round(memUsed),
    totalDiskBytesUsed: Math.round(reserved.diskMb * MB),
    totalCpuAvailable: round(reserved.cpus + offered.cpus),
    totalMemBytesAvailable: Math.round((reserved.memoryMb + offered.memoryMb) * MB),
    totalDiskBytesAvailable: Math.round((reserved.diskMb + offered.diskMb) * MB),
    timestamp: now,
    requestUtilizations,
  };
}

function summarize(gaps: Gaps): { count: number; total: number; avg: number; max: number; maxId: string | null; min: number } {
  let total = 0;
  let max = 0;
  let maxId: string | null = null;
  let min = Number.POSITIVE_INFINITY;
  for (const [id, gap] of gaps) {
    total += gap;
    if (gap > max) [max, maxId] = [gap, id];
    min = Math.min(min, gap);
  }
  return { count: gaps.size, total, avg: gaps.size ? total / gaps.size : 0, max, maxId, min: gaps.size ? min : 0 };
}

const sum = (a: AgentOffer, b: AgentOffer): AgentOffer => ({ cpus: a.cpus + b.cpus, memoryMb: a.memoryMb + b.memoryMb, diskMb: a.diskMb + b.diskMb });
/** Float sums of cpus (0.1 + 0.2) read better rounded to a millicpu. */
export const round = (n: number): number => Math.round(n * 1000) / 1000;
