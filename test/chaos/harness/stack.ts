/**
 * The real stack a chaos test runs against: a private ZooKeeper (restartable without
 * disturbing other tests), mesos-local with two masters sharing three agents and the process
 * containerizer (real griddle-executor, real Docker), and three griddle-scheduler processes
 * electing a leader in ZooKeeper, each reaching ZooKeeper through a proxy of its own that a
 * test can cut. Masters are detected through ZooKeeper directly (zk://), so a scheduler cut
 * off from its proxy still reaches Mesos.
 */
import { createLogger } from '../../../common';
import { startMesosLocal, type MesosLocal } from '../../../mesos-local';
import { ensureBuilt } from '../../support/kit';
import { quietLogger } from '../../integration/scheduler/cluster-harness';
import { PrivateZooKeeper } from '../../integration/scheduler/private-zookeeper';
import { SchedulerProcess } from '../../integration/scheduler/scheduler-process';
import { ZkProxy } from '../../support/zk-proxy';

export interface SchedulerSlot {
  proc: SchedulerProcess;
  proxy: ZkProxy;
}

/** Short enough for a test, long enough that a busy 2-core machine does not trip it by itself. */
const AGENT_PING_TIMEOUT_MS = 6000;

/**
 * Host ports of our own, below the kernel's ephemeral range: other tests on this machine run
 * mesos-local with the default [31000-32000], and Docker refuses a host port already bound.
 */
function resourcesWithOwnPorts(): string {
  const base = 20_000 + Math.floor(Math.random() * 10) * 1000;
  return `cpus:4;mem:8192;disk:20000;ports:[${base}-${base + 299}]`;
}

export class ChaosStack {
  readonly slots: SchedulerSlot[] = [];

  private constructor(readonly zk: PrivateZooKeeper, readonly mesos: MesosLocal) {}

  static async start(options: { schedulers?: number; agents?: number } = {}): Promise<ChaosStack> {
    ensureBuilt();
    const zk = await PrivateZooKeeper.start();
    let mesos: MesosLocal;
    try {
      mesos = await startMesosLocal({
        port: 0, agents: options.agents ?? 3, masters: 2, resources: resourcesWithOwnPorts(), zk: `zk://${zk.hosts}/mesos`, containerizer: 'process',
        allocationIntervalMs: 200, agentPingTimeoutMs: AGENT_PING_TIMEOUT_MS, executorReregistrationTimeoutMs: 5000,
        log: process.env.GRIDDLE_TEST_LOGS ? createLogger('mesos-local') : quietLogger('mesos-local'),
      });
    } catch (err) {
      await zk.destroy();
      throw err;
    }
    const stack = new ChaosStack(zk, mesos);
    try {
      for (let i = 0; i < (options.schedulers ?? 3); i++) stack.slots.push(await stack.startScheduler(await ZkProxy.start(zk.port)));
    } catch (err) {
      await stack.stop();
      throw err;
    }
    return stack;
  }

  get masterZk(): string {
    return `zk://${this.zk.hosts}/mesos`;
  }

  /** A scheduler behind `proxy`; restarted ones keep their proxy (and so their cut). */
  async startScheduler(proxy: ZkProxy): Promise<SchedulerSlot> {
    const proc = await SchedulerProcess.start(['--zk', `zk://127.0.0.1:${proxy.port}/griddle`, '--master', this.masterZk]);
    return { proc, proxy };
  }

  /** Replaces a dead scheduler process by a new one (as its supervisor would). */
  async restartScheduler(index: number): Promise<void> {
    const slot = this.slots[index];
    await slot.proc.kill('SIGKILL');
    this.slots[index] = await this.startScheduler(slot.proxy);
  }

  async stop(): Promise<void> {
    const grace = (p: Promise<void>): Promise<unknown> => Promise.race([p, new Promise((r) => setTimeout(r, 10_000).unref())]);
    await Promise.allSettled(this.slots.map((s) => grace(s.proc.kill('SIGTERM'))));
    await Promise.allSettled(this.slots.map((s) => s.proc.kill('SIGKILL')));
    await Promise.allSettled(this.slots.map((s) => s.proxy.close()));
    await this.mesos.stop().catch(() => undefined);
    await this.zk.destroy();
  }
}
