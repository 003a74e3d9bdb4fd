/**
 * The faults a chaos run injects, each one real: processes are SIGKILLed, containers
 * `docker kill`ed, ZooKeeper restarted or its session taken over and closed, the network
 * between an agent and the master cut, an agent restarted, the leading master killed, a
 * scheduler's path to ZooKeeper cut. Each resolves once the fault has landed (and, for the
 * temporary ones, healed).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { until } from '../../support/kit';
import { leaderIndex, leaderIndices } from './api';
import { clusterTasks } from './observe';
import type { ChaosStack } from './stack';
import { expireSession } from './zk-session-expiry';

const run = promisify(execFile);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface FaultTarget {
  stack: ChaosStack;
  requestId: string;
  /** The deploy being replaced: task faults hit its tasks, so the new deploy can still succeed. */
  oldDeployId: string;
}

export type FaultName =
  | 'leader-sigkill' | 'executor-sigkill' | 'container-kill' | 'zk-restart' | 'zk-session-expiry'
  | 'agent-partition' | 'agent-restart' | 'master-failover' | 'scheduler-zk-cut';

/** Fault probes read a cluster in the middle of a fault: an error is "not yet". */
const POLL = { intervalMs: 250, retryErrors: true };

async function currentLeader(stack: ChaosStack): Promise<number> {
  // until settles on any number, 0 included: the index, or false while there is no leader.
  return until(async () => { const i = await leaderIndex(stack); return i >= 0 && i; }, 'a scheduler leader', 60_000, POLL);
}

async function oldTask(t: FaultTarget): Promise<{ id: string; executorId: string; agentId: string }> {
  const tasks = (await clusterTasks(t.stack, t.requestId)).filter((x) => x.deployId === t.oldDeployId && x.state === 'TASK_RUNNING');
  if (tasks.length === 0) throw new Error(`fault: no RUNNING task of ${t.oldDeployId} to hit`);
  return tasks[0];
}

/** The agent running most of the request's tasks (the fault that hurts most). */
async function busiestAgent(t: FaultTarget): Promise<string> {
  const counts = new Map<string, number>();
  for (const task of await clusterTasks(t.stack, t.requestId)) counts.set(task.agentId, (counts.get(task.agentId) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? t.stack.mesos.agents[0].id;
}

export const FAULTS: Record<FaultName, (t: FaultTarget) => Promise<void>> = {
  'leader-sigkill': async ({ stack }) => {
    const i = await currentLeader(stack);
    await stack.slots[i].proc.kill('SIGKILL');
    await until(async () => (await leaderIndex(stack)) >= 0, 'a new scheduler leader', 60_000, POLL);
    await stack.restartScheduler(i);
  },
  'executor-sigkill': async (t) => {
    const task = await oldTask(t);
    if (!t.stack.mesos.killExecutor(task.executorId)) throw new Error(`fault: executor ${task.executorId} not running`);
  },
  'container-kill': async (t) => {
    const task = await oldTask(t);
    const { stdout } = await run('docker', ['ps', '-q', '--filter', `label=griddle.task_id=${task.id}`]);
    const ids = stdout.split('\n').filter(Boolean);
    if (ids.length === 0) throw new Error(`fault: no container for ${task.id}`);
    await run('docker', ['kill', ...ids]);
  },
  'zk-restart': async ({ stack }) => {
    await stack.zk.restart(3000);
  },
  'zk-session-expiry': async ({ stack }) => {
    const proxy = stack.slots[await currentLeader(stack)].proxy;
    const sessions = proxy.sessions();
    if (sessions.length === 0) throw new Error('fault: the leader has no ZooKeeper session through its proxy');
    for (const s of sessions) await expireSession(stack.zk.port, s);
  },
  'agent-partition': async (t) => {
    const agentId = await busiestAgent(t);
    t.stack.mesos.partitionAgent(agentId);
    // Healed only once the master has given up on it (after the ping timeout), the harder case.
    await until(async () => {
      const res = await fetch(`${t.stack.mesos.masterUrls[0]}/master/state`);
      return ((await res.json()) as { unreachable_slaves: number }).unreachable_slaves > 0;
    }, 'the partitioned agent to be marked unreachable', 60_000, POLL);
    t.stack.mesos.healAgent(agentId);
  },
  'agent-restart': async (t) => {
    const agentId = await busiestAgent(t);
    await t.stack.mesos.stopAgent(agentId);
    await sleep(2000);
    await t.stack.mesos.startAgent(agentId);
  },
  'master-failover': async ({ stack }) => {
    await stack.mesos.killLeadingMaster();
  },
  'scheduler-zk-cut': async ({ stack }) => {
    const i = await currentLeader(stack);
    stack.slots[i].proxy.cutOff();
    try {
      await until(async () => (await leaderIndices(stack)).some((j) => j !== i), 'another scheduler to lead', 90_000, POLL);
    } finally {
      stack.slots[i].proxy.restore();
    }
  },
};
