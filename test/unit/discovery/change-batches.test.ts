import protobuf from 'protobufjs';
import {
  batchesOf, Catalog, ChangeCoalescer, changeSizeEstimate, changesPerMessage, discoveryProtoPath, MAX_BATCH_BYTES,
  MAX_CHANGES_PER_MESSAGE, toChangeMessage, type CatalogChange,
} from '../../../scheduler/discovery';
import { taskRecord } from '../../support/task-fixtures';

/** A scheduler of flushes run by hand: one call of `turn()` is the end of an event-loop turn. */
function manualTurns(): { schedule: (flush: () => void) => void; turn(): void; scheduled(): number } {
  let queued: (() => void)[] = [];
  return {
    schedule: (flush) => { queued.push(flush); },
    turn: () => {
      const run = queued;
      queued = [];
      for (const flush of run) flush();
    },
    scheduled: () => queued.length,
  };
}

const range = (n: number, from = 1): number[] => Array.from({ length: n }, (_, i) => from + i);

describe('changesPerMessage', () => {
  it('keeps old clients at one change per event and caps what a watcher asks for', () => {
    expect(changesPerMessage(undefined)).toBe(0);
    expect(changesPerMessage(0)).toBe(0);
    expect(changesPerMessage(1)).toBe(1);
    expect(changesPerMessage(250)).toBe(250);
    expect(changesPerMessage(1_000_000)).toBe(MAX_CHANGES_PER_MESSAGE);
  });
});

describe('batchesOf', () => {
  it.each([[0, 10, 0], [1, 10, 1], [10, 10, 1], [11, 10, 2], [10_000, 1000, 10], [10_001, 1000, 11], [7, 1, 7]])(
    '%i items at %i per message make %i batches, in order',
    (n, max, expected) => {
      const batches = batchesOf(range(n), max);
      expect(batches).toHaveLength(expected);
      expect(batches).toHaveLength(Math.ceil(n / max));
      expect(batches.every((b) => b.length >= 1 && b.length <= max)).toBe(true);
      expect(batches.flat()).toEqual(range(n));
    },
  );

  it('ends a batch early rather than pass the byte budget, and sends an oversized item alone', () => {
    const sizes = [400, 400, 400, 1500, 100, 100];
    const batches = batchesOf(sizes, { maxPerMessage: 10, sizeOf: (n) => n, maxBytes: 1000 });
    expect(batches).toEqual([[400, 400], [400], [1500], [100, 100]]);
    // Within the budget, the count alone decides: ceil(n / max).
    expect(batchesOf(range(25), { maxPerMessage: 10, sizeOf: () => 1, maxBytes: 1000 }).map((b) => b.length)).toEqual([10, 10, 5]);
  });

  it('rejects a batch size below 1, naming it', () => {
    expect(() => batchesOf([1], 0)).toThrow(/maxPerMessage must be at least 1/);
  });
});

describe('ChangeCoalescer', () => {
  it('sends the changes of one turn as ceil(N / max) messages, in order', () => {
    const turns = manualTurns();
    const sent: number[][] = [];
    const coalescer = new ChangeCoalescer<number>(1000, (batch) => sent.push(batch), turns.schedule);
    for (const revision of range(2500)) coalescer.add(revision);
    expect(sent).toHaveLength(0);
    expect(turns.scheduled()).toBe(1);
    expect(coalescer.size).toBe(2500);
    turns.turn();
    expect(sent.map((b) => b.length)).toEqual([1000, 1000, 500]);
    expect(sent.flat()).toEqual(range(2500));
    expect(coalescer.size).toBe(0);
  });

  it('keeps turns apart: each turn flushes only its own changes, still in order', () => {
    const turns = manualTurns();
    const sent: number[][] = [];
    const coalescer = new ChangeCoalescer<number>(50, (batch) => sent.push(batch), turns.schedule);
    for (let read = 0; read < 4; read++) {
      for (const revision of range(50, 1 + read * 50)) coalescer.add(revision);
      turns.turn();
    }
    expect(sent).toHaveLength(4);
    expect(sent.flat()).toEqual(range(200));
    turns.turn();
    expect(sent).toHaveLength(4);
  });

  it('flushes on demand before a snapshot, and the scheduled flush then sends nothing more', () => {
    const turns = manualTurns();
    const sent: number[][] = [];
    const coalescer = new ChangeCoalescer<number>(10, (batch) => sent.push(batch), turns.schedule);
    for (const revision of range(15)) coalescer.add(revision);
    coalescer.flush();
    expect(sent.map((b) => b.length)).toEqual([10, 5]);
    turns.turn();
    expect(sent).toHaveLength(2);
    coalescer.add(16);
    turns.turn();
    expect(sent.flat()).toEqual(range(16));
  });

  it('sends nothing after close', () => {
    const turns = manualTurns();
    const sent: number[][] = [];
    const coalescer = new ChangeCoalescer<number>(10, (batch) => sent.push(batch), turns.schedule);
    coalescer.add(1);
    coalescer.close();
    coalescer.add(2);
    turns.turn();
    expect(sent).toHaveLength(0);
    expect(coalescer.size).toBe(0);
  });
});

describe('changeSizeEstimate', () => {
  it('is at least the encoded size of a change, so a full batch stays under its byte budget', () => {
    const WatchEvent = protobuf.loadSync(discoveryProtoPath()).lookupType('griddle.discovery.v1.WatchEvent');
    const catalog = new Catalog({ now: () => 1_700_000_000_000 });
    const changes: CatalogChange[] = [];
    catalog.subscribe((c) => changes.push(c));
    catalog.applyTask(taskRecord('t-short', { state: 'TASK_RUNNING', healthy: true }));
    catalog.applyTask(taskRecord(`t-${'long'.repeat(200)}`, { state: 'TASK_RUNNING', healthy: false, ports: [31999], requestId: 'r'.repeat(300) }));
    catalog.drain('t-short');
    expect(changes).toHaveLength(3);
    for (const change of changes) {
      const encoded = WatchEvent.encode(WatchEvent.fromObject({ changes: { changes: [toChangeMessage(change)] } })).finish().length;
      expect(changeSizeEstimate(change)).toBeGreaterThanOrEqual(encoded);
    }
    expect(MAX_CHANGES_PER_MESSAGE * 400).toBeLessThan(MAX_BATCH_BYTES);
  });
});
