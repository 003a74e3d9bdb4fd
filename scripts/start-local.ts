/**
 * `npm start`: Griddle on one machine. Starts griddle-mesos-local (master :5050, 3 agents whose
 * tasks run the real griddle-executor and real Docker containers), waits for its master, then
 * starts griddle-scheduler (REST :7099) against it with the local state directory. Both log to
 * this terminal; Ctrl-C stops the scheduler first, then the cluster, leaving nothing behind.
 */
import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

const root = path.join(__dirname, '..', '..');
const masterPort = Number(process.env.GRIDDLE_MESOS_PORT ?? 5050);
const apiPort = Number(process.env.GRIDDLE_PORT ?? 7099);
const children: ChildProcess[] = [];
let stopping = false;

function start(name: string, script: string, args: string[]): ChildProcess {
  const child = spawn(process.execPath, [path.join(root, 'dist', script), ...args], { cwd: root, stdio: 'inherit' });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`[griddle] ${name} exited (${signal ?? code}); stopping the rest`);
      void stopAll(1);
    }
  });
  children.push(child);
  return child;
}

async function waitForHttp(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000}s`);
}

async function stopAll(code: number): Promise<void> {
  stopping = true;
  // Scheduler first, so it doesn't see the cluster vanish and start recovering.
  for (const child of [...children].reverse()) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    child.kill('SIGTERM');
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => { child.kill('SIGKILL'); resolve(); }, 15_000);
      child.once('exit', () => { clearTimeout(timer); resolve(); });
    });
  }
  process.exit(code);
}

async function main(): Promise<void> {
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));
  start('griddle-mesos-local', 'mesos-local/main.js', ['--port', String(masterPort), '--agents', '3', '--containerizer', 'process', '--work-dir', '.griddle/mesos']);
  await waitForHttp(`http://127.0.0.1:${masterPort}/state`, 30_000);
  start('griddle-scheduler', 'scheduler/main.js', ['--master', `http://127.0.0.1:${masterPort}`, '--state-dir', '.griddle/state', '--port', String(apiPort)]);
  await waitForHttp(`http://127.0.0.1:${apiPort}/healthz`, 30_000);
  console.error(`[griddle] ready: Mesos master http://127.0.0.1:${masterPort}, Griddle API http://127.0.0.1:${apiPort}/api, web console http://127.0.0.1:${apiPort}/ui (Ctrl-C stops everything)`);
}

main().catch((err: Error) => {
  console.error(`[griddle] ${err.message}`);
  void stopAll(1);
});
