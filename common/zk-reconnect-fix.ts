import type { Client } from 'node-zookeeper-client';

/** The parts of node-zookeeper-client's connection manager this fix touches (not in its types). */
interface ConnectionManagerInternals {
  pendingBuffer: Buffer | null;
  on(event: 'state', listener: (state: number) => void): unknown;
}

/** node-zookeeper-client's ConnectionManager state for a closed socket. */
const DISCONNECTED = 0;

/**
 * node-zookeeper-client 1.1.3 keeps the part of a reply it had received when its socket closed,
 * and parses the next connection's first bytes after it: the frame lengths no longer line up,
 * and its socket handler throws an uncaught `Unknown code: <garbage>` (its issues #23 and #70).
 * That killed a leader with 100,000 tasks when ZooKeeper restarted under load. The partial
 * reply belongs to the closed socket, so it is dropped as the connection is lost, before the
 * client connects again.
 */
export function dropPartialReplyOnDisconnect(client: Client): void {
  const manager = (client as unknown as { connectionManager?: ConnectionManagerInternals }).connectionManager;
  if (!manager || typeof manager.on !== 'function') return;
  manager.on('state', (state) => {
    if (state === DISCONNECTED) manager.pendingBuffer = null;
  });
}
