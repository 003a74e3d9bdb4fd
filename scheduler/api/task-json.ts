import type { DeployRecord, RequestRecord, TaskRecord } from '../model';

/**
 * Each task's Singularity JSON, kept as bytes until its record (or its request or deploy) is
 * replaced: the scheduler replaces a task's record on every status update, so a change to one
 * task serializes one task, and a 10,000-task list is rebuilt by copying bytes, not by
 * serializing 10,000 objects again.
 */
export class TaskJsonCache {
  private readonly cache = new WeakMap<TaskRecord, { request?: RequestRecord; deploy?: DeployRecord; json: Buffer }>();
  /** Tasks serialized so far (what the tests count: one per changed task). */
  serialized = 0;

  constructor(
    private readonly context: (t: TaskRecord) => { request?: RequestRecord; deploy?: DeployRecord },
    private readonly render: (t: TaskRecord, request?: RequestRecord, deploy?: DeployRecord) => unknown,
  ) {}

  get(t: TaskRecord): Buffer {
    const { request, deploy } = this.context(t);
    const hit = this.cache.get(t);
    if (hit && hit.request === request && hit.deploy === deploy) return hit.json;
    const json = Buffer.from(JSON.stringify(this.render(t, request, deploy)));
    this.serialized++;
    this.cache.set(t, { request, deploy, json });
    return json;
  }
}

/** `[a,b,...]` from JSON fragments, in one allocation and one copy of each fragment. */
export function jsonArray(fragments: readonly Buffer[]): Buffer {
  let size = 2 + Math.max(0, fragments.length - 1);
  for (const f of fragments) size += f.length;
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  out[at++] = 0x5b; // [
  fragments.forEach((f, i) => {
    if (i > 0) out[at++] = 0x2c; // ,
    at += f.copy(out, at);
  });
  out[at] = 0x5d; // ]
  return out;
}
