import { randomBytes } from 'node:crypto';
import { ZkSession } from '../../../scheduler/state';
import { ZK_HOSTS } from '../../support/zookeeper';

/** The socket's two ways down to the system (Node's net.Socket internals). */
interface SocketView { _write: (...args: unknown[]) => void; _writev: (...args: unknown[]) => void }

/**
 * node-zookeeper-client wrote one request per system call (common/zk-write-batching.ts). Against
 * the real ZooKeeper: 1,000 reads asked in one tick reach the socket's writer as a handful of
 * writes, and every one of them is answered, in order.
 */
describe('ZooKeeper requests of one tick leave together', () => {
  it('1,000 getData in one tick: at most a few socket writes, all answered with the right data', async () => {
    const session = await ZkSession.connect(ZK_HOSTS, { sessionTimeoutMs: 10_000 });
    const root = `/griddle-test-batching-${randomBytes(4).toString('hex')}`;
    try {
      await session.create(root, Buffer.alloc(0));
      await Promise.all(Array.from({ length: 20 }, (_, i) => session.create(`${root}/n${i}`, Buffer.from(`v${i}`))));
      const socket = (session.client as unknown as { connectionManager: { socket: SocketView } }).connectionManager.socket;
      let writes = 0;
      const write = socket._write.bind(socket);
      const writev = socket._writev.bind(socket);
      socket._write = (...args) => { writes++; write(...args); };
      socket._writev = (...args) => { writes++; writev(...args); };
      const reads = await Promise.all(Array.from({ length: 1000 }, (_, i) => session.getData(`${root}/n${i % 20}`)));
      expect(reads.map((r) => r.toString())).toEqual(Array.from({ length: 1000 }, (_, i) => `v${i % 20}`));
      // Unbatched this was 1,000 writes; the socket's back-pressure may split a tick's batch.
      expect(writes).toBeLessThanOrEqual(10);
    } finally {
      await session.removeTree(root);
      session.close();
    }
  });
});
