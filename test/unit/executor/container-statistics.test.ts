import { cpusLimit, resourceStatistics } from '../../../executor/container-statistics';
import { decodeStatisticsMessage, encodeStatisticsMessage, toTaskStatisticsObject } from '../../../contract/task-statistics';

// Docker's one-shot stats of a container under cgroup v1 (as this machine's dockerd answers) and v2.
const v1 = {
  read: '2026-11-30T08:50:20.289Z',
  cpu_stats: { cpu_usage: { total_usage: 26_026_219, usage_in_kernelmode: 10_000_000, usage_in_usermode: 30_000_000 }, throttling_data: { periods: 10, throttled_periods: 2, throttled_time: 164_264_934 } },
  memory_stats: { usage: 610_304, limit: 33_554_432, stats: { rss: 1, total_rss: 163_840, total_cache: 4096, total_mapped_file: 0, total_active_anon: 8192, total_inactive_anon: 155_648 } },
};
const v2 = {
  read: '2026-11-30T08:50:20.289Z',
  cpu_stats: { cpu_usage: { usage_in_kernelmode: 2_000_000_000, usage_in_usermode: 1_500_000_000 } },
  memory_stats: { usage: 9_000_000, limit: 67_108_864, stats: { anon: 5_000_000, file: 3_000_000, file_mapped: 1_000_000 } },
};

describe('container statistics in Mesos terms', () => {
  it('maps cgroup v1 stats as a Mesos agent reports them', () => {
    expect(resourceStatistics(v1, { NanoCpus: 250_000_000, CpuShares: 256 }, 0)).toEqual({
      timestamp: Date.parse(v1.read) / 1000,
      cpus_limit: 0.25, cpus_user_time_secs: 0.03, cpus_system_time_secs: 0.01,
      cpus_nr_periods: 10, cpus_nr_throttled: 2, cpus_throttled_time_secs: 0.164264934,
      mem_limit_bytes: 33_554_432, mem_total_bytes: 610_304, mem_rss_bytes: 163_840, mem_anon_bytes: 163_840,
      mem_file_bytes: 4096, mem_mapped_file_bytes: 0,
    });
  });

  it('maps cgroup v2 stats; what Docker leaves out stays out', () => {
    const s = resourceStatistics(v2, { CpuShares: 512 }, 0);
    expect(s).toMatchObject({ cpus_limit: 0.5, cpus_user_time_secs: 1.5, cpus_system_time_secs: 2, mem_rss_bytes: 5_000_000, mem_anon_bytes: 5_000_000, mem_file_bytes: 3_000_000, mem_mapped_file_bytes: 1_000_000 });
    expect(s).not.toHaveProperty('cpus_nr_periods');
  });

  it('takes the CPU limit from the quota first, then the shares', () => {
    expect(cpusLimit({ CpuQuota: 50_000, CpuPeriod: 100_000, CpuShares: 1024 })).toBe(0.5);
    expect(cpusLimit({ CpuShares: 2048 })).toBe(2);
    expect(cpusLimit({})).toBeUndefined();
  });

  it('stamps the measurement with the clock when Docker gives no read time', () => {
    expect(resourceStatistics({ ...v2, read: '0001-01-01T00:00:00Z' }, undefined, 5000).timestamp).toBe(5);
  });

  it('serves Singularity’s camelCase object, 0 for what was not measured', () => {
    const o = toTaskStatisticsObject(resourceStatistics(v2, undefined, 0));
    expect(o).toMatchObject({ memRssBytes: 5_000_000, memLimitBytes: 67_108_864, cpusUserTimeSecs: 1.5, cpusNrPeriods: 0, diskUsedBytes: 0 });
  });

  it('round-trips the messages and refuses others', () => {
    const ask = { kind: 'griddle.statistics.ask' as const, taskId: 't', nonce: 'n' };
    expect(decodeStatisticsMessage(encodeStatisticsMessage(ask))).toEqual(ask);
    expect(decodeStatisticsMessage(Buffer.from('{"kind":"griddle.shell-command.run"}').toString('base64'))).toBeNull();
    expect(decodeStatisticsMessage(Buffer.from('{"kind":"griddle.statistics.report","taskId":"t","nonce":"n","statistics":{}}').toString('base64'))).toBeNull();
    expect(decodeStatisticsMessage('not base64 json')).toBeNull();
  });
});
