/**
 * What every part of the master shares: its identity, the frameworks and agents it knows and
 * the allocator (both replaced on failover), plus the task bookkeeping more than one part does,
 * so that each part does it the same way.
 */
import type { Clock, Logger } from '../common';
import type { TaskState, TaskStatus, TaskStatusReason } from '../mesos-proto';
import { Allocator } from './allocator';
import { pushBounded } from './bounded-list';
import type { MasterAgent, MasterFramework, MasterTask } from './master-model';

export const MAX_COMPLETED_TASKS = 1000;

export class MasterState {
  id = '';
  readonly frameworks = new Map<string, MasterFramework>();
  readonly agents = new Map<string, MasterAgent>();
  readonly goneAgents = new Set<string>();
  allocator = new Allocator();

  constructor(readonly timers: Clock, readonly log: Logger) {}

  sendUpdate(framework: MasterFramework, status: TaskStatus): void {
    framework.connection?.send({ type: 'UPDATE', update: { status } });
  }

  completeTask(framework: MasterFramework, task: MasterTask): void {
    const taskId = task.info.task_id.value;
    framework.tasks.delete(taskId);
    this.agents.get(task.agentId)?.tasks.delete(`${framework.id}/${taskId}`);
    pushBounded(framework.completedTasks, task, MAX_COMPLETED_TASKS);
  }
}

export function masterStatus(taskId: string, state: TaskState, reason: TaskStatusReason, message: string, agentId: string | undefined, nowMs: number): TaskStatus {
  const status: TaskStatus = { task_id: { value: taskId }, state, source: 'SOURCE_MASTER', reason, message, timestamp: nowMs / 1000 };
  if (agentId !== undefined) status.agent_id = { value: agentId };
  return status;
}

/** Splits a `frameworkId/taskId` key (a task id may itself contain '/'). */
export function splitKey(key: string): [string, string] {
  const i = key.indexOf('/');
  return [key.slice(0, i), key.slice(i + 1)];
}
