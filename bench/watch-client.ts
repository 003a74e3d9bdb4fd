/**
 * bench/discovery's gRPC Watch client, in a process of its own as a real watcher is (its
 * decoding does not share the scheduler's event loop). Prints `snapshot <endpoints> <pages>`
 * once the whole snapshot is in, then `<revision> <wall-clock ms>` per change received (every
 * change of a batched `changes` event gets the event's arrival time).
 *   node dist/bench/watch-client.js 127.0.0.1:<grpc port> [max changes per message; 0 = unbatched]
 */
import { createDiscoveryClient, type ChangeMessage, type WatchEvent } from '../scheduler/discovery';
import { wallMs } from './bench-kit';

const address = process.argv[2];
if (!address) throw new Error('usage: watch-client.js <host:port of the discovery gRPC listener> [max changes per message]');
const maxChangesPerMessage = Number(process.argv[3] ?? 0);
const stream = createDiscoveryClient(address).watch({ maxChangesPerMessage });
let endpoints = 0;
let pages = 0;
let lines: string[] = [];
// Lines go out once per tick: one write per change would cost the client more than its decoding.
const flush = (): void => {
  process.stdout.write(lines.join(''));
  lines = [];
};
const received = (changes: readonly ChangeMessage[]): void => {
  const at = wallMs();
  if (lines.length === 0) setImmediate(flush);
  for (const change of changes) lines.push(`${change.revision} ${at}\n`);
};
stream.on('data', (e: WatchEvent) => {
  if (e.snapshot) {
    endpoints += e.snapshot.endpoints.length;
    pages++;
    if (!e.snapshot.more) process.stdout.write(`snapshot ${endpoints} ${pages}\n`);
    return;
  }
  if (e.change) received([e.change]);
  else if (e.changes) received(e.changes.changes);
});
stream.on('error', (err: Error) => {
  process.stderr.write(`watch-client: ${err.message}\n`);
  process.exit(1);
});
