import type { SingularityRequestUtilization } from '../../contract';
import { type TaskReservation, round } from './cluster-utilization';

const MB = 1024 * 1024;

interface Extreme { value: number; at: number }
interface Acc { row: SingularityRequestUtilization; deploys: Map<string, number>; cpu: Extreme[]; mem: Extreme[] }

/**
 * Singularity's RequestUtilization per request, from the live tasks that have been measured
 * (usage-poller.ts): as in Singularity, a task counts once it has a measurement, so the sums over
 * `numTasks` give the average task and a request with nothing measured yet has no entry. CPU is
 * summed over the tasks that already have a rate (two samples). Disk and CPU throttling are not
 * measured: their figures are 0. `deployId` is the deploy most measured tasks run. Sorted by request id. Pure.
 */
export function requestUtilizations(tasks: readonly TaskReservation[]): SingularityRequestUtilization[] {
  const byRequest = new Map<string, Acc>();
  for (const t of tasks) {
    if (!t.usage) continue;
    const acc = byRequest.get(t.requestId) ?? { row: empty(t.requestId), deploys: new Map<string, number>(), cpu: [], mem: [] };
    const at = t.usage.at ?? 0;
    acc.row.numTasks++;
    acc.row.cpuReserved += t.cpus;
    acc.row.memBytesReserved += Math.round(t.memoryMb * MB);
    acc.row.diskBytesReserved += Math.round(t.diskMb * MB);
    acc.row.memBytesUsed += t.usage.memBytes;
    acc.mem.push({ value: t.usage.memBytes, at });
    if (t.usage.cpus !== undefined) {
      acc.row.cpuUsed += t.usage.cpus;
      acc.cpu.push({ value: t.usage.cpus, at });
    }
    acc.deploys.set(t.deployId, (acc.deploys.get(t.deployId) ?? 0) + 1);
    byRequest.set(t.requestId, acc);
  }
  return [...byRequest.values()].map(finish).sort((a, b) => a.requestId.localeCompare(b.requestId));
}

function finish({ row, deploys, cpu, mem }: Acc): SingularityRequestUtilization {
  const [deployId] = [...deploys].sort((a, b) => b[1] - a[1] || b[0].localeCompare(a[0]))[0];
  const cpuMax = pick(cpu, (a, b) => a > b);
  const cpuMin = pick(cpu, (a, b) => a < b);
  const memMax = pick(mem, (a, b) => a > b);
  const memMin = pick(mem, (a, b) => a < b);
  return {
    ...row, deployId, cpuUsed: round(row.cpuUsed), cpuReserved: round(row.cpuReserved),
    maxCpuUsed: round(cpuMax.value), maxCpusTimestamp: cpuMax.at, minCpuUsed: round(cpuMin.value), minCpusTimestamp: cpuMin.at,
    maxMemBytesUsed: memMax.value, maxMemTimestamp: memMax.at, minMemBytesUsed: memMin.value, minMemTimestamp: memMin.at,
  };
}

/** The sample that wins `better` (the earliest of equals), or zeros when there is none. */
function pick(samples: readonly Extreme[], better: (a: number, b: number) => boolean): Extreme {
  return samples.reduce<Extreme | undefined>((best, s) => (!best || better(s.value, best.value) ? s : best), undefined) ?? { value: 0, at: 0 };
}

function empty(requestId: string): SingularityRequestUtilization {
  return {
    requestId, deployId: '', numTasks: 0, cpuUsed: 0, cpuReserved: 0, memBytesUsed: 0, memBytesReserved: 0, diskBytesUsed: 0, diskBytesReserved: 0,
    maxCpuUsed: 0, maxCpusTimestamp: 0, minCpuUsed: 0, minCpusTimestamp: 0, maxMemBytesUsed: 0, maxMemTimestamp: 0, minMemBytesUsed: 0, minMemTimestamp: 0,
    maxDiskBytesUsed: 0, maxDiskTimestamp: 0, minDiskBytesUsed: 0, minDiskTimestamp: 0, cpuBurstRating: 0,
    percentCpuTimeThrottled: 0, maxPercentCpuTimeThrottled: 0, maxCpuThrottledTimestamp: 0, minPercentCpuTimeThrottled: 0, minCpuThrottledTimestamp: 0,
  };
}
