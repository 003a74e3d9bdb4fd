import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../../common';
import { startMesosLocal, type MesosLocal } from '../../mesos-local';
import { runScheduler, type RunningScheduler, type SchedulerCliOptions } from '../../scheduler/main';
import { ensureBuilt } from './kit';

/**
 * The end-to-end stack: mesos-local (process containerizer, so tasks run the real
 * griddle-executor and Docker) and griddle-scheduler with a fresh state directory.
 */
export interface E2eStack {
  local: MesosLocal;
  running: RunningScheduler;
  /** The scheduler's base URL (`http://127.0.0.1:<port>`). */
  api: string;
  /** The first of the 100 ports each agent offers (a test may map LITERAL host ports in it). */
  portBase: number;
  /** One API call (`path` from `/api`); the body parsed when there is one. */
  call(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }>;
  /** Stops both and removes the state directory and any container left of the requests. */
  stop(...requestIds: string[]): Promise<void>;
}

export async function startE2eStack(options: { agents: number; attributes?: string; portBase?: number; scheduler?: Partial<SchedulerCliOptions> }): Promise<E2eStack> {
  ensureBuilt();
  const quiet = createLogger('test', { destination: fs.createWriteStream('/dev/null') });
  const base = options.portBase ?? 21_000 + Math.floor(Math.random() * 90) * 100;
  const local = await startMesosLocal({
    port: 0, agents: options.agents, resources: `cpus:4;mem:8192;disk:20000;ports:[${base}-${base + 99}]`, attributes: options.attributes,
    containerizer: 'process', allocationIntervalMs: 100, log: quiet,
  });
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'griddle-e2e-state-'));
  process.env.GRIDDLE_LOG_LEVEL = 'warn';
  const running = await runScheduler({
    master: local.masterUrl, stateDir, port: 0, bind: '127.0.0.1', discoveryPort: 0, grpcPort: 0, contentType: 'json', insecureNoAuth: false, ...options.scheduler,
  });
  const address = running.server.address();
  const api = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    local, running, portBase: base, api,
    async call(method, p, body) {
      const init: RequestInit = { method };
      if (body !== undefined) Object.assign(init, { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const res = await fetch(api + p, init);
      const text = await res.text();
      return { status: res.status, json: text === '' ? undefined : JSON.parse(text) };
    },
    async stop(...requestIds: string[]) {
      await running.stop();
      await local.stop();
      for (const requestId of requestIds) {
        const left = execFileSync('docker', ['ps', '-a', '-q', '--filter', `label=griddle.request_id=${requestId}`]).toString().trim();
        if (left) execFileSync('docker', ['rm', '-f', ...left.split('\n')]);
      }
      fs.rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
