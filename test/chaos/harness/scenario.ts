/**
 * One chaos round: a rolling deploy (or a rollback) of the 4-instance service, a fault landing
 * once its first new task runs, acknowledged writes flowing throughout, the task count sampled
 * from the outside; then the invariants. The round answers what it saw; the test asserts.
 */
import { readFromLeader, write } from './api';
import { FAULTS, type FaultName } from './faults';
import { waitConverged, waitDeployEnded, waitNoOrphans, duplicateInstances, type Convergence } from './invariants';
import { clusterTasks, parseTaskId, type Container } from './observe';
import { ConcurrencySampler, type Sample } from './sampler';
import { INSTANCES, serviceDeploy, serviceRequest, STEP } from './service';
import type { ChaosStack } from './stack';
import { AckedWrites } from './writes';

export interface RoundReport {
  fault: FaultName;
  deployId: string;
  deployState: string;
  convergence: Convergence;
  orphans: Container[] | string;
  lostWrites: string[];
  ackedWrites: number;
  /** Samples above instances + step while the deploy ran. */
  overshoot: Sample[];
  duplicates: string[];
  faultError?: string;
  /** From the fault having landed to the request converged (null: it never did). */
  convergedAfterFaultMs: number | null;
}

interface RequestParent { activeDeploy?: { id: string }; pendingDeploy?: { id: string } }

/** Creates the request and its first deploy and waits until it runs at full strength. */
export async function setUpService(stack: ChaosStack, requestId: string): Promise<string> {
  await write(stack, 'POST', '/api/requests', serviceRequest(requestId));
  await write(stack, 'POST', '/api/deploys', { deploy: serviceDeploy(requestId, 'v0', 1) });
  const ended = await waitDeployEnded(stack, requestId, 'v0', 180_000);
  if (ended !== 'SUCCEEDED') throw new Error(`the first deploy ended ${ended}`);
  const c = await waitConverged(stack, requestId, 'v0', 180_000);
  if (!c.ok) throw new Error(`the service never converged on v0: ${JSON.stringify(c.tasks)}`);
  return 'v0';
}

export class ChaosRounds {
  private seq = 1;

  constructor(private readonly stack: ChaosStack, private readonly requestId: string) {}

  async activeDeploy(): Promise<string> {
    const parent = await readFromLeader<RequestParent>(this.stack, `/api/requests/request/${this.requestId}`);
    if (!parent.activeDeploy) throw new Error('the request has no active deploy');
    return parent.activeDeploy.id;
  }

  /** A new version (`kind: 'deploy'`, alternating images) or a rollback to the previous deploy. */
  async round(fault: FaultName, kind: 'deploy' | 'rollback' = 'deploy'): Promise<RoundReport> {
    const { stack, requestId } = this;
    if (kind === 'rollback') await this.ensureSomethingToRollBackTo(await this.activeDeploy());
    // Read after that preparation: task faults hit the deploy being replaced now.
    const oldDeployId = await this.activeDeploy();
    const writes = new AckedWrites(stack, `${requestId}-${fault}`);
    const sampler = new ConcurrencySampler(stack, requestId);
    sampler.start();
    writes.start();
    let deployId: string;
    if (kind === 'deploy') {
      deployId = `v${this.seq++}`;
      await write(stack, 'POST', '/api/deploys', { deploy: serviceDeploy(requestId, deployId, this.seq % 2 === 0 ? 2 : 1) });
    } else {
      const parent = await write<RequestParent>(stack, 'POST', `/api/requests/request/${requestId}/rollback`, {});
      if (!parent.pendingDeploy) throw new Error(`rollback answered without a pending deploy: ${JSON.stringify(parent)}`);
      deployId = parent.pendingDeploy.id;
    }
    let faultError: string | undefined;
    try {
      await this.firstNewTaskRunning(deployId);
      await FAULTS[fault]({ stack, requestId, oldDeployId });
    } catch (err) {
      faultError = (err as Error).message;
    }
    const landedAt = Date.now();
    const deployState = await waitDeployEnded(stack, requestId, deployId);
    await sampler.stop();
    const convergence = await waitConverged(stack, requestId, deployId);
    const convergedAfterFaultMs = convergence.ok ? Date.now() - landedAt : null;
    await writes.stop();
    const orphans = (await waitNoOrphans(stack, requestId)).orphans;
    const lostWrites = await writes.lost().catch((err: Error) => [`could not check: ${err.message}`]);
    // Every sampled moment, then the end state.
    const duplicates = new Set<string>(duplicateInstances(await clusterTasks(stack, requestId)));
    for (const sample of sampler.samples) for (const d of duplicateInstances(sample.ids.map((id) => parseTaskId(id, requestId)))) duplicates.add(d);
    return {
      fault, deployId, deployState, convergence, orphans, lostWrites, ackedWrites: writes.acked.length,
      overshoot: sampler.over(INSTANCES + STEP), duplicates: [...duplicates], faultError, convergedAfterFaultMs,
    };
  }

  /**
   * A rollback needs a SUCCEEDED deploy before the active one; when an earlier round's deploy
   * failed there is none, so a fault-free deploy comes first (the round stays independent of
   * the rounds before it).
   */
  private async ensureSomethingToRollBackTo(activeId: string): Promise<void> {
    const history = await readFromLeader<{ deploy: { id: string }; deployResult?: { deployState: string } }[]>(this.stack, `/api/history/request/${this.requestId}/deploys`);
    if (history.some((d) => d.deploy.id !== activeId && d.deployResult?.deployState === 'SUCCEEDED')) return;
    const deployId = `v${this.seq++}`;
    await write(this.stack, 'POST', '/api/deploys', { deploy: serviceDeploy(this.requestId, deployId, this.seq % 2 === 0 ? 2 : 1) });
    const ended = await waitDeployEnded(this.stack, this.requestId, deployId);
    if (ended !== 'SUCCEEDED') throw new Error(`the deploy before the rollback ended ${ended}`);
  }

  private async firstNewTaskRunning(deployId: string): Promise<void> {
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      const tasks = await clusterTasks(this.stack, this.requestId).catch(() => []);
      if (tasks.some((t) => t.deployId === deployId && t.state === 'TASK_RUNNING')) return;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`no task of ${deployId} ever ran`);
  }
}

/** The assertions every round must pass, as one readable object (a failure prints all of it). */
export function verdict(r: RoundReport): Record<string, unknown> {
  return {
    deployState: r.deployState,
    converged: r.convergence.ok || r.convergence.tasks,
    orphans: Array.isArray(r.orphans) ? r.orphans.length : r.orphans,
    orphanContainers: Array.isArray(r.orphans) ? r.orphans.map((c) => `${c.name} (${c.running ? 'running' : 'stopped'})`) : [],
    lostWrites: r.lostWrites,
    overshoot: r.overshoot.map((s) => s.ids),
    duplicates: r.duplicates,
    faultError: r.faultError ?? null,
  };
}

export const PASSING_VERDICT = { deployState: 'SUCCEEDED', converged: true, orphans: 0, orphanContainers: [], lostWrites: [], overshoot: [], duplicates: [], faultError: null };
