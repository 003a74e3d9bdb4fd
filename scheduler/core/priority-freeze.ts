import type { SingularityPriorityFreezeParent } from '../../contract';
import { isTerminalState } from '../../mesos-proto';
import type { RequestRecord, TaskRecord } from '../model';
import { DEFAULT_TASK_PRIORITY } from '../placement';
import { deployKey, type PlannedKill, type PlannedLaunch } from './reconcile-plan';

/** Where the freeze is kept: one record in the `framework` collection. */
export const PRIORITY_FREEZE_ID = 'priority-freeze';

export function priorityOf(request: RequestRecord | undefined): number {
  return request?.request.taskPriorityLevel ?? DEFAULT_TASK_PRIORITY;
}

/**
 * Singularity's priority freeze, applied to a plan: requests below `minimumPriorityLevel` get
 * no new tasks (their launches are held with a reason), and with `killTasks` their live tasks
 * are killed. Pure.
 */
export function applyPriorityFreeze(
  launches: readonly PlannedLaunch[],
  tasks: Iterable<TaskRecord>,
  requests: ReadonlyMap<string, RequestRecord>,
  freeze: SingularityPriorityFreezeParent | null,
): { launches: PlannedLaunch[]; held: Map<string, string>; kills: PlannedKill[] } {
  if (!freeze) return { launches: [...launches], held: new Map(), kills: [] };
  const min = freeze.priorityFreeze.minimumPriorityLevel;
  const below = (requestId: string): boolean => priorityOf(requests.get(requestId)) < min;
  const why = (requestId: string): string => `priority freeze: taskPriorityLevel ${priorityOf(requests.get(requestId))} < minimumPriorityLevel ${min}${freeze.priorityFreeze.message ? ` (${freeze.priorityFreeze.message})` : ''}`;
  const held = new Map<string, string>();
  const kept: PlannedLaunch[] = [];
  for (const l of launches) {
    if (below(l.requestId)) held.set(deployKey(l.requestId, l.deployId), why(l.requestId));
    else kept.push(l);
  }
  const kills: PlannedKill[] = [];
  if (freeze.priorityFreeze.killTasks) {
    for (const t of tasks) {
      if (!isTerminalState(t.state) && t.killRequestedAt === undefined && below(t.requestId)) kills.push({ taskId: t.taskId, reason: why(t.requestId) });
    }
  }
  return { launches: kept, held, kills };
}
