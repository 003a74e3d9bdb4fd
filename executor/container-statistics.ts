/**
 * A container's resource usage in Mesos's ResourceStatistics terms, from Docker's stats (one
 * sample, `one-shot`) and its HostConfig. Docker reads the same cgroup files a Mesos agent's
 * cgroups isolator reads, so the figures mean what they mean on Mesos: cgroup v1 (`total_rss`,
 * `total_cache`, …) and v2 (`anon`, `file`, …) both map.
 */
import type Docker from 'dockerode';
import type { MesosResourceStatistics } from '../contract/task-statistics';

/** The parts of Docker's `/containers/{id}/stats` answer used here. */
export interface DockerStats {
  read?: string;
  cpu_stats?: {
    cpu_usage?: { total_usage?: number; usage_in_usermode?: number; usage_in_kernelmode?: number };
    throttling_data?: { periods?: number; throttled_periods?: number; throttled_time?: number };
  };
  memory_stats?: { usage?: number; limit?: number; stats?: Record<string, number | undefined> };
}

/** The parts of `docker inspect`'s HostConfig that say the CPU limit. */
export interface DockerCpuConfig { NanoCpus?: number; CpuShares?: number; CpuQuota?: number; CpuPeriod?: number }

const NS = 1e9;
const secs = (ns: number | undefined): number | undefined => (ns === undefined ? undefined : ns / NS);
const sum = (...xs: (number | undefined)[]): number | undefined => (xs.every((x) => x === undefined) ? undefined : xs.reduce<number>((a, x) => a + (x ?? 0), 0));

/** Quota first (what is enforced), else shares (what the task was given: 1024 per cpu, as Mesos sets them). */
export function cpusLimit(host: DockerCpuConfig | undefined): number | undefined {
  if (host?.NanoCpus) return host.NanoCpus / NS;
  if (host?.CpuQuota && host.CpuQuota > 0 && host.CpuPeriod) return host.CpuQuota / host.CpuPeriod;
  if (host?.CpuShares) return host.CpuShares / 1024;
  return undefined;
}

export function resourceStatistics(stats: DockerStats, host: DockerCpuConfig | undefined, nowMs: number): MesosResourceStatistics {
  const cpu = stats.cpu_stats;
  const mem = stats.memory_stats;
  const m = mem?.stats ?? {};
  const v2 = m.anon !== undefined || m.file !== undefined;
  const read = stats.read ? Date.parse(stats.read) : NaN;
  const out: MesosResourceStatistics = {
    timestamp: (Number.isFinite(read) && read > 0 ? read : nowMs) / 1000,
    cpus_limit: cpusLimit(host),
    cpus_user_time_secs: secs(cpu?.cpu_usage?.usage_in_usermode),
    cpus_system_time_secs: secs(cpu?.cpu_usage?.usage_in_kernelmode),
    cpus_nr_periods: cpu?.throttling_data?.periods,
    cpus_nr_throttled: cpu?.throttling_data?.throttled_periods,
    cpus_throttled_time_secs: secs(cpu?.throttling_data?.throttled_time),
    mem_limit_bytes: mem?.limit,
    mem_total_bytes: mem?.usage,
    mem_rss_bytes: v2 ? m.anon : (m.total_rss ?? m.rss),
    mem_anon_bytes: v2 ? m.anon : sum(m.total_active_anon ?? m.active_anon, m.total_inactive_anon ?? m.inactive_anon),
    mem_file_bytes: v2 ? m.file : (m.total_cache ?? m.cache),
    mem_mapped_file_bytes: v2 ? m.file_mapped : (m.total_mapped_file ?? m.mapped_file),
  };
  for (const k of Object.keys(out) as (keyof MesosResourceStatistics)[]) if (out[k] === undefined) delete out[k];
  return out;
}

/** Measures the named container now (about as long as one cgroup read: `one-shot` skips Docker's second sample). */
export async function measureContainer(docker: Docker, name: string, nowMs: () => number = Date.now): Promise<MesosResourceStatistics> {
  const container = docker.getContainer(name);
  const [stats, info] = await Promise.all([
    container.stats({ stream: false, 'one-shot': true } as { stream: false }) as Promise<DockerStats>,
    container.inspect(),
  ]);
  return resourceStatistics(stats, info.HostConfig as DockerCpuConfig, nowMs());
}
