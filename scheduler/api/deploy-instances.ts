import { countsAsInstance, deployKey } from '../core';
import type { TaskRecord } from '../model';

/**
 * Per deploy (`requestId/deployId`), the tasks that count as an instance and how many distinct
 * instance numbers they hold, kept change by change: what provisioning and the pending count
 * read, without a walk of every task.
 */
export class DeployInstances {
  /** Per deploy: tasks per instance number. */
  private readonly byDeploy = new Map<string, { tasks: number; instances: Map<number, number> }>();

  change(previous: TaskRecord | undefined, next: TaskRecord | undefined): void {
    if (previous && countsAsInstance(previous)) this.remove(previous);
    if (next && countsAsInstance(next)) this.add(next);
  }

  /** Tasks of the deploy that count as an instance. */
  tasks(key: string): number {
    return this.byDeploy.get(key)?.tasks ?? 0;
  }

  /** Distinct instance numbers among them. */
  instances(key: string): number {
    return this.byDeploy.get(key)?.instances.size ?? 0;
  }

  private add(t: TaskRecord): void {
    const key = deployKey(t.requestId, t.deployId);
    let d = this.byDeploy.get(key);
    if (!d) this.byDeploy.set(key, (d = { tasks: 0, instances: new Map() }));
    d.tasks++;
    d.instances.set(t.instanceNo, (d.instances.get(t.instanceNo) ?? 0) + 1);
  }

  private remove(t: TaskRecord): void {
    const key = deployKey(t.requestId, t.deployId);
    const d = this.byDeploy.get(key);
    if (!d) return;
    d.tasks--;
    const n = (d.instances.get(t.instanceNo) ?? 0) - 1;
    if (n > 0) d.instances.set(t.instanceNo, n);
    else d.instances.delete(t.instanceNo);
    if (d.tasks === 0) this.byDeploy.delete(key);
  }
}
