import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, until } from '../test/support/kit';

/**
 * The benchmarks' cluster: griddle-mesos-local with the simulated containerizer (no process
 * per task) and a real griddle-scheduler, each in its own process from dist/, loaded with
 * `requests` SERVICE requests whose tasks add up to `tasks`, all running.
 */
export interface SimulatedCluster {
  api: string;
  agents: number;
  running: number;
  rampToAllRunningSeconds: number;
  /** Adds a process to stop with the cluster (a baseline server). */
  adopt(child: ChildProcess): void;
  stop(): Promise<void>;
  kill(): void;
}

const DIST = path.resolve(__dirname, '..');
/** Servers still starting refuse connections: those probes are retried. */
const POLL = { intervalMs: 250, retryErrors: true };

async function post(url: string, body: unknown): Promise<void> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`POST ${url} → ${res.status} ${await res.text()}`);
}

export async function startSimulatedCluster(options: { tasks: number; requests: number; idPrefix: string }): Promise<SimulatedCluster> {
  const children: ChildProcess[] = [];
  const start = (args: string[]): void => {
    children.push(spawn(process.execPath, args, { env: { ...process.env, GRIDDLE_LOG_LEVEL: 'error', GRIDDLE_LOG_JSON: '1' }, stdio: ['ignore', 'ignore', 'inherit'] }));
  };
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'griddle-bench-'));
  const kill = (): void => children.forEach((c) => c.kill('SIGKILL'));
  try {
    const perRequest = Math.ceil(options.tasks / options.requests);
    // Free ports, not a random pick in a range: other worktrees run these benchmarks on this host too.
    const masterPort = await freePort();
    const apiPort = await freePort();
    const agents = Math.max(10, Math.ceil(options.tasks / 100));
    start([path.join(DIST, 'mesos-local', 'main.js'), '--port', String(masterPort), '--agents', String(agents), '--containerizer', 'simulated',
      '--resources', 'cpus:64;mem:65536;disk:100000;ports:[31000-31100]', '--allocation-interval', '100', '--work-dir', path.join(work, 'agents')]);
    const master = `http://127.0.0.1:${masterPort}`;
    await until(async () => (await fetch(`${master}/master/state`)).ok, 'mesos-local', 60_000, POLL);
    start([path.join(DIST, 'scheduler', 'main.js'), '--master', master, '--state-dir', path.join(work, 'state'), '--port', String(apiPort), '--discovery-port', '0', '--grpc-port', '0']);
    const api = `http://127.0.0.1:${apiPort}`;
    await until(async () => (await fetch(`${api}/healthz`)).ok, 'griddle-scheduler', 60_000, POLL);

    const startedAt = Date.now();
    const width = Math.max(3, String(options.requests - 1).length);
    for (let i = 0; i < options.requests; i++) {
      const id = `${options.idPrefix}${String(i).padStart(width, '0')}`;
      await post(`${api}/api/requests`, { id, requestType: 'SERVICE', instances: perRequest });
      await post(`${api}/api/deploys`, {
        deploy: { requestId: id, id: 'v1', resources: { cpus: 0.01, memoryMb: 1, numPorts: 0 }, containerInfo: { type: 'DOCKER', docker: { image: `bench/${id}:1` } } },
      });
    }
    const running = await until(async () => {
      const state = (await (await fetch(`${api}/api/state`)).json()) as { activeTasks: number };
      return state.activeTasks >= options.requests * perRequest ? state.activeTasks : undefined;
    }, 'all tasks running', 900_000, POLL);
    return {
      api, agents, running, rampToAllRunningSeconds: (Date.now() - startedAt) / 1000,
      adopt: (child) => void children.push(child),
      kill,
      async stop() {
        for (const c of children) c.kill('SIGTERM');
        await new Promise((r) => setTimeout(r, 1000));
        fs.rmSync(work, { recursive: true, force: true });
      },
    };
  } catch (err) {
    kill();
    throw err;
  }
}
