import { type Collection, type StateStore, serializeRecord } from './state-store';

/** A store that keeps records in memory: for unit tests and simulations. */
export class MemoryStateStore implements StateStore {
  readonly description = 'memory';
  writes = 0;
  private data = new Map<Collection, Map<string, string>>();

  async load(collection: Collection): Promise<Map<string, unknown>> {
    const out = new Map<string, unknown>();
    for (const [id, text] of this.data.get(collection) ?? []) out.set(id, JSON.parse(text));
    return out;
  }

  put(collection: Collection, id: string, value: unknown): void {
    const text = serializeRecord(collection, id, value).toString();
    let map = this.data.get(collection);
    if (!map) this.data.set(collection, (map = new Map()));
    map.set(id, text);
    this.writes++;
  }

  delete(collection: Collection, id: string): void {
    this.data.get(collection)?.delete(id);
    this.writes++;
  }

  async flush(): Promise<void> {}
  async flushWrites(): Promise<void> {}
  async close(): Promise<void> {}
}
