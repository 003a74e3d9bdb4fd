/**
 * A task's container resource usage: Mesos's ResourceStatistics (what an agent's
 * `/monitor/statistics` reports per executor, snake_case) as griddle-executor measures it from
 * Docker, carried in framework messages (Mesos `MESSAGE`; `data` is base64 of this JSON), and
 * Singularity's `MesosTaskStatisticsObject` (camelCase) that the API serves. The executor
 * imports this file alone (not `contract/index`), to stay light.
 */
import { decodeMessageJson, encodeMessageJson } from './framework-message-json';

/** The members of Mesos's ResourceStatistics that a Docker container's cgroups give. */
export interface MesosResourceStatistics {
  /** Seconds since the epoch, when measured. */
  timestamp: number;
  cpus_limit?: number;
  cpus_user_time_secs?: number;
  cpus_system_time_secs?: number;
  cpus_nr_periods?: number;
  cpus_nr_throttled?: number;
  cpus_throttled_time_secs?: number;
  mem_limit_bytes?: number;
  mem_rss_bytes?: number;
  mem_total_bytes?: number;
  mem_anon_bytes?: number;
  mem_file_bytes?: number;
  mem_mapped_file_bytes?: number;
  disk_limit_bytes?: number;
  disk_used_bytes?: number;
}

/** `GET /api/tasks/task/{taskId}/statistics`: Singularity's MesosTaskStatisticsObject. */
export interface MesosTaskStatisticsObject {
  cpusLimit: number;
  cpusNrPeriods: number;
  cpusNrThrottled: number;
  cpusSystemTimeSecs: number;
  cpusThrottledTimeSecs: number;
  cpusUserTimeSecs: number;
  memAnonBytes: number;
  memFileBytes: number;
  memLimitBytes: number;
  memMappedFileBytes: number;
  memRssBytes: number;
  memTotalBytes: number;
  diskLimitBytes: number;
  diskUsedBytes: number;
  timestamp: number;
}

/** Scheduler → executor: measure the task's container now; `nonce` pairs the answer with the ask. */
export interface StatisticsAsk { kind: 'griddle.statistics.ask'; taskId: string; nonce: string }

/** Executor → scheduler: the measurement, or why there is none. */
export interface StatisticsReport {
  kind: 'griddle.statistics.report';
  taskId: string;
  nonce: string;
  statistics?: MesosResourceStatistics;
  error?: string;
}

export type StatisticsMessage = StatisticsAsk | StatisticsReport;

export function encodeStatisticsMessage(message: StatisticsMessage): string {
  return encodeMessageJson(message);
}

/** The message in a MESSAGE's base64 `data`, or null when it is not one of these. */
export function decodeStatisticsMessage(data: string): StatisticsMessage | null {
  const m = decodeMessageJson(data);
  if (m === null) return null;
  if (typeof m.taskId !== 'string' || typeof m.nonce !== 'string') return null;
  if (m.kind === 'griddle.statistics.ask') return m as unknown as StatisticsAsk;
  if (m.kind !== 'griddle.statistics.report') return null;
  const stats = m.statistics as Record<string, unknown> | undefined;
  if (stats !== undefined && (stats === null || typeof stats !== 'object' || typeof stats.timestamp !== 'number')) return null;
  return m as unknown as StatisticsReport;
}

/** Mesos's snake_case statistics in Singularity's camelCase object; what Docker did not give is 0, as in Mesos's JSON defaults. */
export function toTaskStatisticsObject(s: MesosResourceStatistics): MesosTaskStatisticsObject {
  return {
    cpusLimit: s.cpus_limit ?? 0,
    cpusNrPeriods: s.cpus_nr_periods ?? 0,
    cpusNrThrottled: s.cpus_nr_throttled ?? 0,
    cpusSystemTimeSecs: s.cpus_system_time_secs ?? 0,
    cpusThrottledTimeSecs: s.cpus_throttled_time_secs ?? 0,
    cpusUserTimeSecs: s.cpus_user_time_secs ?? 0,
    memAnonBytes: s.mem_anon_bytes ?? 0,
    memFileBytes: s.mem_file_bytes ?? 0,
    memLimitBytes: s.mem_limit_bytes ?? 0,
    memMappedFileBytes: s.mem_mapped_file_bytes ?? 0,
    memRssBytes: s.mem_rss_bytes ?? 0,
    memTotalBytes: s.mem_total_bytes ?? 0,
    diskLimitBytes: s.disk_limit_bytes ?? 0,
    diskUsedBytes: s.disk_used_bytes ?? 0,
    timestamp: s.timestamp,
  };
}
