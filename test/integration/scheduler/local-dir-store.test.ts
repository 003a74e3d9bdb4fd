import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LocalDirStateStore } from '../../../scheduler/state';
import { ensureBuilt, REPO_ROOT } from '../../support/kit';

const WRITER = `
const { LocalDirStateStore } = require(${JSON.stringify(path.join(REPO_ROOT, 'dist', 'scheduler', 'state'))});
const store = new LocalDirStateStore(process.argv[1]);
(async () => {
  for (let seq = 1; ; seq++) {
    for (let i = 0; i < 40; i++) store.put('tasks', 'task-' + i, { seq, i, payload: 'x'.repeat(4000 + seq % 7 * 1000) });
    await store.flush();
    process.stdout.write('flushed ' + seq + '\\n');
  }
})();
`;

describe('LocalDirStateStore', () => {
  let dir: string;

  beforeAll(() => ensureBuilt(), 300_000);
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'griddle-local-store-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes, updates, deletes and loads records with any id', async () => {
    const store = new LocalDirStateStore(dir);
    store.put('deploys', 'req/dep', { a: 1 });
    store.put('requests', 'r1', { a: 1 });
    store.put('requests', 'r1', { a: 2 });
    store.put('requests', 'r2', { a: 1 });
    await store.flush();
    store.delete('requests', 'r2');
    await store.close();
    const again = new LocalDirStateStore(dir);
    expect(Object.fromEntries(await again.load('requests'))).toEqual({ r1: { a: 2 } });
    expect(Object.fromEntries(await again.load('deploys'))).toEqual({ 'req/dep': { a: 1 } });
    expect((await again.load('tasks')).size).toBe(0);
  });

  it('survives kill -9 in the middle of writing: every record whole, nothing flushed lost', async () => {
    for (let round = 0; round < 3; round++) {
      const child = spawn(process.execPath, ['-e', WRITER, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
      let flushed = 0;
      await new Promise<void>((resolve) => {
        child.stdout.on('data', (chunk: Buffer) => {
          const last = /flushed (\d+)\n$/.exec(chunk.toString());
          if (last) flushed = Number(last[1]);
          // Kill at a moment that depends on the round, while the next batch is being written.
          if (flushed >= 5 + round * 3) resolve();
        });
      });
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));

      const store = new LocalDirStateStore(dir);
      const tasks = await store.load('tasks'); // throws on a torn record
      expect(tasks.size).toBe(40);
      for (const value of tasks.values()) {
        const v = value as { seq: number; payload: string };
        expect(v.seq).toBeGreaterThanOrEqual(flushed);
        expect(v.payload.length).toBe(4000 + (v.seq % 7) * 1000);
      }
      // Temporary files of the interrupted batch are cleaned up on load.
      expect(fs.readdirSync(path.join(dir, 'tasks')).filter((n) => n.includes('.tmp-'))).toEqual([]);
    }
  }, 120_000);
});
