import { CONTENT_TYPE_JSON, CONTENT_TYPE_PROTOBUF, type ContentType } from '../../../mesos-proto';
import { until } from '../../support/kit';
import { addService, running, startCluster, type Cluster } from './cluster-harness';

describe.each<[string, ContentType]>([['JSON', CONTENT_TYPE_JSON], ['protobuf', CONTENT_TYPE_PROTOBUF]])('scheduler core against mesos-local (%s)', (_name, contentType) => {
  let cluster: Cluster;

  beforeEach(async () => {
    cluster = await startCluster({ contentType, mesos: { agentPingTimeoutMs: 1500 } });
  });
  afterEach(async () => {
    await cluster.stop();
  });

  it('brings 5 instances to RUNNING, spread over the agents, each on record', async () => {
    const s = cluster.scheduler;
    addService(s, 'web', 5);
    await until(() => running(s, 'web').length === 5, '5 RUNNING tasks', 30_000);
    const tasks = running(s, 'web');
    expect(new Set(tasks.map((t) => t.agentId)).size).toBe(3);
    expect(tasks.map((t) => t.instanceNo).sort()).toEqual([1, 2, 3, 4, 5]);
    expect(tasks.every((t) => t.ports.length === 1)).toBe(true);
    await s.store.flush();
    expect((await s.store.load('tasks')).size).toBe(5);
    expect(s.pendingReasons.size).toBe(0);
  });

  it('replaces the tasks of a stopped agent on the other agents', async () => {
    const s = cluster.scheduler;
    addService(s, 'web', 5);
    await until(() => running(s, 'web').length === 5, '5 RUNNING tasks', 30_000);
    const victim = running(s, 'web')[0].agentId;
    const lost = running(s, 'web').filter((t) => t.agentId === victim).map((t) => t.taskId);
    await cluster.local.stopAgent(victim);
    await until(() => running(s, 'web').length === 5 && running(s, 'web').every((t) => t.agentId !== victim), 'replacements on other agents', 60_000);
    for (const id of lost) expect(cluster.seen.some((e) => e.taskId === id && e.state === 'TASK_UNREACHABLE')).toBe(true);
  });

  it('re-subscribes with the same framework id after a master failover and kills nothing', async () => {
    const s = cluster.scheduler;
    addService(s, 'web', 5);
    await until(() => running(s, 'web').length === 5, '5 RUNNING tasks', 30_000);
    const frameworkId = s.frameworkId;
    const before = running(s, 'web').map((t) => t.taskId).sort();
    let resubscribed: string | null = null;
    s.events.once('subscribed', (id) => { resubscribed = id; });
    const reconciled = new Set<string>();
    s.events.on('status', (status) => { if (status.reason === 'REASON_RECONCILIATION') reconciled.add(status.task_id.value); });
    const killsRequested: string[] = [];
    s.events.on('task', (t) => { if (t.killRequestedAt !== undefined) killsRequested.push(t.taskId); });
    cluster.local.failoverMaster();
    await until(() => resubscribed !== null, 're-subscription', 30_000);
    expect(resubscribed).toBe(frameworkId);
    // Reconciliation answers every task; a launch decided after those answers comes later than
    // any kill they could cause (a kill is recorded when decided), so once it runs, none may have.
    await until(() => before.every((id) => reconciled.has(id)), 'a reconciliation answer for every task', 30_000);
    addService(s, 'marker', 1);
    await until(() => running(s, 'marker').length === 1, 'the marker task RUNNING', 30_000);
    expect(killsRequested).toEqual([]);
    expect(running(s, 'web').map((t) => t.taskId).sort()).toEqual(before);
    expect(cluster.seen.filter((e) => e.state === 'TASK_KILLED' || e.state === 'TASK_KILLING')).toEqual([]);
  });
});

describe('scheduler core: scaling, pending reasons, unknown tasks', () => {
  let cluster: Cluster;

  beforeEach(async () => {
    cluster = await startCluster();
  });
  afterEach(async () => {
    await cluster.stop();
  });

  it('scales down youngest first and says why SEPARATE cannot place', async () => {
    const s = cluster.scheduler;
    addService(s, 'sep', 5, { agentPlacement: 'SEPARATE' });
    await until(() => running(s, 'sep').length === 3, '3 SEPARATE tasks', 30_000);
    await until(() => s.pendingReasons.get('sep/d1')?.includes('SEPARATE needs 5 agents, 3 known') ?? false, 'a pending reason', 30_000);
    const record = s.requests.get('sep')!;
    s.putRequest({ ...record, request: { ...record.request, instances: 2 } });
    await until(() => running(s, 'sep').length === 2 && [...s.tasks.values()].every((t) => t.killRequestedAt === undefined), 'scale down to 2', 30_000);
    expect(s.pendingReasons.has('sep/d1')).toBe(false);
  });

  it('kills a running task it does not know (found by implicit reconciliation)', async () => {
    const s = cluster.scheduler;
    addService(s, 'web', 2);
    await until(() => running(s, 'web').length === 2, '2 RUNNING tasks', 30_000);
    // Forget one task, as if its record had been lost: the next scheduler to subscribe must kill it.
    const forgotten = running(s, 'web')[0];
    s.tasks.delete(forgotten.taskId);
    s.store.delete('tasks', forgotten.taskId);
    s.stepDown();
    await s.becomeLeader();
    type MasterState = { frameworks: { completed_tasks: { id: string; state: string }[] }[] };
    await until(async () => {
      const state = await (await fetch(`${cluster.local.masterUrl}/master/state`)).json() as MasterState;
      return state.frameworks.flatMap((f) => f.completed_tasks).some((t) => t.id === forgotten.taskId && t.state === 'TASK_KILLED');
    }, 'the unknown task killed', 30_000);
    // Its instance is replaced, so the request is back at 2.
    await until(() => running(s, 'web').length === 2, 'the replacement', 30_000);
    expect(s.tasks.has(forgotten.taskId)).toBe(false);
  });
});
