import { MAX_CALLS_QUEUED, MAX_LAUNCHES_PER_CYCLE } from '../../../scheduler/core';
import { SchedulerClient } from '../../../scheduler/mesos-client';
import type { TaskRecord } from '../../../scheduler/model';
import { MemoryStateStore, type Collection, type StateStore } from '../../../scheduler/state';
import { until } from '../../support/kit';
import { addService, running, startCluster, type Cluster } from './cluster-harness';

/**
 * Counts what the scheduler writes to its store per task launched, against mesos-local with
 * the simulated containerizer. Counts only, never time: these are what decide how far a
 * ZooKeeper-backed scheduler stays from the raw write floor at 100,000 tasks.
 */
class CountingStore implements StateStore {
  readonly description = 'counting';
  private readonly inner = new MemoryStateStore();
  readonly puts = new Map<string, number>();
  /** New task records (TASK_STAGING) queued between two flushes, at most: one cycle's write-ahead batch. */
  maxLaunchesPerFlush = 0;
  private launchesSinceFlush = 0;

  get writes(): number { return this.inner.writes; }
  load(collection: Collection): Promise<Map<string, unknown>> { return this.inner.load(collection); }

  put(collection: Collection, id: string, value: unknown): void {
    this.inner.put(collection, id, value);
    this.puts.set(collection, (this.puts.get(collection) ?? 0) + 1);
    if (collection === 'tasks' && (value as TaskRecord).state === 'TASK_STAGING') {
      this.launchesSinceFlush++;
      this.maxLaunchesPerFlush = Math.max(this.maxLaunchesPerFlush, this.launchesSinceFlush);
    }
  }

  delete(collection: Collection, id: string): void {
    this.inner.delete(collection, id);
  }

  async flush(): Promise<void> {
    this.launchesSinceFlush = 0;
    await this.inner.flush();
  }

  flushWrites(): Promise<void> {
    return this.flush();
  }

  close(): Promise<void> { return this.inner.close(); }

  reset(): void {
    this.puts.clear();
    this.maxLaunchesPerFlush = 0;
  }
}

describe('writes per task launch (count-based)', () => {
  let cluster: Cluster;
  let store: CountingStore;

  beforeEach(async () => {
    store = new CountingStore();
    // Ten roomy agents: 500 tasks of 0.1 cpus (+ the executor's 0.1) each.
    cluster = await startCluster({ store, mesos: { agents: 10, resources: 'cpus:100;mem:100000;disk:100000;ports:[31000-31999]' } });
    await until(() => cluster.scheduler.subscribed, 'the scheduler to subscribe', 30_000);
  });

  afterEach(async () => {
    await cluster.stop();
  });

  it('a launch costs two task writes (STAGING ahead of the ACCEPT, RUNNING; STARTING is kept in memory) and nothing per task elsewhere', async () => {
    const s = cluster.scheduler;
    addService(s, 'web', 0);
    await s.store.flush();
    store.reset();
    const record = s.requests.get('web')!;
    s.putRequest({ ...record, request: { ...record.request, instances: 300 }, updatedAt: Date.now() });
    await until(() => running(s, 'web').length === 300, '300 RUNNING tasks', 120_000);
    await s.store.flush();
    expect(store.puts.get('tasks')).toBe(2 * 300);
    // Per machine, once: a record for each of the 10 agents and their one rack. The scale-up is one request
    // write; deploys, history and the framework record are not written per task.
    expect(store.puts.get('machines') ?? 0).toBeLessThanOrEqual(11);
    const other = [...store.puts].filter(([c]) => c !== 'tasks' && c !== 'machines').reduce((n, [, v]) => n + v, 0);
    expect(other).toBeLessThanOrEqual(2);
  }, 180_000);

  it(`one cycle writes at most ${MAX_LAUNCHES_PER_CYCLE} new tasks ahead of its launch, however many are pending`, async () => {
    const s = cluster.scheduler;
    addService(s, 'web', 0);
    await s.store.flush();
    store.reset();
    const record = s.requests.get('web')!;
    s.putRequest({ ...record, request: { ...record.request, instances: 4000 }, updatedAt: Date.now() });
    await until(() => running(s, 'web').length === 4000, '4,000 RUNNING tasks', 170_000);
    expect(store.maxLaunchesPerFlush).toBeLessThanOrEqual(MAX_LAUNCHES_PER_CYCLE);
    expect(store.puts.get('tasks')).toBe(2 * 4000);
  }, 180_000);

  it('launches nothing while the Mesos call queue is full, and then only what keeps the queue under its bound once the ACKs join it', async () => {
    const s = cluster.scheduler;
    addService(s, 'web', 0);
    await s.store.flush();
    store.reset();
    // The queue as a backlog of ACKs leaves it: every launch brings two more (STARTING, RUNNING).
    let queued = MAX_CALLS_QUEUED;
    const waiting = jest.spyOn(SchedulerClient.prototype, 'waiting', 'get').mockImplementation(() => queued);
    try {
      const record = s.requests.get('web')!;
      s.putRequest({ ...record, request: { ...record.request, instances: 300 }, updatedAt: Date.now() });
      await until(() => [...s.pendingReasons.values()].some((r) => r.includes('queued calls')), 'the launches to wait for the call queue', 30_000);
      expect([...s.tasks.values()].filter((t) => t.requestId === 'web')).toEqual([]);
      expect(store.puts.get('tasks') ?? 0).toBe(0);
      queued = MAX_CALLS_QUEUED - 2 * 40;
      await until(() => running(s, 'web').length === 300, '300 RUNNING tasks, 40 a cycle', 120_000);
      expect(store.maxLaunchesPerFlush).toBeLessThanOrEqual(40);
      expect(store.puts.get('tasks')).toBe(2 * 300);
    } finally {
      waiting.mockRestore();
    }
  }, 180_000);
});
