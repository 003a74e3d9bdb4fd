import type { TaskRecord } from '../model';
import { SlotHeap } from '../placement';

/**
 * Tasks per state, kept change by change, with its keys in the order a walk of the task map
 * would first meet each state (so the overview's JSON is the one a walk would build). A task's
 * place in that walk is its insertion number: a Map keeps a key where it was first set until
 * it is deleted. The first task of each state comes from a heap of insertion numbers whose
 * entries left behind by tasks that moved on are dropped when they reach the top.
 */
export class TaskStateCounts {
  private next = 0;
  private readonly placeOf = new Map<string, number>();
  /** Insertion number → the task's state now. */
  private readonly stateAt = new Map<number, string>();
  /** Per state: its task count and a heap of candidates for its first task (rank: insertion number). */
  private readonly states = new Map<string, { count: number; firsts: SlotHeap<null> }>();
  /** Heap entries in all; when stale ones dominate, the heaps are rebuilt from `stateAt`. */
  private entries = 0;
  /** Heap entries in all, stale ones included: at most about twice the tasks. */
  get heapEntries(): number {
    return this.entries;
  }

  /** Heap entries looked at by `counts()`: a call after one change looks at a few, not every task. */
  visited = 0;

  change(taskId: string, previous: TaskRecord | undefined, next: TaskRecord | undefined): void {
    if (previous && next && previous.state === next.state) return;
    let place = this.placeOf.get(taskId);
    if (previous && place !== undefined) this.leave(previous.state);
    if (!next) {
      if (place !== undefined) this.stateAt.delete(place);
      this.placeOf.delete(taskId);
      return;
    }
    if (place === undefined) this.placeOf.set(taskId, (place = this.next++));
    this.stateAt.set(place, next.state);
    let s = this.states.get(next.state);
    if (!s) this.states.set(next.state, (s = { count: 0, firsts: new SlotHeap<null>() }));
    s.count++;
    s.firsts.push(entry(place));
    if (++this.entries > 2 * this.stateAt.size + 64) this.compact();
  }

  /** Count per state; keys in first-met order. */
  counts(): Record<string, number> {
    const order: { state: string; first: number; count: number }[] = [];
    for (const [state, s] of this.states) {
      for (;;) {
        this.visited++;
        const top = s.firsts.peek()?.rank;
        if (top === undefined || this.stateAt.get(top) === state) {
          if (top !== undefined) order.push({ state, first: top, count: s.count });
          break;
        }
        s.firsts.pop();
        this.entries--;
      }
    }
    order.sort((a, b) => a.first - b.first);
    const out: Record<string, number> = {};
    for (const o of order) out[o.state] = o.count;
    return out;
  }

  private leave(state: string): void {
    const s = this.states.get(state);
    if (!s) return;
    s.count--;
    if (s.count === 0) {
      this.entries -= s.firsts.size;
      this.states.delete(state);
    }
  }

  private compact(): void {
    const live = new Map<string, ReturnType<typeof entry>[]>();
    for (const [place, state] of this.stateAt) {
      let list = live.get(state);
      if (!list) live.set(state, (list = []));
      list.push(entry(place));
    }
    for (const [state, s] of this.states) s.firsts = new SlotHeap(live.get(state) ?? []);
    this.entries = this.stateAt.size;
  }
}

const entry = (place: number): { item: null; index: number; rank: number } => ({ item: null, index: 0, rank: place });
