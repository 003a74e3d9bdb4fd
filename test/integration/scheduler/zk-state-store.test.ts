import { RecordTooLargeError, ZkSession, ZkStateStore } from '../../../scheduler/state';
import { removeTree, uniqueRoot, ZK_HOSTS } from '../../support/zookeeper';

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

    expect((await admin.getChildren(`${root}/tasks`)).length).toBe(3000);
    expect(await admin.getChildren(`${root}/deploys`)).toEqual(['r1%2Fd1']);

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
});
