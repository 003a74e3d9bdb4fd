import { ZkSession } from '../../../scheduler/state';
import { until } from '../../support/kit';
import { ZK_HOSTS } from '../../support/zookeeper';

interface ManagerView { pendingBuffer: Buffer | null; socket: { destroy(): void } }

/**
 * node-zookeeper-client kept a partly received reply across a reconnect and parsed the next
 * connection's bytes after it (common/zk-reconnect-fix.ts). Here the socket closes while a
 * reply is half in, against the real ZooKeeper: the session must come back and answer.
 */
describe('a ZooKeeper connection lost in the middle of a reply', () => {
  it('reconnects and answers reads, without parsing the old half reply into the new connection', async () => {
    const uncaught: Error[] = [];
    const onUncaught = (err: Error): void => { uncaught.push(err); };
    process.on('uncaughtException', onUncaught);
    const session = await ZkSession.connect(ZK_HOSTS, { sessionTimeoutMs: 10_000 });
    try {
      expect(await session.exists('/')).toBe(true);
      const manager = (session.client as unknown as { connectionManager: ManagerView }).connectionManager;
      let reconnects = 0;
      session.client.on('connected', () => { reconnects++; });
      // The first 6 bytes of a 4,000-byte reply, then the socket is gone.
      manager.pendingBuffer = Buffer.from([0, 0, 0x0f, 0xa0, 0xde, 0xad]);
      manager.socket.destroy();
      await until(() => reconnects > 0, 'the client to connect again', 20_000);
      expect(await session.exists('/')).toBe(true);
      expect((await session.getChildren('/')).length).toBeGreaterThan(0);
      expect(uncaught).toEqual([]);
    } finally {
      process.off('uncaughtException', onUncaught);
      session.close();
    }
  });
});
