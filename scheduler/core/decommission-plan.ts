import type { DeployRecord, RequestRecord, TaskRecord } from '../model';

/** A kill the rule plans (the reconcile plan's PlannedKill; not imported, which would make a cycle). */
export interface RetireKill { taskId: string; reason: string }

/** Which agents are being emptied, and what counts as a healthy replacement. */
export interface Replacement {
  /** Agent ids whose tasks are replaced elsewhere (decommissioning agents, or agents of a decommissioning rack). */
  replaceOn: ReadonlySet<string>;
  isHealthy: (task: TaskRecord) => boolean;
}

/**
 * One deploy's counted tasks with some on agents being emptied: those elsewhere count as its
 * instances (so the plan launches the missing ones elsewhere), and an old task is retired only
 * once enough healthy tasks run elsewhere that the deploy keeps `want` healthy instances without
 * it — the way a deploy step retires old tasks, so capacity never drops. Pure.
 */
export function splitForReplacement(running: readonly TaskRecord[], want: number, r: Replacement): { staying: TaskRecord[]; retire: RetireKill[] } {
  const staying: TaskRecord[] = [];
  const leaving: TaskRecord[] = [];
  for (const t of running) (r.replaceOn.has(t.agentId) ? leaving : staying).push(t);
  if (leaving.length === 0) return { staying, retire: [] };
  const healthyElsewhere = staying.filter(r.isHealthy).length;
  const keep = Math.max(0, want - healthyElsewhere);
  // Healthy old tasks are the ones still serving: they are kept longest.
  const byValue = [...leaving].sort((a, b) => Number(r.isHealthy(b)) - Number(r.isHealthy(a)) || a.startedAt - b.startedAt);
  const retire = byValue.slice(keep).map((t) => ({
    taskId: t.taskId,
    reason: `agent ${t.hostname} is decommissioning: ${healthyElsewhere} healthy instance(s) of ${t.requestId} run elsewhere`,
  }));
  return { staying, retire };
}

/**
 * Whether a task counts as a healthy replacement: RUNNING, not being killed, and healthy by its
 * deploy's health check when it has one (or running long enough when the deploy asks for that).
 * The same test the deploy engine applies to a step's new tasks.
 */
export function isHealthyReplacement(t: TaskRecord, request: RequestRecord | undefined, deploy: DeployRecord | undefined, now: number): boolean {
  if (t.state !== 'TASK_RUNNING' || t.killRequestedAt !== undefined) return false;
  const d = deploy?.deploy;
  if (d?.healthcheck !== undefined && !d.skipHealthchecksOnDeploy && !request?.request.skipHealthchecks) return t.healthy === true;
  if (t.healthy === false) return false;
  const after = d?.considerHealthyAfterRunningForSeconds;
  return !after || (t.runningSince !== undefined && now - t.runningSince >= after * 1000);
}
