/**
 * Singularity's RequestUtilization (UsageResource `/usage/requests…`): one request's measured use
 * against what its measured tasks reserve. `cpuUsed`, `memBytesUsed` and the reservations are sums
 * over `numTasks` tasks (a client divides by it for the average task); max/min are single tasks'
 * figures with the time (ms) they were measured.
 */
export interface SingularityRequestUtilization {
  requestId: string;
  deployId: string;
  numTasks: number;
  cpuUsed: number;
  cpuReserved: number;
  memBytesUsed: number;
  memBytesReserved: number;
  diskBytesUsed: number;
  diskBytesReserved: number;
  maxCpuUsed: number;
  maxCpusTimestamp: number;
  minCpuUsed: number;
  minCpusTimestamp: number;
  maxMemBytesUsed: number;
  maxMemTimestamp: number;
  minMemBytesUsed: number;
  minMemTimestamp: number;
  maxDiskBytesUsed: number;
  maxDiskTimestamp: number;
  minDiskBytesUsed: number;
  minDiskTimestamp: number;
  cpuBurstRating: number;
  percentCpuTimeThrottled: number;
  maxPercentCpuTimeThrottled: number;
  maxCpuThrottledTimestamp: number;
  minPercentCpuTimeThrottled: number;
  minCpuThrottledTimestamp: number;
}
