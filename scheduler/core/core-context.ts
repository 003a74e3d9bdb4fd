import type { EventEmitter } from 'node:events';
import type { Logger } from '../../common/logger';
import type { Offer, TaskStatus } from '../../mesos-proto';
import type { DeployRecord, RequestRecord, TaskRecord } from '../model';
import type { StateRepository } from './state-repository';

export interface SchedulerEvents {
  task: [task: TaskRecord, previous: TaskRecord | undefined];
  request: [record: RequestRecord, previous: RequestRecord | undefined];
  deploy: [record: DeployRecord, previous: DeployRecord | undefined];
  leader: [isLeader: boolean];
  offers: [offers: Offer[]];
  /** Every status update from Mesos as it arrives, before it is applied (for metrics). */
  status: [status: TaskStatus, receivedAt: number];
  subscribed: [frameworkId: string, masterUrl: string];
  disconnected: [why: string];
  /** A framework message from an executor (Mesos MESSAGE event; `data` is base64). */
  frameworkMessage: [agentId: string, executorId: string, data: string];
  /** Mesos says an agent is gone (a FAILURE without an executor, or a task update saying so); it is DEAD until it offers again. */
  agentLost: [agentId: string];
  /** A HEARTBEAT from the leading master, when it arrived (SingularityState's lastHeartbeatAt). */
  heartbeat: [at: number];
}

/** What every part of the core shares: the state, the scheduler's events, its log and clock. */
export interface CoreContext {
  readonly state: StateRepository;
  readonly events: EventEmitter<SchedulerEvents>;
  readonly log: Logger;
  readonly now: () => number;
}
