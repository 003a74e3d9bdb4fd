import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { built } from '../../support/kit';

export interface HealthzAnswer { role: 'leader' | 'standby'; frameworkId: string | null; subscribed: boolean; leader: string | null }

/** A griddle-scheduler process (dist/scheduler/main.js) on an ephemeral port. */
export class SchedulerProcess {
  private constructor(readonly child: ChildProcess, readonly url: string) {}

  static async start(args: string[], env: NodeJS.ProcessEnv = {}): Promise<SchedulerProcess> {
    const child = spawn(process.execPath, [built('scheduler/main.js'), '--port', '0', '--discovery-port', '0', '--grpc-port', '0', ...args], {
      env: { ...process.env, GRIDDLE_LOG_JSON: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    // GRIDDLE_TEST_LOG_DIR keeps each process's log lines for a post-mortem.
    if (process.env.GRIDDLE_TEST_LOG_DIR) child.stdout!.pipe(fs.createWriteStream(path.join(process.env.GRIDDLE_TEST_LOG_DIR, `scheduler-${child.pid}.log`)));
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => { stderr += c.toString(); });
    const url = await new Promise<string>((resolve, reject) => {
      let buffered = '';
      const onData = (chunk: Buffer): void => {
        buffered += chunk.toString();
        for (const line of buffered.split('\n').slice(0, -1)) {
          if (!line.includes('griddle-scheduler started')) continue;
          const { api } = JSON.parse(line) as { api: string };
          child.stdout!.off('data', onData);
          child.stdout!.resume();
          resolve(api);
        }
        buffered = buffered.slice(buffered.lastIndexOf('\n') + 1);
      };
      child.stdout!.on('data', onData);
      child.once('exit', (code) => reject(new Error(`griddle-scheduler exited ${code}: ${stderr}`)));
    });
    return new SchedulerProcess(child, url);
  }

  async healthz(): Promise<HealthzAnswer | null> {
    try {
      return await (await fetch(`${this.url}/healthz`)).json() as HealthzAnswer;
    } catch {
      return null;
    }
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  async kill(signal: NodeJS.Signals): Promise<void> {
    if (!this.alive) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill(signal);
    await exited;
  }
}
