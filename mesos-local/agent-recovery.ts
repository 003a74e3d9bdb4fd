/**
 * What a newly elected master learns from an agent that re-registers with it: the tasks the
 * agent runs (and those ended whose terminal update is not acknowledged yet) and their frameworks. As in Mesos, those frameworks are "recovered" (known, not
 * connected) until they re-subscribe with their ids; their tasks keep running meanwhile.
 */
import { isTerminalState } from '../mesos-proto';
import { hasCapability } from './framework-info';
import type { MasterAgent, MasterFramework, ReportedTask } from './master-model';
import type { MasterState } from './master-state';

export function recoverReportedTasks(state: MasterState, agent: MasterAgent, reported: readonly ReportedTask[]): void {
  const now = state.timers.now();
  for (const r of reported) {
    // A terminal task is still reported while its terminal update waits for the framework's
    // acknowledgement (Mesos's agent reports it too); the master keeps it until then.
    const framework = recoveredFramework(state, r, now);
    if (!framework) continue;
    const taskId = r.task.task_id.value;
    if (framework.tasks.has(taskId)) continue;
    const statuses = [...(r.statuses ?? [])];
    // Health as the agent last saw it: a new master must not report a healthy task as unknown.
    const healthy = [...statuses].reverse().find((s) => s.healthy !== undefined)?.healthy;
    framework.tasks.set(taskId, {
      info: r.task, frameworkId: framework.id, agentId: agent.id, executorId: r.executor?.executor_id.value,
      state: r.state, statusUpdateState: r.state, statuses, resourcesRecovered: isTerminalState(r.state), ...(healthy !== undefined ? { healthy } : {}),
    });
    agent.tasks.add(`${framework.id}/${taskId}`);
    if (r.executor) {
      const key = `${framework.id}/${r.executor.executor_id.value}`;
      if (!agent.executors.has(key)) agent.executors.set(key, { frameworkId: framework.id, info: r.executor });
    }
  }
}

function recoveredFramework(state: MasterState, r: ReportedTask, now: number): MasterFramework | undefined {
  const existing = state.frameworks.get(r.frameworkId);
  if (existing) return existing;
  // Without its FrameworkInfo the master cannot know the framework (Mesos agents always send it).
  if (!r.framework) return undefined;
  const framework: MasterFramework = {
    id: r.frameworkId, info: { ...r.framework, id: { value: r.frameworkId } }, connection: null,
    partitionAware: hasCapability(r.framework, 'PARTITION_AWARE'),
    tasks: new Map(), unreachableTasks: new Map(), completedTasks: [], offers: new Set(), registeredTime: now, recovered: true,
  };
  state.frameworks.set(framework.id, framework);
  state.log.info({ frameworkId: framework.id }, 'framework recovered from a re-registering agent');
  return framework;
}
