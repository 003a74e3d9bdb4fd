/** The agent's `/state` in Mesos's shape, the parts tools read (executors' sandbox directories, completed executors). */
import { attributeText, resourcesToStateJson } from '../mesos-proto';
import type { AgentState, AgentTask, RunningExecutor } from './agent-state';
import { MESOS_VERSION } from './master-info';

export function agentStateJson(state: AgentState): Record<string, unknown> {
  const taskJson = (t: AgentTask): Record<string, unknown> => ({
    id: t.info.task_id.value, name: t.info.name, framework_id: t.frameworkId, executor_id: t.info.executor?.executor_id.value ?? '',
    slave_id: state.id, state: t.state, resources: resourcesToStateJson(t.info.resources ?? []),
  });
  const executorJson = (e: RunningExecutor): Record<string, unknown> => {
    const live = [...e.taskIds].map((t) => state.tasks.get(`${e.frameworkId}/${t}`)).filter((t): t is AgentTask => t !== undefined);
    return {
      id: e.info.executor_id.value, name: e.info.name ?? '', source: e.info.source ?? '', container: e.containerId, directory: e.directory,
      resources: resourcesToStateJson(e.info.resources ?? []),
      tasks: live.filter((t) => !e.queued.some((q) => q.task_id.value === t.info.task_id.value)).map(taskJson),
      queued_tasks: e.queued.map((q) => ({ id: q.task_id.value, name: q.name })),
      completed_tasks: e.completedTasks.map(taskJson),
    };
  };
  const ids = new Set([...state.frameworks.keys()]);
  const frameworkJson = (id: string): Record<string, unknown> => ({
    id,
    name: state.frameworks.get(id)?.name ?? '',
    executors: [...state.executors.values()].filter((e) => e.frameworkId === id).map(executorJson),
    completed_executors: (state.completedExecutors.get(id) ?? []).map(executorJson),
  });
  return {
    id: state.id,
    pid: `slave(1)@${state.hostname}:${state.port}`,
    hostname: state.hostname,
    version: MESOS_VERSION,
    resources: resourcesToStateJson(state.resources),
    attributes: Object.fromEntries(state.attributes.map((a) => [a.name, attributeText(a)])),
    frameworks: [...ids].filter((id) => [...state.executors.values()].some((e) => e.frameworkId === id)).map(frameworkJson),
    completed_frameworks: [...ids].filter((id) => ![...state.executors.values()].some((e) => e.frameworkId === id)).map(frameworkJson),
  };
}
