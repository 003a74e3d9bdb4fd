/**
 * An executor whose agent is gone: SIGTERM still stops its container and ends it within the
 * grace period plus a few seconds, and without SIGTERM it gives up after MESOS_RECOVERY_TIMEOUT,
 * whether the agent refuses connections (process killed) or accepts them and never answers
 * (process hung or stopped).
 */
import net from 'node:net';
import { containerName } from '../../../executor/container-spec';
import type { FakeExecutorAgent } from '../../support/fake-executor-agent';
import type { ExecutorProcess } from '../../support/executor-process';
import { containerExists, dockerTask } from '../../support/executor-tasks';
import { until } from '../../support/kit';
import { executorHarness } from './executor-harness';

jest.setTimeout(120_000);

const harness = executorHarness();

/** A task that ignores SIGTERM (a shell as PID 1 has no default handler), so stopping it takes the whole grace period. */
const stubbornTask = (taskId: string) => dockerTask({ taskId, image: 'griddle/busybox:latest', command: 'while true; do sleep 0.2; done' });
const runningTask = (prefix: string, env: Record<string, string>) =>
  harness.runningTask(prefix, stubbornTask, { checkpoint: true, env: { EXECUTOR_GC_INTERVAL: '0', ...env } });

/**
 * Takes the agent away: `refusing` as a killed agent process (connections refused),
 * `answerless` as a hung or stopped one (a listener on its port that accepts and never answers).
 */
async function agentGone(agent: FakeExecutorAgent, how: 'refusing' | 'answerless'): Promise<void> {
  const port = agent.port;
  await agent.stop();
  if (how === 'refusing') return;
  const sockets: net.Socket[] = [];
  const server = net.createServer((s) => sockets.push(s));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  harness.onCleanup(() => new Promise<void>((resolve) => {
    for (const s of sockets) s.destroy();
    server.close(() => resolve());
  }));
}

/** Milliseconds until the executor exits, or null if it has not within `limitMs`. */
async function exitWithin(executor: ExecutorProcess, limitMs: number): Promise<{ ms: number; code: number | null } | null> {
  const since = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const code = await Promise.race([executor.exited, new Promise<'late'>((r) => (timer = setTimeout(() => r('late'), limitMs)))]);
  clearTimeout(timer);
  return code === 'late' ? null : { ms: Date.now() - since, code };
}

describe('griddle-executor without its agent', () => {
  // Grace: min(EXECUTOR_KILL_TASK_TIMEOUT, MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD - 1 s) = 2 s.
  const GRACE_MS = 2000;
  // The promise: SIGTERM ends the executor within the grace period and a few seconds.
  const BOUND_MS = GRACE_MS + 8000;

  it.each(['refusing', 'answerless'] as const)('on SIGTERM with its agent %s, stops the container and exits within the grace period plus a few seconds', async (how) => {
    const { taskId, agent, executor } = await runningTask(`term-${how}`, {
      EXECUTOR_KILL_TASK_TIMEOUT: '2s', MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD: '5secs', MESOS_RECOVERY_TIMEOUT: '15mins',
    });
    await agentGone(agent, how);
    await until(() => executor.output().includes('disconnected from the agent'), 'the executor to notice the agent is gone', 10_000);
    executor.child.kill('SIGTERM');
    const exit = await exitWithin(executor, BOUND_MS);
    expect(exit).not.toBeNull();
    expect(exit?.ms).toBeGreaterThanOrEqual(GRACE_MS - 200);
    expect(containerExists(containerName(taskId))).toBe(false);
  });

  it('on SIGTERM with its agent up, still reports TASK_KILLED and exits 0 once it is acknowledged', async () => {
    const { taskId, agent, executor } = await runningTask('term-up', { EXECUTOR_KILL_TASK_TIMEOUT: '2s' });
    executor.child.kill('SIGTERM');
    const exit = await exitWithin(executor, BOUND_MS);
    expect(exit?.code).toBe(0);
    expect(agent.updates.map((u) => u.state)).toEqual(['TASK_STARTING', 'TASK_RUNNING', 'TASK_KILLING', 'TASK_KILLED']);
    expect(containerExists(containerName(taskId))).toBe(false);
  });

  it.each(['refusing', 'answerless'] as const)('with its agent %s past MESOS_RECOVERY_TIMEOUT, kills its container and exits by itself', async (how) => {
    const { taskId, agent, executor } = await runningTask(`recover-${how}`, {
      MESOS_RECOVERY_TIMEOUT: '3secs', MESOS_SUBSCRIPTION_BACKOFF_MAX: '500ms', EXECUTOR_KILL_TASK_TIMEOUT: '1s',
    });
    await agentGone(agent, how);
    // 3 s of recovery, at most one more SUBSCRIBE attempt, the 1 s grace and the exit.
    const exit = await exitWithin(executor, 20_000);
    expect(exit?.code).toBe(1);
    expect(executor.output()).toContain('MESOS_RECOVERY_TIMEOUT');
    expect(containerExists(containerName(taskId))).toBe(false);
  });
});
