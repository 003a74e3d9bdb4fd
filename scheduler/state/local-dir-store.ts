import fs from 'node:fs';
import path from 'node:path';
import { PipelinedStore, type QueuedWrite } from './pipelined-store';
import { type Collection, decodeId, encodeId } from './state-store';

const SUFFIX = '.json';
const CONCURRENCY = 64;

/**
 * One JSON file per record under `<dir>/<collection>/`. A write goes to a temporary file that
 * is fsynced and then renamed over the record, so after a crash every record holds either its
 * old or its new value, never a torn one; leftover temporary files are ignored and removed.
 */
export class LocalDirStateStore extends PipelinedStore {
  readonly description: string;
  private seq = 0;

  constructor(private readonly dir: string) {
    super();
    this.description = `local-dir:${path.resolve(dir)}`;
  }

  async load(collection: Collection): Promise<Map<string, unknown>> {
    const dir = path.join(this.dir, collection);
    const out = new Map<string, unknown>();
    let names: string[];
    try {
      names = await fs.promises.readdir(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return out;
      throw err;
    }
    for (const name of names) {
      if (!name.endsWith(SUFFIX)) {
        if (name.includes('.tmp-')) await fs.promises.rm(path.join(dir, name), { force: true });
        continue;
      }
      const text = await fs.promises.readFile(path.join(dir, name), 'utf8');
      out.set(decodeId(name.slice(0, -SUFFIX.length)), JSON.parse(text));
    }
    return out;
  }

  protected async writeBatch(batch: QueuedWrite[]): Promise<void> {
    const dirs = new Set(batch.map((w) => w.collection));
    await Promise.all([...dirs].map((c) => fs.promises.mkdir(path.join(this.dir, c), { recursive: true })));
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < batch.length) await this.writeOne(batch[next++]);
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, batch.length) }, worker));
  }

  private async writeOne(w: QueuedWrite): Promise<void> {
    const file = path.join(this.dir, w.collection, encodeId(w.id) + SUFFIX);
    if (w.data === null) {
      await fs.promises.rm(file, { force: true });
      return;
    }
    const tmp = `${file}.tmp-${process.pid}-${this.seq++}`;
    const handle = await fs.promises.open(tmp, 'w');
    try {
      await handle.writeFile(w.data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.promises.rename(tmp, file);
  }

  protected async closeBackend(): Promise<void> {}
}
