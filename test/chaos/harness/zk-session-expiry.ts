/**
 * Forces a ZooKeeper session to expire the usual way (as Curator's KillSession does): a second
 * client connects with the same session id and password, which takes the session over, then
 * closes it; the original client's next reconnect is told SESSION_EXPIRED.
 */
import net from 'node:net';
import type { ZkSessionCredentials } from './zk-proxy';

const CLOSE_SESSION = -11;

export async function expireSession(zkPort: number, session: ZkSessionCredentials, timeoutMs = 10_000): Promise<void> {
  const socket = net.connect(zkPort, '127.0.0.1');
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('ZooKeeper did not answer the session takeover')), timeoutMs);
      socket.once('error', reject);
      socket.once('connect', () => socket.write(connectRequest(session)));
      let got = Buffer.alloc(0);
      socket.on('data', (chunk: Buffer) => {
        got = Buffer.concat([got, chunk]);
        if (got.length < 4 || got.length < 4 + got.readInt32BE(0)) return;
        // The server answers a reconnect to a dead session with a zero session id.
        if (got.length >= 20 && got.readBigInt64BE(12) === 0n) {
          clearTimeout(timer);
          resolve();
          return;
        }
        socket.write(closeRequest());
        socket.once('close', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    });
  } finally {
    socket.destroy();
  }
}

function connectRequest(session: ZkSessionCredentials): Buffer {
  // protocolVersion int32, lastZxidSeen int64, timeOut int32, sessionId int64, passwd buffer.
  const body = Buffer.alloc(4 + 8 + 4 + 8 + 4 + session.password.length);
  let o = body.writeInt32BE(0, 0);
  o = body.writeBigInt64BE(0n, o);
  o = body.writeInt32BE(10_000, o);
  session.sessionId.copy(body, o);
  o += 8;
  o = body.writeInt32BE(session.password.length, o);
  session.password.copy(body, o);
  return withLength(body);
}

function closeRequest(): Buffer {
  const body = Buffer.alloc(8);
  body.writeInt32BE(1, 0);
  body.writeInt32BE(CLOSE_SESSION, 4);
  return withLength(body);
}

function withLength(body: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeInt32BE(body.length, 0);
  return Buffer.concat([len, body]);
}
