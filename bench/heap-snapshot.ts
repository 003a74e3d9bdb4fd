/**
 * A V8 heap snapshot of a scheduler the bench started with `--heapsnapshot-signal=SIGUSR2`, and
 * what it holds: the sum of its objects' sizes, which is the live heap (the snapshot collects
 * garbage first), unlike heapUsed at any other moment, which counts garbage not yet collected.
 */
import fs from 'node:fs';
import path from 'node:path';
import { health, waitFor, type SchedulerProcess } from './bench-processes';

export interface HeapSnapshotResult { file: string; fileBytes: number; liveHeapMb: number; objects: number }

/** Node flags that make SIGUSR2 write a snapshot into `dir`. */
export function heapSnapshotNodeArgs(dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  return `--heapsnapshot-signal=SIGUSR2 --diagnostic-dir=${dir}`;
}

interface SnapshotJson { snapshot: { meta: { node_fields: string[] } }; nodes: number[] }

/** Sums the self sizes of every object in a .heapsnapshot file. */
function liveBytes(file: string): { bytes: number; objects: number } {
  const snap = JSON.parse(fs.readFileSync(file, 'utf8')) as SnapshotJson;
  const fields = snap.snapshot.meta.node_fields;
  const self = fields.indexOf('self_size');
  let bytes = 0;
  for (let i = self; i < snap.nodes.length; i += fields.length) bytes += snap.nodes[i];
  return { bytes, objects: snap.nodes.length / fields.length };
}

/**
 * Signals the scheduler and waits for its snapshot. It is written synchronously on the
 * scheduler's loop (seconds to tens of seconds): done once its size holds and it answers again.
 */
export async function heapSnapshot(scheduler: SchedulerProcess, dir: string): Promise<HeapSnapshotResult> {
  const before = new Set(fs.readdirSync(dir));
  scheduler.child.kill('SIGUSR2');
  let name = '';
  let size = -1;
  await waitFor('the heap snapshot', async () => {
    name = fs.readdirSync(dir).find((f) => f.endsWith('.heapsnapshot') && !before.has(f)) ?? '';
    if (!name) return false;
    const now = fs.statSync(path.join(dir, name)).size;
    const stable = now === size && now > 0;
    size = now;
    return stable && (await health(scheduler)) !== null;
  }, 600_000, 2000);
  const file = path.join(dir, name);
  const live = liveBytes(file);
  return { file, fileBytes: size, liveHeapMb: +(live.bytes / 1048576).toFixed(1), objects: live.objects };
}
