/**
 * Spawning griddle-executor against a fake agent for the fault-tolerance tests, with the
 * cleanup of every agent, executor and container they start after each test.
 */
import { containerName } from '../../../executor/container-spec';
import type { TaskInfo } from '../../../mesos-proto';
import { FakeExecutorAgent } from '../../support/fake-executor-agent';
import { spawnExecutor, type ExecutorProcess } from '../../support/executor-process';
import { removeContainers, uniqueId } from '../../support/executor-tasks';

const FRAMEWORK = 'griddle-test-fw';

export interface Started {
  taskId: string;
  agent: FakeExecutorAgent;
  executor: ExecutorProcess;
}

export function executorHarness(): {
  start(taskId: string, opts?: { checkpoint?: boolean; env?: Record<string, string> }): Promise<Started>;
  runningTask(prefix: string, task: (taskId: string) => TaskInfo, opts?: { checkpoint?: boolean; env?: Record<string, string> }): Promise<Started>;
  onCleanup(fn: () => Promise<void> | void): void;
} {
  const cleanups: (() => Promise<void> | void)[] = [];
  const containers: string[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
    removeContainers(containers.splice(0));
  });
  const start = async (taskId: string, opts: { checkpoint?: boolean; env?: Record<string, string> } = {}) => {
    const executorId = `${taskId}-executor`;
    const agent = new FakeExecutorAgent({ frameworkId: FRAMEWORK, executorId });
    await agent.start();
    const executor = spawnExecutor({ endpoint: agent.endpoint, frameworkId: FRAMEWORK, executorId, agentId: agent.agentId, ...opts });
    containers.push(containerName(taskId));
    cleanups.push(() => agent.stop(), () => executor.stop());
    return { taskId, agent, executor };
  };
  return {
    start,
    async runningTask(prefix, task, opts) {
      const started = await start(uniqueId(prefix), opts);
      started.agent.launch(task(started.taskId));
      await started.agent.waitForState('TASK_RUNNING');
      return started;
    },
    onCleanup: (fn) => cleanups.push(fn),
  };
}
