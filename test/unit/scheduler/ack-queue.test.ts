import pino from 'pino';
import type { SchedulerCall } from '../../../mesos-proto';
import type { SchedulerClient } from '../../../scheduler/mesos-client';
import { AckQueue } from '../../../scheduler/core/ack-queue';
import type { MesosLink } from '../../../scheduler/core/leadership';
import { until } from '../../support/kit';

/** A client whose calls stay unanswered until the test answers them: a master behind on ACKs. */
function heldClient(): { link: MesosLink; sent: string[]; held: (() => void)[]; client: { subscribed: boolean } } {
  const sent: string[] = [];
  const held: (() => void)[] = [];
  const client = {
    subscribed: true,
    call: (call: SchedulerCall): Promise<void> => new Promise<void>((resolve) => {
      sent.push(call.acknowledge!.task_id.value);
      held.push(resolve);
    }),
  };
  const link: MesosLink = { isLeader: true, client: client as unknown as SchedulerClient, reconciler: null, subscribedAt: 0 };
  return { link, sent, held, client };
}

const ack = (i: number) => ({ agent_id: { value: 'a1' }, task_id: { value: `t${i}` }, uuid: `u${i}` });

describe('AckQueue', () => {
  it('keeps a backlog of 5,000 ACKs as queued ids, with only 32 calls waiting on the master, and sends them in order', async () => {
    const { link, sent, held } = heldClient();
    const acks = new AckQueue(link, pino({ level: 'silent' }));
    for (let i = 0; i < 5000; i++) acks.push(ack(i));
    expect(held).toHaveLength(32);
    expect(acks.pending).toBe(5000 - 32);
    while (sent.length < 5000 || held.length > 0) {
      for (const answer of held.splice(0)) answer();
      await until(() => held.length > 0 || sent.length === 5000, 'the next ACKs to go out', 5000);
    }
    expect(acks.pending).toBe(0);
    expect(sent).toEqual(Array.from({ length: 5000 }, (_, i) => `t${i}`));
  });

  it('drops the ACKs still queued once the client is no longer subscribed (the agent resends them)', async () => {
    const { link, sent, held, client } = heldClient();
    const acks = new AckQueue(link, pino({ level: 'silent' }), 2);
    for (let i = 0; i < 10; i++) acks.push(ack(i));
    expect(sent).toEqual(['t0', 't1']);
    client.subscribed = false;
    for (const answer of held.splice(0)) answer();
    await until(() => acks.pending === 0, 'the queue to empty', 5000);
    expect(sent).toEqual(['t0', 't1']);
  });
});
