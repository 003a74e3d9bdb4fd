/**
 * A binary min-heap of offer slots by rank, ties broken by the slot's position in the offer
 * list (what a linear scan for the first strict minimum would pick). Ranks are stored when
 * pushed: the matcher re-checks the top against its current rank and pushes it again when
 * it has grown, so the heap only has to hold lower bounds.
 */
export interface RankedSlot<T> { item: T; index: number; rank: number }

export class SlotHeap<T> {
  private readonly entries: RankedSlot<T>[] = [];

  constructor(initial: RankedSlot<T>[] = []) {
    this.entries = initial;
    for (let i = (this.entries.length >> 1) - 1; i >= 0; i--) this.down(i);
  }

  get size(): number {
    return this.entries.length;
  }

  peek(): RankedSlot<T> | undefined {
    return this.entries[0];
  }

  push(entry: RankedSlot<T>): void {
    this.entries.push(entry);
    this.up(this.entries.length - 1);
  }

  pop(): RankedSlot<T> | undefined {
    const top = this.entries[0];
    const last = this.entries.pop();
    if (this.entries.length > 0 && last) {
      this.entries[0] = last;
      this.down(0);
    }
    return top;
  }

  private less(a: RankedSlot<T>, b: RankedSlot<T>): boolean {
    return a.rank < b.rank || (a.rank === b.rank && a.index < b.index);
  }

  private up(i: number): void {
    const e = this.entries;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(e[i], e[parent])) return;
      [e[i], e[parent]] = [e[parent], e[i]];
      i = parent;
    }
  }

  private down(i: number): void {
    const e = this.entries;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < e.length && this.less(e[l], e[m])) m = l;
      if (r < e.length && this.less(e[r], e[m])) m = r;
      if (m === i) return;
      [e[i], e[m]] = [e[m], e[i]];
      i = m;
    }
  }
}
