/**
 * The executor's Mesos-side life: one task per executor, checkpointed resubscribe with its
 * unacknowledged updates, exit on disconnect without checkpointing, SHUTDOWN and SIGTERM,
 * --gc after kill -9, and adopting or removing a leftover container of its own task.
 */
import { execFileSync } from 'node:child_process';
import { containerName } from '../../../executor/container-spec';
import { FakeExecutorAgent } from '../../support/fake-executor-agent';
import { EXECUTOR_MAIN, spawnExecutor, type ExecutorProcess } from '../../support/executor-process';
import { containerExists, dockerTask, removeContainers, uniqueId } from '../../support/executor-tasks';

jest.setTimeout(120_000);

const FRAMEWORK = 'griddle-test-fw';
const cleanups: (() => Promise<void> | void)[] = [];
const containers: string[] = [];

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  removeContainers(containers.splice(0));
});

async function start(taskId: string, opts: { checkpoint?: boolean; acknowledge?: boolean; env?: Record<string, string> } = {}): Promise<{ agent: FakeExecutorAgent; executor: ExecutorProcess }> {
  const executorId = `${taskId}-executor`;
  const agent = new FakeExecutorAgent({ frameworkId: FRAMEWORK, executorId, acknowledge: opts.acknowledge });
  await agent.start();
  const executor = spawnExecutor({ endpoint: agent.endpoint, frameworkId: FRAMEWORK, executorId, agentId: agent.agentId, checkpoint: opts.checkpoint, env: opts.env });
  containers.push(containerName(taskId));
  cleanups.push(() => agent.stop(), () => executor.stop());
  return { agent, executor };
}

const sleepTask = (taskId: string) => dockerTask({ taskId, image: 'griddle/busybox:latest', command: 'trap "exit 0" TERM; while true; do sleep 0.2; done' });

describe('griddle-executor lifecycle', () => {
  it('answers a second LAUNCH with TASK_FAILED saying it runs one task', async () => {
    const taskId = uniqueId('one');
    const { agent } = await start(taskId);
    agent.launch(sleepTask(taskId));
    await agent.waitForState('TASK_RUNNING');
    const second = uniqueId('two');
    agent.launch(sleepTask(second));
    await agent.waitFor((u) => u.some((s) => s.task_id.value === second), 'second task update');
    const answer = agent.updates.find((s) => s.task_id.value === second);
    expect(answer?.state).toBe('TASK_FAILED');
    expect(answer?.message).toMatch(/one task per executor/);
    expect(containerExists(containerName(second))).toBe(false);
    agent.kill(taskId);
    await agent.waitForState('TASK_KILLED');
  });

  it('resubscribes after the agent restarts, resending its unacknowledged task and updates', async () => {
    const taskId = uniqueId('ckpt');
    const { agent, executor } = await start(taskId, { checkpoint: true, acknowledge: false });
    agent.launch(sleepTask(taskId));
    await agent.waitForState('TASK_RUNNING');
    const sent = agent.updates.map((u) => u.uuid);
    const port = agent.port;
    await agent.stop();
    await new Promise((r) => setTimeout(r, 1500));
    agent.acknowledge = true;
    await agent.start(port);
    await agent.waitFor(() => agent.subscribes.length === 2, 'the resubscription', 30_000);
    const resub = agent.subscribes[1].subscribe;
    expect(resub?.unacknowledged_updates?.map((u) => u.status.uuid)).toEqual(sent);
    expect(resub?.unacknowledged_tasks?.map((t) => t.task_id.value)).toEqual([taskId]);
    expect(containerExists(containerName(taskId))).toBe(true);
    agent.kill(taskId);
    await agent.waitForState('TASK_KILLED');
    expect(await executor.exited).toBe(0);
    expect(containerExists(containerName(taskId))).toBe(false);
  });

  it('exits on disconnect without checkpointing, stopping its container', async () => {
    const taskId = uniqueId('nockpt');
    const { agent, executor } = await start(taskId, { checkpoint: false });
    agent.launch(sleepTask(taskId));
    await agent.waitForState('TASK_RUNNING');
    await agent.stop();
    expect(await executor.exited).toBe(1);
    expect(executor.output()).toContain('checkpointing is off');
    expect(containerExists(containerName(taskId))).toBe(false);
  });

  it('takes a silent agent stream for a dead connection: resubscribes with checkpointing, exits without', async () => {
    // Heartbeats every second: the watchdog fires after 5 s of silence. The fake agent keeps
    // the connection open but sends HEARTBEAT only while `beating`.
    const env = { EXECUTOR_AGENT_HEARTBEAT_INTERVAL: '1s' };
    const taskId = uniqueId('silent');
    const { agent, executor } = await start(taskId, { checkpoint: true, env });
    agent.launch(sleepTask(taskId));
    await agent.waitForState('TASK_RUNNING');
    const beats = setInterval(() => agent.send({ type: 'HEARTBEAT' }), 500);
    await new Promise((r) => setTimeout(r, 7_000));
    clearInterval(beats);
    expect(agent.subscribes).toHaveLength(1);
    await agent.waitFor(() => agent.subscribes.length === 2, 'the resubscription after silence', 30_000);
    expect(executor.output()).toContain('heartbeat intervals');
    expect(containerExists(containerName(taskId))).toBe(true);
    agent.kill(taskId);
    await agent.waitForState('TASK_KILLED');
    expect(await executor.exited).toBe(0);

    const other = uniqueId('silent-nockpt');
    const second = await start(other, { checkpoint: false, env });
    second.agent.launch(sleepTask(other));
    await second.agent.waitForState('TASK_RUNNING');
    expect(await second.executor.exited).toBe(1);
    expect(second.executor.output()).toContain('checkpointing is off');
    expect(containerExists(containerName(other))).toBe(false);
  });

  it.each(['SHUTDOWN', 'SIGTERM'] as const)('on %s stops the container within the grace period, reports TASK_KILLED and exits', async (how) => {
    const taskId = uniqueId(how.toLowerCase());
    const { agent, executor } = await start(taskId);
    agent.launch(sleepTask(taskId));
    await agent.waitForState('TASK_RUNNING');
    if (how === 'SHUTDOWN') agent.send({ type: 'SHUTDOWN' });
    else executor.child.kill('SIGTERM');
    await agent.waitForState('TASK_KILLED');
    expect(await executor.exited).toBe(0);
    expect(containerExists(containerName(taskId))).toBe(false);
  });

  it('leaves its container after kill -9, and --gc removes it', async () => {
    const taskId = uniqueId('orphan');
    const { agent, executor } = await start(taskId);
    agent.launch(sleepTask(taskId));
    await agent.waitForState('TASK_RUNNING');
    executor.child.kill('SIGKILL');
    await executor.exited;
    expect(containerExists(containerName(taskId))).toBe(true);
    const out = execFileSync(process.execPath, [EXECUTOR_MAIN, '--gc'], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', GRIDDLE_LOG_JSON: '1' } });
    expect(out).toContain(containerName(taskId));
    expect(containerExists(containerName(taskId))).toBe(false);
  });

  it('adopts the running container of its task when restarted with the same executor id', async () => {
    const taskId = uniqueId('adopt');
    const first = await start(taskId);
    first.agent.launch(sleepTask(taskId));
    await first.agent.waitForState('TASK_RUNNING');
    const id = execFileSync('docker', ['inspect', '-f', '{{.Id}}', containerName(taskId)], { encoding: 'utf8' }).trim();
    first.executor.child.kill('SIGKILL');
    await first.executor.exited;

    const second = await start(taskId);
    second.agent.launch(sleepTask(taskId));
    await second.agent.waitForState('TASK_RUNNING');
    expect(execFileSync('docker', ['inspect', '-f', '{{.Id}}', containerName(taskId)], { encoding: 'utf8' }).trim()).toBe(id);
    expect(second.executor.output()).toContain('adopting the running container of this task');
    second.agent.kill(taskId);
    await second.agent.waitForState('TASK_KILLED');
    expect(containerExists(containerName(taskId))).toBe(false);
  });

  it('removes a leftover container of its own task that another executor created, then starts its own', async () => {
    const taskId = uniqueId('leftover');
    const name = containerName(taskId);
    containers.push(name);
    const old = execFileSync('docker', ['run', '-d', '--name', name, '--label', `griddle.task_id=${taskId}`, '--label', 'griddle.executor_id=someone-else',
      'griddle/busybox:latest', 'sleep', '300'], { encoding: 'utf8' }).trim();
    const { agent } = await start(taskId);
    agent.launch(sleepTask(taskId));
    await agent.waitForState('TASK_RUNNING');
    const now = execFileSync('docker', ['inspect', '-f', '{{.Id}}', name], { encoding: 'utf8' }).trim();
    expect(now).not.toBe(old);
    agent.kill(taskId);
    await agent.waitForState('TASK_KILLED');
  });
});
