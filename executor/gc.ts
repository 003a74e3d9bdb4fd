/**
 * `griddle-executor --gc`: removes Griddle containers whose executor process is gone (an
 * executor killed with SIGKILL cannot clean up after itself).
 */
import fs from 'node:fs';
import type Docker from 'dockerode';
import type { Logger } from '../common';
import { LABEL_EXECUTOR_ID, LABEL_EXECUTOR_PID, LABEL_TASK_ID } from './container-spec';

/** True when `pid` is alive and is the executor of `executorId` (pids get reused). */
export function executorAlive(pid: number, executorId: string, procRoot = '/proc'): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  let environ: string;
  try {
    environ = fs.readFileSync(`${procRoot}/${pid}/environ`, 'latin1');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // Another user's process: it exists, and we cannot tell whose it is; keep its container.
    return code === 'EACCES' || code === 'EPERM';
  }
  return environ.split('\0').includes(`MESOS_EXECUTOR_ID=${executorId}`);
}

export interface GcResult {
  removed: string[];
  kept: string[];
}

export async function collectGarbage(docker: Docker, log: Logger, opts: { keepFailed: boolean }): Promise<GcResult> {
  const containers = await docker.listContainers({ all: true, filters: { label: [LABEL_TASK_ID] } });
  const result: GcResult = { removed: [], kept: [] };
  for (const c of containers) {
    const name = c.Names[0]?.replace(/^\//, '') ?? c.Id;
    const executorId = c.Labels[LABEL_EXECUTOR_ID] ?? '';
    const pid = Number(c.Labels[LABEL_EXECUTOR_PID]);
    if (executorAlive(pid, executorId)) {
      result.kept.push(name);
      continue;
    }
    if (opts.keepFailed && c.State === 'exited' && !/Exited \(0\)/.test(c.Status)) {
      result.kept.push(name);
      continue;
    }
    try {
      await docker.getContainer(c.Id).remove({ force: true });
      result.removed.push(name);
      log.info({ container: name, executorId, taskId: c.Labels[LABEL_TASK_ID] }, 'removed container of a gone executor');
    } catch (err) {
      log.warn({ container: name, cause: (err as Error).message }, 'cannot remove container');
    }
  }
  return result;
}
