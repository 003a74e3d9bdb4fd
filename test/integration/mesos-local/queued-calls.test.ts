/**
 * Griddle's SchedulerClient against mesos-local's master over real HTTP, with the master's
 * answers to calls held back: a burst of ACKs waits as call bodies, in turn with the calls
 * awaited after it, at most CALLS_IN_FLIGHT on the wire.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Master } from '../../../mesos-local/master';
import { ALWAYS_LEADER, masterRequestHandler } from '../../../mesos-local/master-http';
import { CALLS_IN_FLIGHT, SchedulerClient, StaticMasterDetector } from '../../../scheduler/mesos-client';
import { frameworkInfo } from '../../support/mesos-test-scheduler';
import { until } from '../../support/kit';
import { quiet } from './scheduler-api-harness';

describe('SchedulerClient.callLater', () => {
  let master: Master;
  let server: http.Server;
  let client: SchedulerClient;
  /** Calls the master has received and not yet answered, and every call type in arrival order. */
  const held: (() => void)[] = [];
  const arrived: string[] = [];

  beforeAll(async () => {
    master = new Master({ port: 0, log: quiet });
    const handler = masterRequestHandler(master, { leadership: ALWAYS_LEADER, log: quiet });
    server = http.createServer((req, res) => {
      if (!req.headers['mesos-stream-id']) return handler(req, res); // SUBSCRIBE goes through
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString()) as { type: string; reconcile?: { tasks: { task_id: { value: string } }[] } };
        arrived.push(body.reconcile?.tasks[0]?.task_id.value ?? body.type);
        held.push(() => { res.writeHead(202).end(); });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    client = new SchedulerClient({
      detector: new StaticMasterDetector(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
      frameworkInfo: () => frameworkInfo({ name: 'queued-calls' }), log: quiet,
    });
    const subscribed = new Promise<void>((resolve) => client.once('subscribed', () => resolve()));
    client.start();
    await subscribed;
  });

  afterAll(() => {
    client.stop();
    master.stop();
    server.close();
  });

  it(`2,000 queued calls wait as bodies with ${CALLS_IN_FLIGHT} on the wire, and an awaited call queued after them goes after them`, async () => {
    // RECONCILE stands in for ACKNOWLEDGE: the same path, and the master answers it without a task.
    for (let i = 0; i < 2000; i++) client.callLater({ type: 'RECONCILE', reconcile: { tasks: [{ task_id: { value: `t${i}` } }] } });
    let suppressed = false;
    const suppress = client.call({ type: 'SUPPRESS', suppress: {} }).then(() => { suppressed = true; });
    await until(() => held.length === CALLS_IN_FLIGHT, 'a full wire', 10_000);
    expect(client.waiting).toBe(2000 - CALLS_IN_FLIGHT + 1);
    while (!suppressed) {
      for (const answer of held.splice(0)) answer();
      await until(() => held.length > 0 || suppressed, 'the next calls', 10_000);
    }
    await suppress;
    expect(arrived).toEqual([...Array.from({ length: 2000 }, (_, i) => `t${i}`), 'SUPPRESS']);
    expect(client.waiting).toBe(0);
  });

  it('a keyed call queued again while the first waits or is on the wire is counted, not sent; once settled it goes again', async () => {
    const reconcile = (id: string) => ({ type: 'RECONCILE' as const, reconcile: { tasks: [{ task_id: { value: id } }] } });
    const before = client.coalescedCalls;
    arrived.length = 0;
    // An agent's retries of n unacknowledged updates, three rounds of them, behind a full wire.
    const n = CALLS_IN_FLIGHT + 8;
    for (let round = 0; round < 4; round++) for (let i = 0; i < n; i++) client.callLater(reconcile(`k${i}`), `ack k${i}`);
    await until(() => held.length === CALLS_IN_FLIGHT, 'a full wire', 10_000);
    expect(client.waiting).toBe(8);
    expect(client.coalescedCalls - before).toBe(3 * n);
    // The queue tells how far behind it is by its oldest call's wait, which grows while nothing is answered.
    await until(() => client.oldestWaitMs >= 100, 'the oldest queued call to have waited 100 ms', 10_000);
    while (arrived.length < n || held.length > 0) {
      for (const answer of held.splice(0)) answer();
      await until(() => held.length > 0 || (arrived.length === n && client.waiting === 0), 'the next calls', 10_000);
    }
    expect(arrived).toEqual(Array.from({ length: n }, (_, i) => `k${i}`));
    expect(client.oldestWaitMs).toBe(0);
    // Answered: an update re-sent after its ACK was lost on the way to the agent is acknowledged again.
    await until(() => { client.callLater(reconcile('k0'), 'ack k0'); return arrived.length === n + 1; }, 'k0 sent again', 10_000);
    for (const answer of held.splice(0)) answer();
    expect(arrived[n]).toBe('k0');
  });

  it('drops 50,000 queued calls one after another once the subscription ends, none failing inside another', async () => {
    for (let i = 0; i < 50_000; i++) client.callLater({ type: 'RECONCILE', reconcile: { tasks: [{ task_id: { value: `late${i}` } }] } });
    await until(() => held.length === CALLS_IN_FLIGHT, 'a full wire', 10_000);
    expect(client.waiting).toBe(50_000 - CALLS_IN_FLIGHT);
    client.stop();
    for (const answer of held.splice(0)) answer();
    // Each waiting call fails at once ("not subscribed") and hands its slot on: on one stack
    // that was 50,000 frames deep and stopped half way with a RangeError.
    await until(() => client.waiting === 0, 'every queued call dropped', 20_000);
    expect(arrived.filter((a) => a.startsWith('late')).length).toBeLessThanOrEqual(2 * CALLS_IN_FLIGHT);
  });
});
