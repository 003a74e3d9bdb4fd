/**
 * The master's scheduler endpoint over real HTTP: offers (DECLINE filters, SUPPRESS, REVIVE,
 * rescinds), launch validation, reconciliation answers and the /state endpoints.
 */
import type { SchedulerEvent, TaskInfo } from '../../../mesos-proto';
import { frameworkInfo, rawRequest, type TestScheduler } from '../../support/mesos-test-scheduler';
import { until } from '../../support/kit';
import { allocationRuns, commandTask, stateUntil, useMesosLocal } from './scheduler-api-harness';

const m = useMesosLocal();
const subscribe = m.subscribe;

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
    // Three whole allocation cycles after the resources came back, every one of which would
    // have offered them to an unsuppressed framework (the DECLINE filter is 0 s).
    const runs = await allocationRuns(m.local.masterUrl);
    await until(async () => (await allocationRuns(m.local.masterUrl)) >= runs + 3, 'three allocation cycles', 10_000);
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
    expect((await rawRequest(`${m.local.masterUrl}/__griddle/agents/${victim}/stop`)).status).toBe(200);
    const rescind = await s.waitFor((e) => e.type === 'RESCIND');
    expect(rescind.rescind!.offer_id.value).toBe(offers[0].id.value);
    expect((await rawRequest(`${m.local.masterUrl}/__griddle/agents/${victim}/start`)).status).toBe(200);
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
    const agentId = m.local.agents[0].id;
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

    m.local.partitionAgent(agentId);
    // A partition is noticed when the pings have failed for the ping timeout (300 ms here).
    await stateUntil(m.local.masterUrl, (state) => (state as unknown as { unreachable_slaves: number }).unreachable_slaves === 1);
    await aware.call({ type: 'RECONCILE', reconcile: { tasks: [{ task_id: { value: 'u4' }, agent_id: { value: agentId } }] } });
    expect((await aware.waitFor((e) => e.type === 'UPDATE' && e.update!.status.task_id.value === 'u4')).update!.status.state).toBe('TASK_UNREACHABLE');
    await aware.call({ type: 'TEARDOWN' });

    const legacy = await subscribe({ info: frameworkInfo({ capabilities: [] }) });
    await legacy.call({ type: 'RECONCILE', reconcile: { tasks: [{ task_id: { value: 'u5' }, agent_id: { value: m.local.agents[1].id } }] } });
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
    expect((await rawRequest(`${m.local.masterUrl}/__griddle/agents/${offer.agent_id.value}/partition`)).status).toBe(200);
    const unreachable = (await s.waitForUpdate('p1', 'TASK_UNREACHABLE')).update!.status;
    expect(unreachable.reason).toBe('REASON_AGENT_REMOVED');
    expect(unreachable.unreachable_time?.nanoseconds).toBeGreaterThan(0);
    expect((await rawRequest(`${m.local.masterUrl}/__griddle/agents/${offer.agent_id.value}/heal`)).status).toBe(200);
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
    const res = await rawRequest(`${m.local.masterUrl}${p}`, { method: 'GET' });
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
