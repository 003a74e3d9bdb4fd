/**
 * The master's scheduler endpoint over real HTTP: every status code case of MESOS-WIRE.md,
 * both content types, subscription rules (failover_timeout, newer stream wins), REVIVE,
 * SUPPRESS, DECLINE filters, launch validation and reconciliation answers.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger } from '../../../common';
import { startMesosLocal, type MesosLocal } from '../../../mesos-local';
import { Master } from '../../../mesos-local/master';
import { masterRequestHandler } from '../../../mesos-local/master-http';
import {
  CONTENT_TYPE_JSON, CONTENT_TYPE_PROTOBUF, newUuidBase64,
  type ContentType, type Offer, type SchedulerEvent, type TaskInfo,
} from '../../../mesos-proto';
import { frameworkInfo, rawRequest, TestScheduler } from '../../support/mesos-test-scheduler';

const quiet = createLogger('test', { destination: fs.createWriteStream('/dev/null') });
const json = { 'Content-Type': CONTENT_TYPE_JSON };

function commandTask(offer: Offer, id: string, cpus = 0.1, extra: Partial<TaskInfo> = {}): TaskInfo {
  return {
    name: id, task_id: { value: id }, agent_id: offer.agent_id,
    resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: cpus } }],
    command: { value: 'sleep 30' }, ...extra,
  };
}

interface StateJson { frameworks: { id: string; connected: boolean }[]; completed_frameworks: { id: string; tasks: unknown[]; completed_tasks: { state: string }[] }[] }

/** Polls /master/state until `ok` holds (count-based: generous for a loaded machine). */
async function stateUntil(masterUrl: string, ok: (state: StateJson) => boolean): Promise<StateJson> {
  for (let i = 0; i < 200; i++) {
    const state = JSON.parse((await rawRequest(`${masterUrl}/master/state`, { method: 'GET' })).body) as StateJson;
    if (ok(state)) return state;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('master state never reached the expected shape');
}

describe('mesos-local scheduler API', () => {
  let local: MesosLocal;
  const open: TestScheduler[] = [];
  const subscribe = async (options: Parameters<typeof TestScheduler.subscribe>[1] = {}): Promise<TestScheduler> => {
    const s = await TestScheduler.subscribe(local.masterUrl, options);
    open.push(s);
    await s.waitFor((e) => e.type === 'SUBSCRIBED' || e.type === 'ERROR');
    return s;
  };
  const url = (): string => `${local.masterUrl}/api/v1/scheduler`;

  beforeEach(async () => {
    local = await startMesosLocal({ port: 0, agents: 2, allocationIntervalMs: 50, containerizer: 'simulated', log: quiet, statusUpdateRetryMs: 200, agentPingTimeoutMs: 300 });
  });

  afterEach(async () => {
    for (const s of open.splice(0)) s.close();
    await local.stop();
  });

  describe.each([CONTENT_TYPE_JSON, CONTENT_TYPE_PROTOBUF] as ContentType[])('in %s', (contentType) => {
    it('streams SUBSCRIBED, HEARTBEAT and OFFERS with a Mesos-Stream-Id, and answers calls 202', async () => {
      const s = await subscribe({ contentType });
      expect(s.status).toBe(200);
      expect(s.streamId).toMatch(/^[0-9a-f-]{36}$/);
      expect(s.events[0].type).toBe('SUBSCRIBED');
      expect(s.events[0].subscribed!.heartbeat_interval_seconds).toBe(15);
      expect(s.events[0].subscribed!.master_info?.port).toBe(Number(new URL(local.masterUrl).port));
      expect(s.events[1].type).toBe('HEARTBEAT');
      const offers = (await s.takeOffers()).offers!.offers!;
      // One OFFERS event carries every agent's offer of the cycle.
      expect(offers.map((o) => o.agent_id.value).sort()).toEqual(local.agents.map((a) => a.id).sort());
      expect(offers[0].resources!.find((r) => r.name === 'cpus')!.scalar!.value).toBe(4);
      expect((await s.call({ type: 'SUPPRESS', suppress: {} })).status).toBe(202);
    });

    it('launches, acknowledges, kills and reconciles a task', async () => {
      const s = await subscribe({ contentType });
      const offer = (await s.takeOffers()).offers!.offers![0];
      const res = await s.call({ type: 'ACCEPT', accept: { offer_ids: [offer.id], operations: [{ type: 'LAUNCH', launch: { task_infos: [commandTask(offer, 't1')] } }] } });
      expect(res.status).toBe(202);
      const starting = await s.waitForUpdate('t1', 'TASK_STARTING');
      await s.acknowledge(starting);
      const running = await s.waitForUpdate('t1', 'TASK_RUNNING');
      expect((await s.acknowledge(running)).status).toBe(202);
      const since = s.mark();
      expect((await s.call({ type: 'RECONCILE', reconcile: { tasks: [] } })).status).toBe(202);
      const answer = await s.waitFor((e) => e.type === 'UPDATE' && e.update!.status.reason === 'REASON_RECONCILIATION', 20_000, 'answer', since);
      expect(answer.update!.status).toMatchObject({ state: 'TASK_RUNNING', source: 'SOURCE_MASTER', task_id: { value: 't1' } });
      expect(answer.update!.status.uuid).toBeUndefined();
      await s.call({ type: 'KILL', kill: { task_id: { value: 't1' } } });
      const killed = await s.waitForUpdate('t1', 'TASK_KILLED');
      await s.acknowledge(killed);
    });
  });

  describe('status codes', () => {
    it('405 for a method other than POST', async () => {
      const res = await rawRequest(url(), { method: 'GET' });
      expect(res.status).toBe(405);
    });

    it('400 without Content-Type, 415 for an unsupported one or one with a charset', async () => {
      const body = JSON.stringify({ type: 'SUBSCRIBE', subscribe: { framework_info: frameworkInfo() } });
      expect((await rawRequest(url(), { body })).status).toBe(400);
      expect((await rawRequest(url(), { body, headers: { 'Content-Type': 'text/plain' } })).status).toBe(415);
      expect((await rawRequest(url(), { body, headers: { 'Content-Type': 'application/json; charset=utf-8' } })).status).toBe(415);
    });

    it('400 for a body that does not parse or does not validate', async () => {
      const bad = async (body: string | Buffer, contentType = CONTENT_TYPE_JSON): Promise<string> => {
        const res = await rawRequest(url(), { body, headers: { 'Content-Type': contentType } });
        expect(res.status).toBe(400);
        return res.body;
      };
      expect(await bad('{not json')).toMatch(/Failed to parse body into JSON/);
      expect(await bad(Buffer.from([0xff, 0xff, 0xff]), CONTENT_TYPE_PROTOBUF)).toMatch(/Failed to parse body into Call protobuf/);
      expect(await bad(JSON.stringify({ subscribe: { framework_info: frameworkInfo() } }))).toMatch(/Expecting 'type' to be present/);
      expect(await bad(JSON.stringify({ type: 3 }))).toMatch(/enum/);
      expect(await bad(JSON.stringify({ type: 'SUBSCRIBE' }))).toMatch(/Expecting 'subscribe' to be present/);
      expect(await bad(JSON.stringify({ type: 'SUBSCRIBE', subscribe: { framework_info: { user: 'root' } } }))).toMatch(/name/);
      expect(await bad(JSON.stringify({ type: 'SUBSCRIBE', framework_id: { value: 'x' }, subscribe: { framework_info: frameworkInfo() } })))
        .toMatch(/'framework_id' differs from 'subscribe.framework_info.id'/);
      expect(await bad(JSON.stringify({ type: 'REVIVE' }))).toMatch(/Expecting 'framework_id' to be present/);
      expect(await bad(JSON.stringify({ type: 'REVIVE', framework_id: { value: 'nope' } }))).toMatch(/Framework cannot be found/);
    });

    it('400 for SUBSCRIBE with a stream id; 406 for an Accept it cannot produce', async () => {
      const body = JSON.stringify({ type: 'SUBSCRIBE', subscribe: { framework_info: frameworkInfo() } });
      const withId = await rawRequest(url(), { body, headers: { ...json, 'Mesos-Stream-Id': 'abc' } });
      expect(withId.status).toBe(400);
      expect(withId.body).toMatch(/should not include the 'Mesos-Stream-Id' header/);
      const notAcceptable = await rawRequest(url(), { body, headers: { ...json, Accept: 'text/html' } });
      expect(notAcceptable.status).toBe(406);
    });

    it('400 for a missing or wrong Mesos-Stream-Id, a bad acknowledgement uuid; 501 for UNKNOWN', async () => {
      const s = await subscribe();
      const noId = await rawRequest(url(), { body: JSON.stringify({ type: 'REVIVE', framework_id: { value: s.frameworkId } }), headers: json });
      expect(noId.status).toBe(400);
      expect(noId.body).toMatch(/should include the 'Mesos-Stream-Id' header/);
      expect((await s.call({ type: 'REVIVE' }, { 'Mesos-Stream-Id': 'f0000000-0000-4000-8000-000000000000' })).status).toBe(400);
      const badUuid = await s.call({ type: 'ACKNOWLEDGE', acknowledge: { agent_id: { value: 'a' }, task_id: { value: 't' }, uuid: Buffer.from('short').toString('base64') } });
      expect(badUuid.status).toBe(400);
      const notV4 = await s.call({ type: 'ACKNOWLEDGE', acknowledge: { agent_id: { value: 'a' }, task_id: { value: 't' }, uuid: Buffer.alloc(16).toString('base64') } });
      expect(notV4.status).toBe(400);
      const fine = await s.call({ type: 'ACKNOWLEDGE', acknowledge: { agent_id: { value: 'a' }, task_id: { value: 't' }, uuid: newUuidBase64() } });
      expect(fine.status).toBe(202);
      expect((await s.call({ type: 'UNKNOWN' })).status).toBe(501);
    });

    it('UPDATE_FRAMEWORK answers 200, or 400 for what Mesos refuses; other calls need their field', async () => {
      const s = await subscribe();
      const info = { ...frameworkInfo(), id: { value: s.frameworkId } };
      expect((await s.call({ type: 'UPDATE_FRAMEWORK', update_framework: { framework_info: { ...info, name: 'renamed' } } })).status).toBe(200);
      const state = JSON.parse((await rawRequest(`${local.masterUrl}/master/state`, { method: 'GET' })).body) as { frameworks: { name: string }[] };
      expect(state.frameworks[0].name).toBe('renamed');
      const user = await s.call({ type: 'UPDATE_FRAMEWORK', update_framework: { framework_info: { ...info, user: 'someone-else' } } });
      expect(user.status).toBe(400);
      expect(user.body).toMatch(/Updating 'FrameworkInfo.user' is unsupported/);
      const otherId = await s.call({ type: 'UPDATE_FRAMEWORK', update_framework: { framework_info: { ...info, id: { value: 'x' } } } });
      expect(otherId.body).toMatch(/'framework_id' differs from 'update_framework.framework_info.id'/);
      for (const [type, field] of [['UPDATE_FRAMEWORK', 'update_framework'], ['REQUEST', 'request'], ['DECLINE_INVERSE_OFFERS', 'decline_inverse_offers']] as const) {
        const res = await s.call({ type });
        expect(res.status).toBe(400);
        expect(res.body).toBe(`Failed to validate scheduler::Call: Expecting '${field}' to be present`);
      }
      expect((await s.call({ type: 'REQUEST', request: { requests: [] } })).status).toBe(202);
    });

    it('403 while a framework is disconnected within its failover_timeout', async () => {
      const s = await subscribe({ info: frameworkInfo({ failover_timeout: 60 }) });
      s.close();
      await stateUntil(local.masterUrl, (st) => st.frameworks.some((f) => f.id === s.frameworkId && !f.connected));
      const res = await s.call({ type: 'REVIVE' });
      expect(res.status).toBe(403);
      expect(res.body).toBe('Framework is not subscribed');
    });

    it('503 from a master that is not the leader and knows no leader', async () => {
      const master = new Master({ port: 0, log: quiet });
      const server = http.createServer(masterRequestHandler(master, { leadership: { isLeader: () => false, leader: () => null }, log: quiet }));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const res = await rawRequest(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/scheduler`, { body: '{}', headers: json });
        expect(res.status).toBe(503);
        expect(res.body).toBe('No leader elected');
      } finally {
        master.stop();
        server.close();
      }
    });
  });

  describe('subscriptions', () => {
    it('a newer subscription closes the older stream with an ERROR', async () => {
      const first = await subscribe({ info: frameworkInfo({ failover_timeout: 60 }) });
      const second = await subscribe({ info: frameworkInfo({ failover_timeout: 60, id: { value: first.frameworkId } }) });
      expect(second.frameworkId).toBe(first.frameworkId);
      const error = await first.waitFor((e) => e.type === 'ERROR');
      expect(error.error!.message).toBe('Framework failed over');
      await first.waitForEnd();
      expect(second.streamId).not.toBe(first.streamId);
      expect((await first.call({ type: 'REVIVE' })).status).toBe(400);
      expect((await second.call({ type: 'REVIVE' })).status).toBe(202);
    });

    it('re-subscribing within failover_timeout keeps the framework and its tasks', async () => {
      const s = await subscribe({ info: frameworkInfo({ failover_timeout: 60 }) });
      const offer = (await s.takeOffers()).offers!.offers![0];
      await s.call({ type: 'ACCEPT', accept: { offer_ids: [offer.id], operations: [{ type: 'LAUNCH', launch: { task_infos: [commandTask(offer, 'kept')] } }] } });
      await s.waitForUpdate('kept', 'TASK_STARTING');
      s.close();
      await stateUntil(local.masterUrl, (st) => st.frameworks.some((f) => f.id === s.frameworkId && !f.connected));
      const again = await subscribe({ info: frameworkInfo({ failover_timeout: 60, id: { value: s.frameworkId } }) });
      expect(again.events[0].type).toBe('SUBSCRIBED');
      expect(again.frameworkId).toBe(s.frameworkId);
      // The unacknowledged update is sent again to the new stream.
      const starting = await again.waitForUpdate('kept', 'TASK_STARTING');
      await again.acknowledge(starting);
      await again.waitForUpdate('kept', 'TASK_RUNNING');
    });

    it('after failover_timeout the framework is torn down and its id refused', async () => {
      const s = await subscribe({ info: frameworkInfo({ failover_timeout: 0.3 }) });
      const offer = (await s.takeOffers()).offers!.offers![0];
      await s.call({ type: 'ACCEPT', accept: { offer_ids: [offer.id], operations: [{ type: 'LAUNCH', launch: { task_infos: [commandTask(offer, 'gone')] } }] } });
      await s.waitForUpdate('gone', 'TASK_STARTING');
      s.close();
      const state = await stateUntil(local.masterUrl, (st) => st.completed_frameworks.length > 0);
      expect(state.frameworks).toHaveLength(0);
      expect(state.completed_frameworks[0].id).toBe(s.frameworkId);
      expect(state.completed_frameworks[0].completed_tasks[0].state).toBe('TASK_KILLED');
      const late = await subscribe({ info: frameworkInfo({ failover_timeout: 0.3, id: { value: s.frameworkId } }) });
      expect(late.events[0]).toEqual({ type: 'ERROR', error: { message: 'Framework has been removed' } });
      await late.waitForEnd();
    });

    it('TEARDOWN removes the framework and closes its stream', async () => {
      const s = await subscribe();
      expect((await s.call({ type: 'TEARDOWN' })).status).toBe(202);
      await s.waitForEnd();
      expect((await s.call({ type: 'REVIVE' })).status).toBe(400);
    });

    it('a framework re-subscribes with its id after a master failover', async () => {
      const s = await subscribe({ info: frameworkInfo({ failover_timeout: 60 }) });
      const res = await rawRequest(`${local.masterUrl}/__griddle/master/failover`);
      expect(res.status).toBe(200);
      await s.waitForEnd();
      const again = await subscribe({ info: frameworkInfo({ failover_timeout: 60, id: { value: s.frameworkId } }) });
      expect(again.frameworkId).toBe(s.frameworkId);
      expect(again.events[0].subscribed!.master_info!.id).not.toBe(s.events[0].subscribed!.master_info!.id);
    });
  });

  describe('offers', () => {
    it('DECLINE with refuse_seconds keeps the agent out of offers until the filter lapses; REVIVE clears it', async () => {
      const s = await subscribe();
      const first = (await s.takeOffers()).offers!.offers!;
      const declined = first[0];
      await s.call({ type: 'DECLINE', decline: { offer_ids: [declined.id], filters: { refuse_seconds: 1.5 } } });
      const others = first.slice(1).map((o) => o.id);
      const since = s.mark();
      await s.call({ type: 'DECLINE', decline: { offer_ids: others, filters: { refuse_seconds: 0 } } });
      const declinedAt = Date.now();
      // Offers keep coming for the other agent, never for the filtered one while the filter lasts.
      const next = await s.waitFor((e) => e.type === 'OFFERS', 20_000, 'offers', since);
      expect(next.offers!.offers!.map((o) => o.agent_id.value)).not.toContain(declined.agent_id.value);
      const since2 = s.mark();
      await s.call({ type: 'DECLINE', decline: { offer_ids: next.offers!.offers!.map((o) => o.id), filters: { refuse_seconds: 0 } } });
      const back = await s.waitFor((e) => e.type === 'OFFERS' && e.offers!.offers!.some((o) => o.agent_id.value === declined.agent_id.value), 10_000, 'offers', since2);
      expect(Date.now() - declinedAt).toBeGreaterThanOrEqual(1400);
      const again = back.offers!.offers!.find((o) => o.agent_id.value === declined.agent_id.value)!;
      await s.call({ type: 'DECLINE', decline: { offer_ids: [again.id], filters: { refuse_seconds: 3600 } } });
      const since3 = s.mark();
      await s.call({ type: 'REVIVE', revive: {} });
      const revived = await s.waitFor((e) => e.type === 'OFFERS' && e.offers!.offers!.some((o) => o.agent_id.value === declined.agent_id.value), 5_000, 'offers', since3);
      expect(revived.type).toBe('OFFERS');
    });

    it('SUPPRESS stops offers until REVIVE', async () => {
      const s = await subscribe();
      const offers = (await s.takeOffers()).offers!.offers!;
      await s.call({ type: 'SUPPRESS', suppress: {} });
      await s.call({ type: 'DECLINE', decline: { offer_ids: offers.map((o) => o.id), filters: { refuse_seconds: 0 } } });
      const count = s.events.filter((e) => e.type === 'OFFERS').length;
      await new Promise((r) => setTimeout(r, 400));
      expect(s.events.filter((e) => e.type === 'OFFERS').length).toBe(count);
      const since = s.mark();
      await s.call({ type: 'REVIVE', revive: {} });
      await s.waitFor((e) => e.type === 'OFFERS', 20_000, 'offers', since);
    });

    it('offers each agent only its unused resources, on disjoint port ranges', async () => {
      const s = await subscribe();
      const offers = (await s.takeOffers()).offers!.offers!;
      const ports = offers.map((o) => o.resources!.find((r) => r.name === 'ports')!.ranges!.range![0]);
      expect(ports[0].end < ports[1].begin || ports[1].end < ports[0].begin).toBe(true);
      const offer = offers[0];
      const since = s.mark();
      await s.call({ type: 'ACCEPT', accept: { offer_ids: [offer.id], operations: [{ type: 'LAUNCH', launch: { task_infos: [{
        ...commandTask(offer, 'big', 3), command: undefined, executor: { executor_id: { value: 'big-exec' }, command: { value: 'true' } },
      }] } }], filters: { refuse_seconds: 0 } } });
      await s.call({ type: 'DECLINE', decline: { offer_ids: offers.slice(1).map((o) => o.id), filters: { refuse_seconds: 0 } } });
      const next = await s.waitFor((e) => e.type === 'OFFERS' && e.offers!.offers!.some((o) => o.agent_id.value === offer.agent_id.value), 20_000, 'offers', since);
      const left = next.offers!.offers!.find((o) => o.agent_id.value === offer.agent_id.value)!;
      expect(left.resources!.find((r) => r.name === 'cpus')!.scalar!.value).toBeCloseTo(1);
      expect(left.executor_ids?.map((e) => e.value)).toEqual(['big-exec']);
    });

    it('rescinds offers of an agent that goes away', async () => {
      const s = await subscribe();
      const offers = (await s.takeOffers()).offers!.offers!;
      const victim = offers[0].agent_id.value;
      expect((await rawRequest(`${local.masterUrl}/__griddle/agents/${victim}/stop`)).status).toBe(200);
      const rescind = await s.waitFor((e) => e.type === 'RESCIND');
      expect(rescind.rescind!.offer_id.value).toBe(offers[0].id.value);
      expect((await rawRequest(`${local.masterUrl}/__griddle/agents/${victim}/start`)).status).toBe(200);
    });
  });

  describe('launch validation', () => {
    const accept = (s: TestScheduler, offerIds: string[], tasks: TaskInfo[]) =>
      s.call({ type: 'ACCEPT', accept: { offer_ids: offerIds.map((value) => ({ value })), operations: [{ type: 'LAUNCH', launch: { task_infos: tasks } }] } });

    it('TASK_ERROR for a task using resources not in the offer, a duplicate id or no executor/command', async () => {
      const s = await subscribe();
      const offer = (await s.takeOffers()).offers!.offers![0];
      await accept(s, [offer.id.value], [
        commandTask(offer, 'too-big', 64),
        commandTask(offer, 'ok'),
        commandTask(offer, 'ok'),
        { ...commandTask(offer, 'no-command'), command: undefined },
        commandTask(offer, 'bad/id'),
      ]);
      const tooBig = (await s.waitForUpdate('too-big', 'TASK_ERROR')).update!.status;
      expect(tooBig).toMatchObject({ source: 'SOURCE_MASTER', reason: 'REASON_TASK_INVALID' });
      expect(tooBig.message).toMatch(/^Total resources cpus:64 required by task and its executor is more than available/);
      expect(tooBig.uuid).toBeUndefined();
      expect((await s.waitForUpdate('ok', 'TASK_ERROR')).update!.status.message).toBe('Task has duplicate ID: ok');
      expect((await s.waitForUpdate('no-command', 'TASK_ERROR')).update!.status.message).toMatch(/at least one \(but not both\)/);
      expect((await s.waitForUpdate('bad/id', 'TASK_ERROR')).update!.status.message).toMatch(/invalid TaskID/);
      await s.waitForUpdate('ok', 'TASK_STARTING');
    });

    it('TASK_DROPPED for an offer already used (TASK_LOST without PARTITION_AWARE), REASON_INVALID_OFFERS', async () => {
      const aware = await subscribe();
      const offer = (await aware.takeOffers()).offers!.offers![0];
      await accept(aware, [offer.id.value], [commandTask(offer, 'first')]);
      await accept(aware, [offer.id.value], [commandTask(offer, 'second')]);
      const dropped = (await aware.waitForUpdate('second', 'TASK_DROPPED')).update!.status;
      expect(dropped.reason).toBe('REASON_INVALID_OFFERS');
      expect(dropped.message).toBe(`Task launched with invalid offers: Offer ${offer.id.value} is no longer valid`);
      await aware.call({ type: 'TEARDOWN' });

      const legacy = await subscribe({ info: frameworkInfo({ capabilities: [] }) });
      const offer2 = (await legacy.takeOffers()).offers!.offers![0];
      await accept(legacy, ['no-such-offer'], [commandTask(offer2, 'lost')]);
      expect((await legacy.waitForUpdate('lost', 'TASK_LOST')).update!.status.reason).toBe('REASON_INVALID_OFFERS');
    });

    it('TASK_ERROR for a task naming another agent than its offer', async () => {
      const s = await subscribe();
      const offer = (await s.takeOffers()).offers!.offers![0];
      await accept(s, [offer.id.value], [{ ...commandTask(offer, 'elsewhere'), agent_id: { value: 'some-other-agent' } }]);
      expect((await s.waitForUpdate('elsewhere', 'TASK_ERROR')).update!.status.message).toMatch(/invalid agent/);
    });
  });

  describe('reconciliation', () => {
    it('answers unknown tasks by what is known of their agent', async () => {
      const aware = await subscribe();
      await aware.waitFor((e) => e.type === 'OFFERS');
      const agentId = local.agents[0].id;
      await aware.call({ type: 'RECONCILE', reconcile: { tasks: [
        { task_id: { value: 'u1' }, agent_id: { value: agentId } },
        { task_id: { value: 'u2' } },
        { task_id: { value: 'u3' }, agent_id: { value: 'never-seen' } },
      ] } });
      const answers = new Map<string, SchedulerEvent>();
      for (const id of ['u1', 'u2', 'u3']) answers.set(id, await aware.waitFor((e) => e.type === 'UPDATE' && e.update!.status.task_id.value === id));
      expect(answers.get('u1')!.update!.status).toMatchObject({ state: 'TASK_GONE', reason: 'REASON_RECONCILIATION', source: 'SOURCE_MASTER', message: 'Reconciliation: Task is unknown to the agent' });
      expect(answers.get('u2')!.update!.status.state).toBe('TASK_UNKNOWN');
      expect(answers.get('u3')!.update!.status.state).toBe('TASK_UNKNOWN');

      local.partitionAgent(agentId);
      // A partition is noticed when the pings have failed for the ping timeout (300 ms here).
      await stateUntil(local.masterUrl, (state) => (state as unknown as { unreachable_slaves: number }).unreachable_slaves === 1);
      await aware.call({ type: 'RECONCILE', reconcile: { tasks: [{ task_id: { value: 'u4' }, agent_id: { value: agentId } }] } });
      expect((await aware.waitFor((e) => e.type === 'UPDATE' && e.update!.status.task_id.value === 'u4')).update!.status.state).toBe('TASK_UNREACHABLE');
      await aware.call({ type: 'TEARDOWN' });

      const legacy = await subscribe({ info: frameworkInfo({ capabilities: [] }) });
      await legacy.call({ type: 'RECONCILE', reconcile: { tasks: [{ task_id: { value: 'u5' }, agent_id: { value: local.agents[1].id } }] } });
      expect((await legacy.waitFor((e) => e.type === 'UPDATE')).update!.status.state).toBe('TASK_LOST');
      // A KILL of an unknown task is answered with a reconciliation of it.
      await legacy.call({ type: 'KILL', kill: { task_id: { value: 'u6' } } });
      expect((await legacy.waitFor((e) => e.type === 'UPDATE' && e.update!.status.task_id.value === 'u6')).update!.status.state).toBe('TASK_LOST');
    });

    it('partitioning an agent reports its tasks TASK_UNREACHABLE and healing restores them', async () => {
      const s = await subscribe();
      const offer = (await s.takeOffers()).offers!.offers![0];
      await s.call({ type: 'ACCEPT', accept: { offer_ids: [offer.id], operations: [{ type: 'LAUNCH', launch: { task_infos: [commandTask(offer, 'p1')] } }] } });
      await s.acknowledge(await s.waitForUpdate('p1', 'TASK_STARTING'));
      await s.acknowledge(await s.waitForUpdate('p1', 'TASK_RUNNING'));
      expect((await rawRequest(`${local.masterUrl}/__griddle/agents/${offer.agent_id.value}/partition`)).status).toBe(200);
      const unreachable = (await s.waitForUpdate('p1', 'TASK_UNREACHABLE')).update!.status;
      expect(unreachable.reason).toBe('REASON_AGENT_REMOVED');
      expect(unreachable.unreachable_time?.nanoseconds).toBeGreaterThan(0);
      expect((await rawRequest(`${local.masterUrl}/__griddle/agents/${offer.agent_id.value}/heal`)).status).toBe(200);
      const since = s.mark();
      await s.call({ type: 'RECONCILE', reconcile: { tasks: [{ task_id: { value: 'p1' } }] } });
      const after = await s.waitFor((e) => e.type === 'UPDATE' && e.update!.status.task_id.value === 'p1', 20_000, 'answer', since);
      expect(after.update!.status.state).toBe('TASK_RUNNING');
    });
  });

  it('serves /master/state and /state in Mesos shape', async () => {
    const s = await subscribe();
    const offer = (await s.takeOffers()).offers!.offers![0];
    await s.call({ type: 'ACCEPT', accept: { offer_ids: [offer.id], operations: [{ type: 'LAUNCH', launch: { task_infos: [commandTask(offer, 'st')] } }] } });
    await s.acknowledge(await s.waitForUpdate('st', 'TASK_STARTING'));
    await s.waitForUpdate('st', 'TASK_RUNNING');
    for (const p of ['/master/state', '/state']) {
      const res = await rawRequest(`${local.masterUrl}${p}`, { method: 'GET' });
      expect(res.status).toBe(200);
      const state = JSON.parse(res.body) as Record<string, unknown> & { slaves: Record<string, unknown>[]; frameworks: Record<string, unknown>[] };
      expect(state).toMatchObject({ activated_slaves: 2, deactivated_slaves: 0, unreachable_slaves: 0, orphan_tasks: [], unregistered_frameworks: [] });
      for (const key of ['version', 'id', 'pid', 'hostname', 'start_time', 'elected_time', 'leader', 'leader_info', 'flags', 'completed_frameworks']) expect(state).toHaveProperty(key);
      expect(state.slaves[0]).toMatchObject({ hostname: '127.0.0.1', active: true, resources: { cpus: 4, mem: 8192, disk: 20000 } });
      expect(String((state.slaves[0].resources as Record<string, unknown>).ports)).toMatch(/^\[\d+-\d+\]$/);
      const fw = state.frameworks[0] as Record<string, unknown> & { tasks: Record<string, unknown>[] };
      expect(fw).toMatchObject({ id: s.frameworkId, name: 'mesos-local-test', active: true, connected: true, checkpoint: true, capabilities: ['PARTITION_AWARE'] });
      expect(fw.tasks[0]).toMatchObject({ id: 'st', state: 'TASK_RUNNING', slave_id: offer.agent_id.value, framework_id: s.frameworkId, resources: { cpus: 0.1 } });
    }
  });
});
