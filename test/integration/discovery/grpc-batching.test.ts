import {
  Catalog, createDiscoveryClient, startGrpcListener, type ChangeMessage, type GrpcListener, type WatchEvent,
} from '../../../scheduler/discovery';
import { taskRecord } from '../../support/task-fixtures';
import { until } from '../../support/kit';

/** Every change a watcher received, in arrival order, whichever event carried it. */
function changesIn(events: readonly WatchEvent[]): ChangeMessage[] {
  return events.flatMap((e) => (e.change ? [e.change] : e.changes?.changes ?? []));
}

describe('gRPC Watch batching (max_changes_per_message)', () => {
  let catalog: Catalog;
  let listener: GrpcListener;

  beforeEach(async () => {
    catalog = new Catalog();
    listener = await startGrpcListener({ catalog, port: 0, host: '127.0.0.1' });
  });

  afterEach(async () => {
    await listener.close();
  });

  it('sends an opted-in watcher one turn of changes in ceil(N / max) events, and an old client one event per change', async () => {
    const tasks = Array.from({ length: 250 }, (_, i) => taskRecord(`t${i}`, { state: 'TASK_RUNNING', healthy: true, ports: [31000 + i] }));
    for (const task of tasks.slice(0, 5)) catalog.applyTask(task);
    const client = createDiscoveryClient(`127.0.0.1:${listener.port}`);
    const batchedEvents: WatchEvent[] = [];
    const plainEvents: WatchEvent[] = [];
    const batched = client.watch({ maxChangesPerMessage: 100 });
    const plain = client.watch({});
    batched.on('data', (e: WatchEvent) => batchedEvents.push(e));
    plain.on('data', (e: WatchEvent) => plainEvents.push(e));
    await until(() => batchedEvents.length === 1 && plainEvents.length === 1, 'both snapshots');
    expect(batchedEvents[0]!.snapshot?.endpoints).toHaveLength(5);

    // 250 changes in one event-loop turn: revisions 6..255.
    for (const task of tasks) catalog.applyTask({ ...task, healthy: false });
    await until(() => changesIn(batchedEvents).length === 250 && changesIn(plainEvents).length === 250, 'every change on both watches');

    const revisions = Array.from({ length: 250 }, (_, i) => 6 + i);
    const batches = batchedEvents.slice(1);
    expect(batches.map((e) => e.event)).toEqual(['changes', 'changes', 'changes']);
    expect(batches.map((e) => e.changes?.changes.length)).toEqual([100, 100, 50]);
    expect(changesIn(batches).map((c) => c.revision)).toEqual(revisions);
    expect(changesIn(batches).every((c) => c.endpoint.status === 'UNHEALTHY')).toBe(true);
    // The five endpoints of the snapshot changed; the others appeared.
    expect(changesIn(batches).map((c) => c.hasPreviousStatus).filter(Boolean)).toHaveLength(5);

    expect(plainEvents.slice(1).every((e) => e.event === 'change' && e.changes === undefined)).toBe(true);
    expect(plainEvents.slice(1).map((e) => e.change?.revision)).toEqual(revisions);

    // A batching watcher resuming from a revision gets the replay in batches too.
    const resumed: WatchEvent[] = [];
    const again = client.watch({ fromRevision: 200, maxChangesPerMessage: 40 });
    again.on('data', (e: WatchEvent) => resumed.push(e));
    await until(() => changesIn(resumed).length === 55, 'the replay after revision 200');
    expect(resumed.map((e) => e.changes?.changes.length)).toEqual([40, 15]);
    expect(changesIn(resumed).map((c) => c.revision)).toEqual(revisions.slice(-55));

    // The listener ends every Watch with status OK (afterEach closing it again is harmless).
    await listener.close();
    client.close();
  });
});
