/**
 * Several masters in one real ZooKeeper group: each publishes a `json.info_<seq>` znode with
 * its MasterInfo JSON, the lowest sequence leads, a standby answers 307 to the leader, and the
 * standby takes over when the leader leaves.
 */
import fs from 'node:fs';
import { randomUUID } from 'node:crypto';
import zookeeper from 'node-zookeeper-client';
import { createLogger } from '../../../common';
import { startMesosLocal, type MesosLocal } from '../../../mesos-local';
import { until } from '../../support/kit';
import { frameworkInfo, rawRequest, TestScheduler } from '../../support/mesos-test-scheduler';

const quiet = createLogger('test', { destination: fs.createWriteStream('/dev/null') });

function zkClient(): Promise<zookeeper.Client> {
  const client = zookeeper.createClient('127.0.0.1:2181');
  return new Promise((resolve) => {
    client.once('connected', () => resolve(client));
    client.connect();
  });
}

const children = (client: zookeeper.Client, path: string): Promise<string[]> =>
  new Promise((resolve, reject) => client.getChildren(path, (err, list) => (err ? reject(err) : resolve(list))));
const data = (client: zookeeper.Client, path: string): Promise<Buffer> =>
  new Promise((resolve, reject) => client.getData(path, (err, d) => (err ? reject(err) : resolve(d))));

async function removeTree(client: zookeeper.Client, path: string): Promise<void> {
  const kids = await children(client, path).catch(() => [] as string[]);
  for (const kid of kids) await removeTree(client, `${path}/${kid}`);
  await new Promise<void>((resolve) => client.remove(path, () => resolve()));
}

describe('mesos-local masters electing a leader in ZooKeeper', () => {
  const root = `/griddle-test-${randomUUID()}`;
  const zk = `zk://127.0.0.1:2181${root}/mesos`;
  let leader: MesosLocal | null = null;
  let standby: MesosLocal | null = null;
  let client: zookeeper.Client;

  beforeAll(async () => {
    client = await zkClient();
  });

  afterAll(async () => {
    await leader?.stop();
    await standby?.stop();
    await removeTree(client, root);
    client.close();
  });

  it('publishes MasterInfo JSON, redirects from the standby with 307, and fails over to it', async () => {
    leader = await startMesosLocal({ port: 0, agents: 1, zk, containerizer: 'simulated', log: quiet });
    standby = await startMesosLocal({ port: 0, agents: 0, zk, containerizer: 'simulated', log: quiet });
    expect(leader.isLeader()).toBe(true);
    await until(() => (standby!.isLeader() ? undefined : true), 'the standby to settle', 20_000);
    expect(standby.isLeader()).toBe(false);

    const nodes = (await children(client, `${root}/mesos`)).sort();
    expect(nodes).toHaveLength(2);
    for (const node of nodes) expect(node).toMatch(/^json\.info_\d{10}$/);
    const info = JSON.parse((await data(client, `${root}/mesos/${nodes[0]}`)).toString()) as Record<string, unknown>;
    const leaderPort = Number(new URL(leader.masterUrl).port);
    expect(info).toMatchObject({ hostname: '127.0.0.1', port: leaderPort, pid: `master@127.0.0.1:${leaderPort}`, address: { ip: '127.0.0.1', port: leaderPort } });
    expect(typeof info.id).toBe('string');
    expect(typeof info.ip).toBe('number');

    const body = JSON.stringify({ type: 'SUBSCRIBE', subscribe: { framework_info: frameworkInfo() } });
    const redirected = await rawRequest(`${standby.masterUrl}/api/v1/scheduler`, { body, headers: { 'Content-Type': 'application/json' } });
    expect(redirected.status).toBe(307);
    expect(redirected.headers.location).toBe(`//127.0.0.1:${leaderPort}/api/v1/scheduler`);
    const state = await rawRequest(`${standby.masterUrl}/master/state`, { method: 'GET' });
    expect(state.status).toBe(307);

    // Following the redirect reaches a leader that subscribes the framework.
    const scheduler = await TestScheduler.subscribe(`http:${redirected.headers.location!.replace(/\/api\/v1\/scheduler$/, '')}`);
    await scheduler.waitFor((e) => e.type === 'SUBSCRIBED');
    scheduler.close();

    await leader.stop();
    leader = null;
    await until(() => (standby!.isLeader() ? true : undefined), 'the standby to lead', 20_000);
    const res = await rawRequest(`${standby.masterUrl}/master/state`, { method: 'GET' });
    expect(res.status).toBe(200);
    expect((await children(client, `${root}/mesos`)).length).toBe(1);
  });
});
