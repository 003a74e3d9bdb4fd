/**
 * Forces a ZooKeeper session to expire the usual way (as Curator's KillSession does): a second
 * client connects with the same session id and password, which takes the session over, then
 * closes it; the original client's next reconnect is told SESSION_EXPIRED.
 */
import net from 'node:net';
import type { ZkSessionCredentials } from '../../support/zk-proxy';

const CLOSE_SESSION = -11;

export async function expireSession(zkPort: number, session: ZkSessionCredentials, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  // The owner reconnects at once when the takeover closes its connection, and may take the
  // session back before our close is read (the server then drops our socket unanswered): try again.
  while (Date.now() < deadline) {
    if (await takeOverAndClose(zkPort, session, deadline - Date.now())) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('ZooKeeper did not answer the session takeover');
}

/**
 * One takeover: true once the session is closed (or was already gone), false when the server
 * dropped us first. The close goes out with the connect, not after its answer: waiting for the
 * answer left the owner a round trip (longer on a loaded machine) to take the session back, and
 * in a CI run it won every attempt for 10 s. The server reads a connection's requests in order.
 */
async function takeOverAndClose(zkPort: number, session: ZkSessionCredentials, timeoutMs: number): Promise<boolean> {
  const socket = net.connect(zkPort, '127.0.0.1');
  try {
    return await new Promise<boolean>((resolve) => {
      let connected = false;
      const timer = setTimeout(() => resolve(false), timeoutMs);
      const done = (ok: boolean): void => {
        clearTimeout(timer);
        resolve(ok);
      };
      socket.once('error', () => done(false));
      // Dropped before the close was answered: we lost the race (or the close was refused).
      socket.once('close', () => done(false));
      socket.once('connect', () => socket.write(Buffer.concat([connectRequest(session), closeRequest()])));
      let got = Buffer.alloc(0);
      socket.on('data', (chunk: Buffer) => {
        got = Buffer.concat([got, chunk]);
        while (got.length >= 4 && got.length >= 4 + got.readInt32BE(0)) {
          const frame = got.subarray(4, 4 + got.readInt32BE(0));
          got = got.subarray(4 + frame.length);
          if (connected) {
            // ReplyHeader: xid int32, zxid int64, err int32 (0: the session is closed).
            done(frame.length >= 16 && frame.readInt32BE(12) === 0);
            return;
          }
          // The server answers a reconnect to a dead session with a zero session id.
          if (frame.length >= 16 && frame.readBigInt64BE(8) === 0n) {
            done(true);
            return;
          }
          connected = true;
        }
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
