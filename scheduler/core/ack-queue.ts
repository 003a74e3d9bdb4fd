import type { AgentID, TaskID } from '../../mesos-proto';
import type { Logger } from '../../common/logger';
import type { MesosLink } from './leadership';

/** What an ACKNOWLEDGE carries: the update's ids, nothing else of it. */
export interface Ack { agent_id: AgentID; task_id: TaskID; uuid: string }

/** As many as the client's call slots: a backlog of ACKs goes out as fast as before. */
const SENDERS = 32;

/**
 * ACKNOWLEDGEs waiting to go to the master, in arrival order. Each used to wait as its own
 * suspended status handler, acknowledge and call (frames, promises, the whole update): 2.8 KB
 * per pending ACK, and a launch burst at 10,000 tasks had 7,000 of them pending (20 MB of a
 * 107 MB live heap). Here one waits as its three ids, and a few senders drain the queue.
 */
export class AckQueue {
  private queue: Ack[] = [];
  private head = 0;
  private senders = 0;

  constructor(private readonly link: MesosLink, private readonly log: Logger, private readonly maxSenders = SENDERS) {}

  /** ACKs queued and not yet handed to the client. */
  get pending(): number {
    return this.queue.length - this.head;
  }

  push(ack: Ack): void {
    this.queue.push(ack);
    if (this.senders < this.maxSenders) void this.send();
  }

  private take(): Ack | undefined {
    if (this.head >= this.queue.length) {
      this.queue = [];
      this.head = 0;
      return undefined;
    }
    const ack = this.queue[this.head++];
    // Compact once the sent head is most of the array: amortized O(1) per ACK.
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    return ack;
  }

  private async send(): Promise<void> {
    this.senders++;
    try {
      for (let ack = this.take(); ack; ack = this.take()) {
        // A client gone since (a new subscription): the agent resends the update unacknowledged.
        const client = this.link.client;
        if (!client?.subscribed) continue;
        try {
          await client.call({ type: 'ACKNOWLEDGE', acknowledge: ack });
        } catch (err) {
          this.log.debug({ taskId: ack.task_id.value, err: (err as Error).message }, 'ACKNOWLEDGE failed; the agent will resend');
        }
      }
    } finally {
      this.senders--;
    }
  }
}
