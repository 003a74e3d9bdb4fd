/**
 * The catalog in ZooKeeper: a scheduler that takes over (same ZooKeeper root) serves the same
 * endpoints, and the revision keeps growing. Uses the real scheduler core and ZkStateStore; task
 * changes are announced on the core's event bus as its status handling does.
 */
import pino from 'pino';
import { Scheduler } from '../../../scheduler/core';
import { createDiscovery, createDiscoveryClient, type WatchEvent } from '../../../scheduler/discovery';
import { ZkSession, ZkStateStore } from '../../../scheduler/state';
import type { TaskRecord } from '../../../scheduler/model';
import { until } from '../../support/kit';
import { removeTree, uniqueRoot, ZK_HOSTS } from '../../support/zookeeper';
import { taskRecord } from '../../support/task-fixtures';

const log = pino({ level: 'silent' });

function announce(scheduler: Scheduler, task: TaskRecord): void {
  const previous = scheduler.tasks.get(task.taskId);
  scheduler.tasks.set(task.taskId, task);
  scheduler.events.emit('task', task, previous);
}

describe('discovery catalog across a leader failover (ZooKeeper)', () => {
  const root = uniqueRoot('discovery-failover');
  afterAll(async () => {
    const session = await ZkSession.connect(ZK_HOSTS);
    await removeTree(session, root);
    session.close();
  });

  it('restores endpoints and continues revisions on the new leader', async () => {
    const storeA = await ZkStateStore.open(`zk://${ZK_HOSTS}${root}`);
    const leaderA = new Scheduler({ store: storeA, log });
    const discoveryA = await createDiscovery(leaderA, { sidecarPort: false, grpcPort: false, leader: true, log });
    announce(leaderA, taskRecord('t1', { state: 'TASK_RUNNING', healthy: true }));
    announce(leaderA, taskRecord('t2', { state: 'TASK_RUNNING', healthy: true, ports: [31002] }));
    await leaderA.killTask('t2', 'scale down'); // through the kill gate: DRAINING
    const revisionA = discoveryA.catalog.revision;
    await storeA.flush();
    await discoveryA.close();
    await storeA.close();

    const storeB = await ZkStateStore.open(`zk://${ZK_HOSTS}${root}`);
    const standby = new Scheduler({ store: storeB, log });
    const discoveryB = await createDiscovery(standby, { sidecarPort: false, grpcPort: 0, bind: '127.0.0.1', log });
    const client = createDiscoveryClient(`127.0.0.1:${discoveryB.grpcPort}`);
    const early: WatchEvent[] = [];
    const earlyStream = client.watch({});
    earlyStream.on('data', (e: WatchEvent) => early.push(e));
    await until(() => early.length >= 1, 'the first snapshot');
    // Becoming leader reloads the catalog from ZooKeeper (the core emits 'leader' after loading);
    // a watcher already connected gets a fresh snapshot.
    standby.events.emit('leader', true);
    await until(() => early.length >= 2, 'the snapshot after becoming leader');
    expect(early.map((e) => e.snapshot?.endpoints.map((ep) => ep.taskId))).toEqual([['t1', 't2'], ['t1', 't2']]);
    expect(discoveryB.catalog.list().map((e) => [e.taskId, e.status])).toEqual([['t1', 'ALIVE'], ['t2', 'DRAINING']]);
    expect(discoveryB.catalog.revision).toBe(revisionA);

    // A watcher resuming from before the failover gets a snapshot, then the new leader's changes.
    const events: WatchEvent[] = [];
    const stream = client.watch({ fromRevision: 1 });
    stream.on('data', (e: WatchEvent) => events.push(e));
    await until(() => events.length >= 1, 'the resumed snapshot');
    announce(standby, taskRecord('t2', { state: 'TASK_KILLED' }));
    await until(() => events.length >= 2, 'the change on the resumed watch');
    expect(events[0]?.snapshot?.revision).toBe(revisionA);
    expect(events[1]?.change).toMatchObject({ revision: revisionA + 1, previousStatus: 'DRAINING', endpoint: { taskId: 't2', status: 'TOMBSTONE' } });
    await until(() => early.length >= 3, 'the change on the first watch');
    expect(early[2]?.change?.revision).toBe(revisionA + 1);

    client.close();
    await discoveryB.close();
    await storeB.flush();
    const persisted = await storeB.load('discovery');
    expect((persisted.get('t2') as { status: string }).status).toBe('TOMBSTONE');
    await storeB.close();
  });
});
