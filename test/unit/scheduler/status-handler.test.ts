/**
 * A KILL sent while its agent was cut off is lost and nobody sends it again; reconciliation
 * (the chase of unsettled tasks) asks about the task, and an answer that it still runs must
 * re-send the KILL even when that answer says nothing new about the task.
 */
import { EventEmitter } from 'node:events';
import pino from 'pino';
import type { TaskStatus } from '../../../mesos-proto';
import type { SchedulerClient } from '../../../scheduler/mesos-client';
import type { SchedulerEvents } from '../../../scheduler/core';
import type { MesosLink } from '../../../scheduler/core/leadership';
import { StateRepository } from '../../../scheduler/core/state-repository';
import { StatusHandler } from '../../../scheduler/core/status-handler';
import { TaskTransitions } from '../../../scheduler/core/task-transitions';
import type { TaskRecord } from '../../../scheduler/model';
import { MemoryStateStore } from '../../../scheduler/state';
import { taskRecord } from '../../support/task-fixtures';

function handler(task: TaskRecord): { onUpdate: (s: TaskStatus) => Promise<void>; resent: string[]; acks: string[] } {
  const state = new StateRepository(new MemoryStateStore(), 10, () => 5000);
  state.putTask(task);
  const ctx = { state, events: new EventEmitter<SchedulerEvents>(), log: pino({ level: 'silent' }), now: () => 5000 };
  const acks: string[] = [];
  const client = { subscribed: true, call: async () => undefined, callLater: (_call: unknown, key?: string) => { acks.push(key ?? '(no key)'); } } as unknown as SchedulerClient;
  const link: MesosLink = { isLeader: true, client, reconciler: null, subscribedAt: 4000 };
  const resent: string[] = [];
  const h = new StatusHandler({ ...ctx, link, transitions: new TaskTransitions(ctx), kills: { send: async (t) => { resent.push(t.taskId); } }, poke: () => undefined });
  return { onUpdate: (s) => h.onUpdate(s), resent, acks };
}

const answer = (taskId: string, state: TaskStatus['state']): TaskStatus => ({ task_id: { value: taskId }, state, reason: 'REASON_RECONCILIATION', source: 'SOURCE_MASTER', agent_id: { value: 'agent-1' } });

describe('StatusHandler: reconciliation answers about tasks Griddle wants gone', () => {
  it('re-sends the KILL when the answer is "still RUNNING", though nothing about the task changed', async () => {
    const h = handler(taskRecord('t1', { state: 'TASK_RUNNING', killRequestedAt: 3000 }));
    await h.onUpdate(answer('t1', 'TASK_RUNNING'));
    expect(h.resent).toEqual(['t1']);
  });

  it('does not re-send while the task is still UNREACHABLE (the agent is not there to get it)', async () => {
    const h = handler(taskRecord('t1', { state: 'TASK_UNREACHABLE', killRequestedAt: 3000 }));
    await h.onUpdate(answer('t1', 'TASK_UNREACHABLE'));
    expect(h.resent).toEqual([]);
  });

  it('re-sends it when an UNREACHABLE task Griddle decided to kill turns out to run again', async () => {
    const h = handler(taskRecord('t1', { state: 'TASK_UNREACHABLE', killRequestedAt: 3000 }));
    await h.onUpdate(answer('t1', 'TASK_RUNNING'));
    expect(h.resent).toEqual(['t1']);
  });
});

describe('StatusHandler: acknowledgements', () => {
  const update = (state: TaskStatus['state'], uuid: string): TaskStatus => ({ task_id: { value: 't1' }, state, uuid, source: 'SOURCE_EXECUTOR', agent_id: { value: 'agent-1' } });

  it('keys each ACK by its update, so an agent re-sending an update still waiting for its ACK adds no second one to the queue', async () => {
    const h = handler(taskRecord('t1', { state: 'TASK_STAGING' }));
    await h.onUpdate(update('TASK_STARTING', 'u-starting'));
    await h.onUpdate(update('TASK_STARTING', 'u-starting'));
    await h.onUpdate(update('TASK_RUNNING', 'u-running'));
    expect(h.acks).toEqual(['ack u-starting', 'ack u-starting', 'ack u-running']);
  });
});
