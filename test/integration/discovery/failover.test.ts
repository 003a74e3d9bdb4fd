/**
 * The catalog in ZooKeeper: a scheduler that takes over (same ZooKeeper root) serves the same
 * endpoints, and the revision keeps growing. Uses the real scheduler core and ZkStateStore; task
 * changes are announced on the core's event bus as its status handling does.
 */
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { Scheduler } from '../../../scheduler/core';
import { createDiscovery, createDiscoveryClient, type WatchEvent } from '../../../scheduler/discovery';
import { ZkSession, ZkStateStore } from '../../../scheduler/state';
import type { TaskRecord } from '../../../scheduler/model';
import { taskRecord } from '../../unit/discovery/task-fixtures';

const log = pino({ level: 'silent' });

async function removeTree(session: ZkSession, path: string): Promise<void> {
  for (const child of await session.getChildren(path).catch(() => [])) await removeTree(session, `${path}/${child}`);
  await session.remove(path).catch(() => undefined);
}

function announce(scheduler: Scheduler, task: TaskRecord): void {
  const previous = scheduler.tasks.get(task.taskId);
  scheduler.tasks.set(task.taskId, task);
  scheduler.events.emit('task', task, previous);
}

describe('discovery catalog across a leader failover (ZooKeeper)', () => {
  const root = `/griddle-test-${randomUUID()}`;
  afterAll(async () => {
    const session = await ZkSession.connect('127.0.0.1:2181');
    await removeTree(session, root);
    session.close();
  });

  it('restores endpoints and continues revisions on the new leader', async () => {
    const storeA = await ZkStateStore.open(`zk://127.0.0.1:2181${root}`);
    const leaderA = new Scheduler({ store: storeA, log });
    const discoveryA = await createDiscovery(leaderA, { sidecarPort: false, grpcPort: false, leader: true, log });
    announce(leaderA, taskRecord('t1', { state: 'TASK_RUNNING', healthy: true }));
    announce(leaderA, taskRecord('t2', { state: 'TASK_RUNNING', healthy: true, ports: [31002] }));
    await leaderA.killTask('t2', 'scale down'); // through the kill gate: DRAINING
    const revisionA = discoveryA.catalog.revision;
    await storeA.flush();
    await discoveryA.close();
    await storeA.close();

    const storeB = await ZkStateStore.open(`zk://127.0.0.1:2181${root}`);
    const standby = new Scheduler({ store: storeB, log });
    const discoveryB = await createDiscovery(standby, { sidecarPort: false, grpcPort: 0, bind: '127.0.0.1', log });
    const client = createDiscoveryClient(`127.0.0.1:${discoveryB.grpcPort}`);
    const early: WatchEvent[] = [];
    const earlyStream = client.watch({});
    earlyStream.on('data', (e: WatchEvent) => early.push(e));
    for (let i = 0; i < 200 && early.length < 1; i++) await new Promise((r) => setTimeout(r, 25));
    // Becoming leader reloads the catalog from ZooKeeper (the core emits 'leader' after loading);
    // a watcher already connected gets a fresh snapshot.
    standby.events.emit('leader', true);
    for (let i = 0; i < 200 && early.length < 2; i++) await new Promise((r) => setTimeout(r, 25));
    expect(early.map((e) => e.snapshot?.endpoints.map((ep) => ep.taskId))).toEqual([['t1', 't2'], ['t1', 't2']]);
    expect(discoveryB.catalog.list().map((e) => [e.taskId, e.status])).toEqual([['t1', 'ALIVE'], ['t2', 'DRAINING']]);
    expect(discoveryB.catalog.revision).toBe(revisionA);

    // A watcher resuming from before the failover gets a snapshot, then the new leader's changes.
    const events: WatchEvent[] = [];
    const stream = client.watch({ fromRevision: 1 });
    stream.on('data', (e: WatchEvent) => events.push(e));
    for (let i = 0; i < 200 && events.length < 1; i++) await new Promise((r) => setTimeout(r, 25));
    announce(standby, taskRecord('t2', { state: 'TASK_KILLED' }));
    for (let i = 0; i < 200 && events.length < 2; i++) await new Promise((r) => setTimeout(r, 25));
    expect(events[0]?.snapshot?.revision).toBe(revisionA);
    expect(events[1]?.change).toMatchObject({ revision: revisionA + 1, previousStatus: 'DRAINING', endpoint: { taskId: 't2', status: 'TOMBSTONE' } });
    for (let i = 0; i < 200 && early.length < 3; i++) await new Promise((r) => setTimeout(r, 25));
    expect(early[2]?.change?.revision).toBe(revisionA + 1);

    client.close();
    await discoveryB.close();
    await storeB.flush();
    const persisted = await storeB.load('discovery');
    expect((persisted.get('t2') as { status: string }).status).toBe('TOMBSTONE');
    await storeB.close();
  });
});
