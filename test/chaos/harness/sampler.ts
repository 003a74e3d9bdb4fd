/**
 * Samples, continuously and from the outside, how many tasks of the request the cluster runs
 * at once while a deploy rolls: the count that must never exceed instances + step. Tasks being
 * killed (TASK_KILLING) are on their way out and not counted.
 */
import { BackgroundLoop } from './loop';
import { clusterTasks } from './observe';
import type { ChaosStack } from './stack';

export interface Sample { at: number; count: number; ids: string[] }

export class ConcurrencySampler extends BackgroundLoop {
  readonly samples: Sample[] = [];

  constructor(private readonly stack: ChaosStack, private readonly requestId: string, intervalMs = 250) {
    super(intervalMs);
  }

  /** The samples above `limit`, each with the tasks that made it up. */
  over(limit: number): Sample[] {
    return this.samples.filter((s) => s.count > limit);
  }

  max(): number {
    return Math.max(0, ...this.samples.map((s) => s.count));
  }

  protected async tick(): Promise<void> {
    try {
      const tasks = (await clusterTasks(this.stack, this.requestId)).filter((t) => t.state !== 'TASK_KILLING');
      this.samples.push({ at: Date.now(), count: tasks.length, ids: tasks.map((t) => t.id) });
    } catch {
      // No leading master for a moment (a master fault): nothing to sample.
    }
  }
}
