/**
 * The master's scheduler endpoint over real HTTP: both content types, every status code case
 * of MESOS-WIRE.md, and the subscription rules (failover_timeout, newer stream wins, TEARDOWN).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Master } from '../../../mesos-local/master';
import { masterRequestHandler } from '../../../mesos-local/master-http';
import { CONTENT_TYPE_JSON, CONTENT_TYPE_PROTOBUF, newUuidBase64, type ContentType } from '../../../mesos-proto';
import { frameworkInfo, rawRequest } from '../../support/mesos-test-scheduler';
import { commandTask, json, quiet, stateUntil, useMesosLocal } from './scheduler-api-harness';

const m = useMesosLocal();
const subscribe = m.subscribe;
const url = m.url;

describe.each([CONTENT_TYPE_JSON, CONTENT_TYPE_PROTOBUF] as ContentType[])('in %s', (contentType) => {
  it('streams SUBSCRIBED, HEARTBEAT and OFFERS with a Mesos-Stream-Id, and answers calls 202', async () => {
    const s = await subscribe({ contentType });
    expect(s.status).toBe(200);
    expect(s.streamId).toMatch(/^[0-9a-f-]{36}$/);
    expect(s.events[0].type).toBe('SUBSCRIBED');
    expect(s.events[0].subscribed!.heartbeat_interval_seconds).toBe(15);
    expect(s.events[0].subscribed!.master_info?.port).toBe(Number(new URL(m.local.masterUrl).port));
    expect(s.events[1].type).toBe('HEARTBEAT');
    const offers = (await s.takeOffers()).offers!.offers!;
    // One OFFERS event carries every agent's offer of the cycle.
    expect(offers.map((o) => o.agent_id.value).sort()).toEqual(m.local.agents.map((a) => a.id).sort());
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
    const state = JSON.parse((await rawRequest(`${m.local.masterUrl}/master/state`, { method: 'GET' })).body) as { frameworks: { name: string }[] };
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
    await stateUntil(m.local.masterUrl, (st) => st.frameworks.some((f) => f.id === s.frameworkId && !f.connected));
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
    await stateUntil(m.local.masterUrl, (st) => st.frameworks.some((f) => f.id === s.frameworkId && !f.connected));
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
    const state = await stateUntil(m.local.masterUrl, (st) => st.completed_frameworks.length > 0);
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
    const res = await rawRequest(`${m.local.masterUrl}/__griddle/master/failover`);
    expect(res.status).toBe(200);
    await s.waitForEnd();
    const again = await subscribe({ info: frameworkInfo({ failover_timeout: 60, id: { value: s.frameworkId } }) });
    expect(again.frameworkId).toBe(s.frameworkId);
    expect(again.events[0].subscribed!.master_info!.id).not.toBe(s.events[0].subscribed!.master_info!.id);
  });
});
