/**
 * What the master answers to RECONCILE, following Master::reconcile in Mesos: a known task
 * gets its latest state; an unknown one gets TASK_GONE / TASK_UNREACHABLE /
 * TASK_GONE_BY_OPERATOR / TASK_UNKNOWN by what is known of its agent, and TASK_LOST for a
 * framework without PARTITION_AWARE.
 */
import type { TaskState } from '../mesos-proto';

export type AgentStanding = 'registered' | 'unreachable' | 'gone' | 'unknown';

export interface KnownTask {
  state: TaskState;
  agentId: string;
  executorId?: string;
  healthy?: boolean;
}

export interface ReconcileAnswer {
  state: TaskState;
  message: string;
  agentId?: string;
  executorId?: string;
  healthy?: boolean;
}

export function reconcileTask(
  query: { taskId: string; agentId?: string },
  known: KnownTask | undefined,
  partitionAware: boolean,
  standing: (agentId: string) => AgentStanding,
): ReconcileAnswer {
  if (known) {
    return { state: known.state, message: 'Reconciliation: Latest task state', agentId: known.agentId, executorId: known.executorId, healthy: known.healthy };
  }
  const lostUnlessAware = (state: TaskState): TaskState => (partitionAware ? state : 'TASK_LOST');
  const agent = query.agentId;
  const where = agent === undefined ? 'unknown' : standing(agent);
  switch (where) {
    case 'registered': return { state: lostUnlessAware('TASK_GONE'), message: 'Reconciliation: Task is unknown to the agent', agentId: agent };
    case 'unreachable': return { state: lostUnlessAware('TASK_UNREACHABLE'), message: 'Reconciliation: Task is unreachable', agentId: agent };
    case 'gone': return { state: lostUnlessAware('TASK_GONE_BY_OPERATOR'), message: 'Reconciliation: Task is gone', agentId: agent };
    case 'unknown': return { state: lostUnlessAware('TASK_UNKNOWN'), message: 'Reconciliation: Task is unknown', agentId: agent };
  }
}
