import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, until } from '../test/support/kit';
import { spawnMesosLocal } from './bench-processes';

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
    // Port 0: mesos-local's agents listen on --port + 1 … + agents, which a free master port
    // does not make free on a host where other stacks run; it reports the port it bound.
    const apiPort = await freePort();
    const agents = Math.max(10, Math.ceil(options.tasks / 100));
    const mesosLocal = await spawnMesosLocal(agents, ['--resources', 'cpus:64;mem:65536;disk:100000;ports:[31000-31100]',
      '--allocation-interval', '100', '--work-dir', path.join(work, 'agents')]);
    children.push(mesosLocal.child);
    const master = mesosLocal.url;
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
