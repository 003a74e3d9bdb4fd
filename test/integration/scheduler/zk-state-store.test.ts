import { bucketOf, RecordTooLargeError, zookeeper, ZkLayout, ZkSession, ZkStateStore } from '../../../scheduler/state';
import { removeTree, uniqueRoot, ZK_HOSTS } from '../../support/zookeeper';
import { until } from '../../support/kit';

/**
 * Expires `session` the usual way: a second client attaches to the same session id and
 * password, then closes it. The server ends the session, and the first client learns it is
 * expired when it reconnects. The first client reconnects at once when the twin takes its
 * connection over, and may win the race against the twin's close: then try again.
 */
async function expire(session: ZkSession): Promise<void> {
  let expired = false;
  session.client.once('expired', () => { expired = true; });
  for (let attempt = 0; !expired; attempt++) {
    if (attempt === 10) throw new Error('could not expire the session in 10 attempts');
    // The client accepts a session to attach to; its type definitions do not list these options.
    const attach = { sessionTimeout: session.sessionTimeoutMs, sessionId: session.client.getSessionId(), sessionPassword: session.client.getSessionPassword() };
    const twin = zookeeper.createClient(ZK_HOSTS, attach);
    // 'expired' for the twin: an earlier attempt did end the session; the first client will hear.
    const attached = await new Promise<boolean>((resolve) => {
      twin.once('connected', () => resolve(true));
      twin.once('expired', () => resolve(false));
      twin.connect();
    });
    twin.close();
    if (!attached) {
      await until(() => expired, 'the first client to see its session expired', 20_000);
      return;
    }
    await until(() => expired, 'the session to expire', 2000).catch(() => {});
  }
}

describe('ZkStateStore against real ZooKeeper', () => {
  const root = uniqueRoot('store');
  const url = `zk://${ZK_HOSTS}${root}`;
  let admin: ZkSession;

  beforeAll(async () => {
    admin = await ZkSession.connect(ZK_HOSTS);
  });

  afterAll(async () => {
    await removeTree(admin, root);
    admin.close();
  });

  it('keeps one znode per record and loads them back in a new session', async () => {
    const store = await ZkStateStore.open(url);
    for (let i = 0; i < 3000; i++) store.put('tasks', `r1-d1-${i}-1-host`, { i, state: 'TASK_RUNNING' });
    store.put('deploys', 'r1/d1', { deploy: { id: 'd1' } });
    store.put('framework', 'id', { id: 'fw-1' });
    await store.flush();
    expect(store.writes).toBe(3002);
    await store.close();

    // Records sit in hashed buckets: the collection lists buckets, each bucket a few records.
    const buckets = await admin.getChildren(`${root}/tasks`);
    const perBucket = await Promise.all(buckets.map((b) => admin.getChildren(`${root}/tasks/${b}`)));
    expect(perBucket.flat().length).toBe(3000);
    expect(await admin.getChildren(`${root}/deploys`)).toEqual([bucketOf('r1%2Fd1')]);
    expect(await admin.getChildren(`${root}/deploys/${bucketOf('r1%2Fd1')}`)).toEqual(['r1%2Fd1']);

    const again = await ZkStateStore.open(url);
    const tasks = await again.load('tasks');
    expect(tasks.size).toBe(3000);
    expect(tasks.get('r1-d1-2999-1-host')).toEqual({ i: 2999, state: 'TASK_RUNNING' });
    expect((await again.load('deploys')).get('r1/d1')).toEqual({ deploy: { id: 'd1' } });
    expect((await again.load('framework')).get('id')).toEqual({ id: 'fw-1' });
    await again.close();
  });

  it('updates and deletes, last write wins', async () => {
    const store = await ZkStateStore.open(url);
    store.put('requests', 'a', { v: 1 });
    store.put('requests', 'a', { v: 2 });
    store.put('requests', 'b', { v: 1 });
    await store.flush();
    store.put('requests', 'a', { v: 3 });
    store.delete('requests', 'b');
    await store.flush();
    const loaded = await store.load('requests');
    expect(Object.fromEntries(loaded)).toEqual({ a: { v: 3 } });
    await store.close();
  });

  it('writes a record another store created meanwhile (transaction falls back op by op)', async () => {
    const one = await ZkStateStore.open(url);
    const two = await ZkStateStore.open(url);
    one.put('history-tasks', 'x', { by: 'one' });
    one.put('history-tasks', 'y', { by: 'one' });
    await one.flush();
    two.put('history-tasks', 'x', { by: 'two' }); // two does not know x exists: its create fails
    two.put('history-tasks', 'z', { by: 'two' });
    await two.flush();
    expect(Object.fromEntries(await one.load('history-tasks'))).toEqual({ x: { by: 'two' }, y: { by: 'one' }, z: { by: 'two' } });
    await one.close();
    await two.close();
  });

  it('refuses a record over 1 MB, naming it', async () => {
    const store = await ZkStateStore.open(url);
    expect(() => store.put('tasks', 'huge', { blob: 'x'.repeat(1024 * 1024) })).toThrow(RecordTooLargeError);
    expect(() => store.put('tasks', 'huge', { blob: 'x'.repeat(1024 * 1024) })).toThrow(/tasks\/huge is \d+ bytes/);
    await store.close();
  });

  async function stored(id: string): Promise<unknown> {
    try {
      return JSON.parse((await admin.getData(new ZkLayout(root).pathOf('requests', id))).toString('utf8'));
    } catch {
      return undefined;
    }
  }

  it('gets a new session and stores what was written after the expiry, without another flush', async () => {
    const session = await ZkSession.connect(ZK_HOSTS, { sessionTimeoutMs: 4000 });
    const store = await ZkStateStore.open(url, { session });
    store.put('requests', 'before', { v: 1 });
    await store.flush();

    await expire(session);
    // Written on the dead session's watch: the first try may fail; the store must retry by itself.
    store.put('requests', 'before', { v: 2 });
    store.put('requests', 'after', { v: 1 });
    let stored2: unknown;
    await until(async () => (stored2 = await stored('after')) !== undefined, 'the write made after the expiry to reach ZooKeeper', 30_000);
    expect(stored2).toEqual({ v: 1 });
    await until(async () => ((await stored('before')) as { v: number }).v === 2, 'the update of a record known before the expiry', 30_000);

    // And the new session serves flushes as usual.
    store.put('requests', 'later', { v: 1 });
    await store.flush();
    expect(await stored('later')).toEqual({ v: 1 });
    expect(store.unavailableForMs()).toBe(0);
    await store.close();
    session.close();
  }, 60_000);
});
