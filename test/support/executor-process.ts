/** Spawns the built griddle-executor (`dist/executor/main.js`) as an agent would, for integration tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureBuilt, REPO_ROOT } from './kit';

export const EXECUTOR_MAIN = path.join(REPO_ROOT, 'dist', 'executor', 'main.js');

export interface ExecutorProcess {
  child: ChildProcess;
  sandbox: string;
  /** Everything the executor printed (its log and, when its stdout is not the sandbox, nothing else). */
  output(): string;
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

export function spawnExecutor(opts: {
  endpoint: string;
  frameworkId: string;
  executorId: string;
  agentId: string;
  checkpoint?: boolean;
  env?: Record<string, string>;
}): ExecutorProcess {
  ensureBuilt();
  const sandbox = fs.mkdtempSync(path.join(os.tmpdir(), 'griddle-sandbox-'));
  const child = spawn(process.execPath, [EXECUTOR_MAIN], {
    cwd: sandbox,
    env: {
      PATH: process.env.PATH ?? '',
      GRIDDLE_LOG_JSON: '1',
      MESOS_AGENT_ENDPOINT: opts.endpoint,
      MESOS_FRAMEWORK_ID: opts.frameworkId,
      MESOS_EXECUTOR_ID: opts.executorId,
      MESOS_SLAVE_ID: opts.agentId,
      MESOS_DIRECTORY: sandbox,
      MESOS_SANDBOX: sandbox,
      MESOS_CHECKPOINT: opts.checkpoint ? '1' : '0',
      ...(opts.checkpoint ? { MESOS_RECOVERY_TIMEOUT: '1mins', MESOS_SUBSCRIPTION_BACKOFF_MAX: '500ms' } : {}),
      MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD: '5secs',
      EXECUTOR_TERMINAL_ACK_TIMEOUT: '3s',
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout?.on('data', (d: Buffer) => (text += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (text += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    sandbox,
    output: () => text,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
      fs.rmSync(sandbox, { recursive: true, force: true });
    },
  };
}
