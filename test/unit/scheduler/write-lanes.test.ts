import { PipelinedStore, type QueuedWrite } from '../../../scheduler/state/pipelined-store';
import { runInWriteScope, WriteScope } from '../../../scheduler/state';
import { until } from '../../support/kit';

/**
 * A backend whose batches of task records stay unwritten until the test releases them: the
 * launch batches a busy leader has in flight when an API request comes in.
 */
class HeldBackend extends PipelinedStore {
  readonly description = 'held';
  /** Every batch started, in order, and what happened to it. */
  readonly log: string[] = [];
  readonly started: QueuedWrite[][] = [];
  readonly values = new Map<string, string | null>();
  private held: (() => void)[] = [];

  async load(): Promise<Map<string, unknown>> {
    return new Map();
  }

  get heldCount(): number {
    return this.held.length;
  }

  releaseAll(): void {
    for (const release of this.held.splice(0)) release();
  }

  protected async writeBatch(batch: QueuedWrite[]): Promise<void> {
    const n = this.started.push(batch);
    this.log.push(`start ${n}`);
    if (batch.some((w) => w.collection === 'tasks')) await new Promise<void>((resolve) => this.held.push(resolve));
    for (const w of batch) this.values.set(`${w.collection}/${w.id}`, w.data?.toString() ?? null);
    this.log.push(`done ${n}`);
  }

  protected async closeBackend(): Promise<void> {}
}

function launches(store: HeldBackend, from: number, count: number): void {
  for (let i = from; i < from + count; i++) store.put('tasks', `t${i}`, { state: 'TASK_STAGING', i });
}

describe('an API write is not queued behind launch batches', () => {
  it("carries only the request's own records while 5,000 launch writes are unwritten", async () => {
    const store = new HeldBackend();
    launches(store, 0, 2500);
    await until(() => store.heldCount === 1, 'the first launch batch to be in flight', 5000);
    launches(store, 2500, 2500); // queued behind it in the background lane
    const scope = new WriteScope();
    runInWriteScope(scope, () => {
      store.put('requests', 'web', { id: 'web' });
      store.put('deploys', 'web/1', { id: '1' });
    });
    await store.flushWrites(scope);
    const own = store.started.find((b) => b.some((w) => w.id === 'web'));
    // Its flush waited for one batch holding its two records and nothing else.
    expect(own?.map((w) => w.id)).toEqual(['web', 'web/1']);
    expect(store.values.get('requests/web')).toBe('{"id":"web"}');
    expect(store.heldCount).toBe(1);
    expect(store.values.has('tasks/t0')).toBe(false);
    store.releaseAll();
    const all = store.flush();
    await until(() => store.heldCount > 0 || store.values.has('tasks/t4999'), 'the second launch batch to start', 5000);
    store.releaseAll();
    await all;
    expect(store.values.size).toBe(5002);
  });

  it('writes a record the request rewrote after its unwritten launch write, never before', async () => {
    const store = new HeldBackend();
    launches(store, 0, 10);
    await until(() => store.heldCount === 1, 'the launch batch to be in flight', 5000);
    const scope = new WriteScope();
    runInWriteScope(scope, () => store.put('tasks', 't3', { state: 'TASK_KILLING' }));
    const flushed = store.flushWrites(scope);
    await until(() => store.log.length === 1, 'the launch batch to be the only one started', 5000);
    store.releaseAll();
    await until(() => store.heldCount === 1 || store.log.length === 4, 'the kill write to start after the launch batch', 5000);
    store.releaseAll();
    await flushed;
    expect(store.log).toEqual(['start 1', 'done 1', 'start 2', 'done 2']);
    expect(store.values.get('tasks/t3')).toBe('{"state":"TASK_KILLING"}');
  });

  it("waits for the background lane when a scope's record was written there since", async () => {
    const store = new HeldBackend();
    const scope = new WriteScope();
    runInWriteScope(scope, () => store.put('tasks', 't1', { state: 'TASK_KILLING' }));
    await until(() => store.heldCount === 1, "the request's batch to be in flight", 5000);
    scope.open = false;
    store.put('tasks', 't1', { state: 'TASK_KILLED' });
    store.put('tasks', 't2', { state: 'TASK_STAGING' });
    let done = false;
    const flushed = store.flushWrites(scope).then(() => { done = true; });
    store.releaseAll();
    await until(() => store.heldCount === 1 && store.log.length === 3, 'the background batch to be in flight', 5000);
    expect(done).toBe(false);
    store.releaseAll();
    await flushed;
    expect(store.log).toEqual(['start 1', 'done 1', 'start 2', 'done 2']);
    expect(store.values.get('tasks/t1')).toBe('{"state":"TASK_KILLED"}');
    expect(store.values.get('tasks/t2')).toBe('{"state":"TASK_STAGING"}');
  });

  it('a plain flush still waits for every lane', async () => {
    const store = new HeldBackend();
    launches(store, 0, 3);
    runInWriteScope(new WriteScope(), () => store.put('requests', 'web', { id: 'web' }));
    const all = store.flush();
    await until(() => store.heldCount === 1, 'the launch batch to be in flight', 5000);
    expect(store.values.get('requests/web')).toBe('{"id":"web"}');
    store.releaseAll();
    await all;
    expect(store.values.size).toBe(4);
  });
});

describe('writes queued while a batch is in flight', () => {
  it('hold one value per record and go out as one batch: 100 rewrites of a task write it twice, not 100 times', async () => {
    const store = new HeldBackend();
    launches(store, 0, 10);
    await until(() => store.heldCount === 1, 'the first launch batch to be in flight', 5000);
    // One rewrite per event-loop turn: each turn used to drain into a batch of its own.
    for (let v = 0; v < 100; v++) {
      store.put('tasks', 't3', { state: 'TASK_RUNNING', v });
      await new Promise((r) => setImmediate(r));
    }
    const all = store.flush();
    store.releaseAll();
    await until(() => store.heldCount === 1, 'the second batch to be in flight', 5000);
    store.releaseAll();
    await all;
    expect(store.started.map((b) => b.length)).toEqual([10, 1]);
    expect(store.started.flat().filter((w) => w.id === 't3')).toHaveLength(2);
    expect(store.values.get('tasks/t3')).toBe('{"state":"TASK_RUNNING","v":99}');
  });
});
