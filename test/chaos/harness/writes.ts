/**
 * Writes a test makes while faults land, and which of them the API acknowledged (2xx): each
 * creates a small ON_DEMAND request (no tasks), so that afterwards every acknowledged one can
 * be looked up. An acknowledged write that is missing later is a lost write.
 */
import { call, readFromLeader } from './api';
import { BackgroundLoop } from './loop';
import type { ChaosStack } from './stack';

export class AckedWrites extends BackgroundLoop {
  readonly acked: string[] = [];
  attempted = 0;

  constructor(private readonly stack: ChaosStack, private readonly prefix: string, intervalMs = 300) {
    super(intervalMs);
  }

  /** The acknowledged writes the leader does not know (call once the cluster has converged). */
  async lost(): Promise<string[]> {
    const known = new Set((await readFromLeader<{ request: { id: string } }[]>(this.stack, '/api/requests')).map((r) => r.request.id));
    return this.acked.filter((id) => !known.has(id));
  }

  protected async tick(): Promise<void> {
    const live = this.stack.slots.filter((s) => s.proc.alive);
    const slot = live[this.attempted % Math.max(1, live.length)];
    const id = `${this.prefix}-w${this.attempted++}`;
    if (!slot) return;
    try {
      const answer = await call(slot.proc.url, 'POST', '/api/requests', { id, requestType: 'ON_DEMAND' }, 3000);
      if (answer.status >= 200 && answer.status < 300) this.acked.push(id);
    } catch {
      // Refused or timed out: not acknowledged, so nothing is owed.
    }
  }
}
