import type { Offer, TaskStatus } from '../../mesos-proto';
import type { DeployRecord, RequestRecord, TaskRecord } from '../model';

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
}
