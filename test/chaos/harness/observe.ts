/**
 * What the chaos checks look at, read from the outside: the leading Mesos master's
 * /master/state (tasks the cluster really runs) and Docker (containers carrying the test's
 * `griddle.request_id` label).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { ChaosStack } from './stack';

const run = promisify(execFile);

export interface ClusterTask {
  id: string;
  state: string;
  healthy?: boolean;
  agentId: string;
  executorId: string;
  deployId: string;
  instanceNo: number;
}

interface StateJson {
  frameworks: { tasks: { id: string; state: string; slave_id: string; executor_id: string; statuses: { healthy?: boolean }[] }[] }[];
}

/** Task ids are requestId-deployId-startedAt-instanceNo-host[-rack]; deploy ids have no '-'. */
export function parseTaskId(id: string, requestId: string): { deployId: string; instanceNo: number } {
  const [deployId, , instanceNo] = id.slice(requestId.length + 1).split('-');
  return { deployId, instanceNo: Number(instanceNo) };
}

/** Non-terminal tasks of `requestId` known to the leading master (any master redirects to it). */
export async function clusterTasks(stack: ChaosStack, requestId: string): Promise<ClusterTask[]> {
  let lastError: unknown;
  for (const url of stack.mesos.masterUrls) {
    try {
      const res = await fetch(`${url}/master/state`, { signal: AbortSignal.timeout(3000) });
      if (res.status !== 200) continue;
      const state = await res.json() as StateJson;
      return state.frameworks.flatMap((f) => f.tasks).filter((t) => t.id.startsWith(`${requestId}-`)).map((t) => {
        const healthy = [...t.statuses].reverse().find((s) => s.healthy !== undefined)?.healthy;
        return { id: t.id, state: t.state, healthy, agentId: t.slave_id, executorId: t.executor_id, ...parseTaskId(t.id, requestId) };
      });
    } catch (err) {
      lastError = err;
    }
  }
  throw new Error(`no master answered /master/state: ${String(lastError)}`);
}

export interface Container { id: string; name: string; taskId: string; running: boolean }

export async function containersOf(requestId: string): Promise<Container[]> {
  const { stdout } = await run('docker', ['ps', '-a', '--filter', `label=griddle.request_id=${requestId}`, '--format', '{{.ID}}\t{{.Names}}\t{{.Label "griddle.task_id"}}\t{{.State}}']);
  return stdout.split('\n').filter(Boolean).map((line) => {
    const [id, name, taskId, state] = line.split('\t');
    return { id, name, taskId, running: state === 'running' };
  });
}

export async function removeContainers(requestId: string): Promise<void> {
  const ids = (await containersOf(requestId)).map((c) => c.id);
  if (ids.length > 0) await run('docker', ['rm', '-f', ...ids]).catch(() => undefined);
}
