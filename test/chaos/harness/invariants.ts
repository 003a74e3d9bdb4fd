/**
 * The invariants checked after every fault, each waiting (with a deadline) for the condition
 * to hold and, when it never does, answering what it last saw, so a failing test says why.
 */
import type { DeployState } from '../../../contract';
import { call, leaderUrl } from './api';
import { clusterTasks, containersOf, type ClusterTask, type Container } from './observe';
import { INSTANCES } from './service';
import type { ChaosStack } from './stack';

async function poll<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs: number): Promise<{ ok: boolean; last: T | string; ms: number }> {
  const start = Date.now();
  let last: T | string = 'nothing read';
  while (Date.now() - start < timeoutMs) {
    try {
      const value = await read();
      last = value;
      if (ok(value)) return { ok: true, last: value, ms: Date.now() - start };
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return { ok: false, last, ms: Date.now() - start };
}

/** Exactly `INSTANCES` tasks of `deployId`, all RUNNING and healthy, instance numbers 1..N once each. */
export function converged(tasks: readonly ClusterTask[], deployId: string): boolean {
  const numbers = new Set(tasks.map((t) => t.instanceNo));
  return tasks.length === INSTANCES && numbers.size === INSTANCES && [...numbers].every((n) => n >= 1 && n <= INSTANCES)
    && tasks.every((t) => t.deployId === deployId && t.state === 'TASK_RUNNING' && t.healthy === true);
}

export interface Convergence { ok: boolean; ms: number; tasks: ClusterTask[] | string }

export async function waitConverged(stack: ChaosStack, requestId: string, deployId: string, timeoutMs = 120_000): Promise<Convergence> {
  const r = await poll(() => clusterTasks(stack, requestId), (tasks) => converged(tasks, deployId), timeoutMs);
  return { ok: r.ok, ms: r.ms, tasks: r.last };
}

/**
 * `deployId#instanceNo` held by more than one task at once. Old and new deploys share instance
 * numbers while rolling (as in Singularity); within one deploy a number is held once.
 */
export function duplicateInstances(tasks: readonly Pick<ClusterTask, 'deployId' | 'instanceNo'>[]): string[] {
  const seen = new Map<string, number>();
  for (const t of tasks) seen.set(`${t.deployId}#${t.instanceNo}`, (seen.get(`${t.deployId}#${t.instanceNo}`) ?? 0) + 1);
  return [...seen].filter(([, n]) => n > 1).map(([key]) => key);
}

/** Containers of the request whose task is not live on the cluster (waits for them to go). */
export async function waitNoOrphans(stack: ChaosStack, requestId: string, timeoutMs = 45_000): Promise<{ ok: boolean; orphans: Container[] | string }> {
  const orphansNow = async (): Promise<Container[]> => {
    const containers = await containersOf(requestId);
    const live = new Set((await clusterTasks(stack, requestId)).map((t) => t.id));
    return containers.filter((c) => !live.has(c.taskId));
  };
  const r = await poll(orphansNow, (orphans) => orphans.length === 0, timeoutMs);
  return { ok: r.ok, orphans: r.last };
}

/** The deploy's terminal state, with the scheduler's message when it is not SUCCEEDED (the evidence). */
export async function deployState(stack: ChaosStack, requestId: string, deployId: string): Promise<string | undefined> {
  const url = await leaderUrl(stack);
  if (!url) throw new Error('no subscribed leader');
  const answer = await call<{ deployResult?: { deployState: DeployState; message?: string } }>(url, 'GET', `/api/history/request/${requestId}/deploy/${deployId}`);
  if (answer.status !== 200) throw new Error(`deploy history: ${answer.status} ${JSON.stringify(answer.body)}`);
  const result = answer.body.deployResult;
  if (!result) return undefined;
  return result.deployState === 'SUCCEEDED' || !result.message ? result.deployState : `${result.deployState}: ${result.message}`;
}

/** Waits for the deploy to end (any terminal state) and answers it, or 'NOT FINISHED: <last seen>'. */
export async function waitDeployEnded(stack: ChaosStack, requestId: string, deployId: string, timeoutMs = 240_000): Promise<string> {
  const r = await poll(() => deployState(stack, requestId, deployId), (s) => s !== undefined && !s.startsWith('WAITING') && !s.startsWith('CANCELING'), timeoutMs);
  return r.ok ? String(r.last) : `NOT FINISHED: ${String(r.last)}`;
}
