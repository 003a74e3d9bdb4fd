import { execFileSync } from 'node:child_process';
import { ensureBuilt, until } from '../../support/kit';
import { addService, running, startCluster, type Cluster } from './cluster-harness';

function containersOf(requestId: string): string[] {
  const out = execFileSync('docker', ['ps', '-a', '--filter', `label=griddle.request_id=${requestId}`, '--format', '{{.Names}}']).toString();
  return out.split('\n').filter(Boolean);
}

describe('scheduler core with the process containerizer and the real griddle-executor (Docker)', () => {
  let cluster: Cluster;
  const requestId = `sched-proc-${process.pid}`;

  beforeAll(async () => {
    ensureBuilt();
    cluster = await startCluster({ mesos: { containerizer: 'process', agents: 2 } });
  }, 300_000);

  afterAll(async () => {
    await cluster.stop();
    for (const name of containersOf(requestId)) execFileSync('docker', ['rm', '-f', name]);
  });

  it('runs healthy Docker tasks and stops them (containers removed) when scaled to 0', async () => {
    const s = cluster.scheduler;
    addService(s, requestId, 2, {}, {
      resources: { cpus: 0.1, memoryMb: 32, numPorts: 1 },
      healthcheck: { uri: '/health', portIndex: 0, intervalSeconds: 1, responseTimeoutSeconds: 1, startupTimeoutSeconds: 30 },
    });
    await until(() => running(s, requestId).filter((t) => t.healthy === true).length === 2, '2 healthy RUNNING tasks', 120_000);
    for (const t of running(s, requestId)) {
      const res = await fetch(`http://127.0.0.1:${t.ports[0]}/version`);
      expect((await res.text()).trim()).toBe('1');
    }
    const record = s.requests.get(requestId)!;
    s.putRequest({ ...record, request: { ...record.request, instances: 0 } });
    await until(() => [...s.tasks.values()].every((t) => t.requestId !== requestId), 'both tasks ended', 120_000);
    await until(() => containersOf(requestId).length === 0, 'containers removed', 60_000);
  }, 300_000);
});
