/**
 * The griddle-mesos-local binary (dist/mesos-local/main.js, built by `npm run build`): it logs
 * the master URL and agent endpoints, serves Mesos, refuses bad flags naming them, and on
 * SIGTERM exits 0 leaving no executor process behind.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import readline from 'node:readline';
import { built } from '../../support/kit';
import { TestScheduler } from '../../support/mesos-test-scheduler';

const MAIN = built('mesos-local/main.js');
const EXECUTOR = path.join(__dirname, '..', '..', 'support', 'tiny-executor.js');

function pgrep(marker: string): number[] {
  try {
    return execFileSync('pgrep', ['-f', marker]).toString().split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

describe('griddle-mesos-local', () => {
  let child: ChildProcess | null = null;

  afterEach(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
  });

  it('prints the master URL and agents, and SIGTERM leaves no executor behind', async () => {
    child = spawn(process.execPath, [MAIN, '--port', '0', '--agents', '2', '--attributes', 'rack:r1'], { env: { ...process.env, GRIDDLE_LOG_JSON: '1' }, stdio: ['ignore', 'pipe', 'inherit'] });
    const lines: Record<string, unknown>[] = [];
    const masterUrl = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no master line')), 30_000);
      readline.createInterface({ input: child!.stdout! }).on('line', (line) => {
        const entry = JSON.parse(line) as Record<string, unknown>;
        lines.push(entry);
        if (typeof entry.msg === 'string' && entry.msg.startsWith('master: ')) {
          clearTimeout(timer);
          resolve(entry.masterUrl as string);
        }
      });
    });
    expect(masterUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await new Promise((r) => setTimeout(r, 100));
    const agentLines = lines.filter((l) => typeof l.msg === 'string' && l.msg.startsWith('agent ') && l.endpoint !== undefined);
    expect(agentLines).toHaveLength(2);
    for (const l of agentLines) expect(l.endpoint).toMatch(/^127\.0\.0\.1:\d+$/);

    const marker = `marker-${randomUUID()}`;
    const scheduler = await TestScheduler.subscribe(masterUrl);
    scheduler.autoAcknowledge = true;
    const offer = (await scheduler.takeOffers()).offers!.offers![0];
    expect(offer.attributes).toEqual([{ name: 'rack', type: 'TEXT', text: { value: 'r1' } }]);
    await scheduler.call({ type: 'ACCEPT', accept: { offer_ids: [offer.id], operations: [{ type: 'LAUNCH', launch: { task_infos: [{
      name: 'cli', task_id: { value: 'cli-task' }, agent_id: offer.agent_id, resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 0.1 } }],
      executor: { executor_id: { value: 'cli-exec' }, command: { value: `exec node ${EXECUTOR} ${marker}` } },
    }] } }] } });
    await scheduler.waitForUpdate('cli-task', 'TASK_RUNNING');
    expect(pgrep(marker)).toHaveLength(1);
    scheduler.close();

    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(pgrep(marker)).toEqual([]);
  });

  it('refuses a bad flag with a message naming it', () => {
    let message = '';
    try {
      execFileSync(process.execPath, [MAIN, '--agents', 'many'], { stdio: 'pipe' });
    } catch (err) {
      message = String((err as { stderr: Buffer }).stderr);
    }
    expect(message).toMatch(/--agents must be an integer >= 0, got 'many'/);
  });
});
