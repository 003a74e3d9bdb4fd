/**
 * The orphan sweep against real Docker: a SIGKILLed executor's container is removed by the next
 * executor that starts, by a running executor's timer, and by `--gc`, while the container of a
 * live executor stays; sweeps that race over one orphan both succeed.
 */
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import pino from 'pino';
import { containerName } from '../../../executor/container-spec';
import { connectDocker } from '../../../executor/docker-engine';
import { collectGarbage } from '../../../executor/gc';
import { EXECUTOR_MAIN, type ExecutorProcess } from '../../support/executor-process';
import { containerExists, dockerTask, uniqueId } from '../../support/executor-tasks';
import { until } from '../../support/kit';
import { executorHarness } from './executor-harness';

jest.setTimeout(120_000);

const harness = executorHarness();
const sleepTask = (taskId: string) => dockerTask({ taskId, image: 'griddle/busybox:latest', command: 'trap "exit 0" TERM; while true; do sleep 0.2; done' });
const runningTask = (prefix: string, env: Record<string, string> = {}) => harness.runningTask(prefix, sleepTask, { env });

/** A running task whose executor was SIGKILLed: its container is an orphan. */
async function orphan(prefix: string): Promise<string> {
  const { taskId, executor } = await runningTask(prefix, { EXECUTOR_GC_INTERVAL: '0' });
  executor.child.kill('SIGKILL');
  await executor.exited;
  expect(containerExists(containerName(taskId))).toBe(true);
  return containerName(taskId);
}

const alive = (e: ExecutorProcess) => e.child.exitCode === null && e.child.signalCode === null;

describe('orphan sweep', () => {
  it('labels the container with its executor process start time', async () => {
    const { taskId, executor } = await runningTask('labels');
    const label = execFileSync('docker', ['inspect', '-f', '{{index .Config.Labels "griddle.executor_start_time"}}', containerName(taskId)], { encoding: 'utf8' }).trim();
    const stat = execFileSync('cat', [`/proc/${executor.child.pid}/stat`], { encoding: 'utf8' });
    expect(label).toBe(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
  });

  it('removes the container of a SIGKILLed executor when another executor starts, and keeps a live executor\'s container', async () => {
    const live = await runningTask('live', { EXECUTOR_GC_INTERVAL: '0' });
    const orphaned = await orphan('killed');
    const next = await harness.start(uniqueId('next'));
    await until(() => !containerExists(orphaned), `${orphaned} removed`, 30_000);
    // The log line may reach the pipe a moment after Docker has removed the container.
    await until(() => next.executor.output().includes(orphaned), 'the starting executor to log the removal', 5_000);
    expect(containerExists(containerName(live.taskId))).toBe(true);
    expect(alive(live.executor)).toBe(true);
    live.agent.kill(live.taskId);
    await live.agent.waitForState('TASK_KILLED');
  });

  it('removes it from a running executor\'s timer (EXECUTOR_GC_INTERVAL), never touching that executor\'s own container', async () => {
    const sweeper = await runningTask('timer', { EXECUTOR_GC_INTERVAL: '1s' });
    const orphaned = await orphan('killed-t');
    await until(() => !containerExists(orphaned), `${orphaned} removed`, 30_000);
    await until(() => sweeper.executor.output().includes(orphaned), 'the running executor to log the removal', 5_000);
    expect(containerExists(containerName(sweeper.taskId))).toBe(true);
    expect(sweeper.agent.updates.map((u) => u.state)).toEqual(['TASK_STARTING', 'TASK_RUNNING']);
  });

  it('lets two sweeps race over the same orphans: both succeed, warn about nothing, and the orphans are gone', async () => {
    const orphans = [await orphan('race-a'), await orphan('race-b')];
    const lines: { level: number; msg: string }[] = [];
    const log = pino({ level: 'debug' }, { write: (s: string) => lines.push(JSON.parse(s) as { level: number; msg: string }) });
    const docker = connectDocker();
    const [a, b] = await Promise.all([collectGarbage(docker, log, { keepFailed: false }), collectGarbage(docker, log, { keepFailed: false })]);
    expect(lines.filter((l) => l.level > 30)).toEqual([]);
    for (const name of orphans) {
      expect(containerExists(name)).toBe(false);
      // Any executor on this host may sweep too (its start sweep or timer), so the orphan may
      // be gone before either of these two gets to it; what matters is that no one removed it
      // twice and that losing the race is not an error.
      expect([...a.removed, ...b.removed].filter((n) => n === name).length).toBeLessThanOrEqual(1);
    }
  });

  it('lets two `--gc` processes race: both exit 0 without a warning', async () => {
    const orphaned = await orphan('race-gc');
    const gc = () => promisify(execFile)(process.execPath, [EXECUTOR_MAIN, '--gc'], { env: { PATH: process.env.PATH ?? '', GRIDDLE_LOG_JSON: '1' } });
    const results = await Promise.all([gc(), gc()]);
    expect(containerExists(orphaned)).toBe(false);
    for (const { stdout } of results) {
      const levels = stdout.split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { level: number }).level);
      expect(levels.filter((l) => l > 30)).toEqual([]);
    }
    expect(results.map((r) => r.stdout).join('')).toContain(orphaned);
  });
});
