/**
 * bench/discovery's gRPC Watch client, in a process of its own as a real watcher is (its
 * decoding does not share the scheduler's event loop). Prints `snapshot <endpoints> <pages>`
 * once the whole snapshot is in, then `<revision> <wall-clock ms>` per change received.
 *   node dist/bench/watch-client.js 127.0.0.1:<grpc port>
 */
import { createDiscoveryClient, type WatchEvent } from '../scheduler/discovery';
import { wallMs } from './bench-kit';

const address = process.argv[2];
if (!address) throw new Error('usage: watch-client.js <host:port of the discovery gRPC listener>');
const stream = createDiscoveryClient(address).watch({});
let endpoints = 0;
let pages = 0;
let lines: string[] = [];
// Lines go out once per tick: one write per change would cost the client more than its decoding.
const flush = (): void => {
  process.stdout.write(lines.join(''));
  lines = [];
};
stream.on('data', (e: WatchEvent) => {
  if (e.snapshot) {
    endpoints += e.snapshot.endpoints.length;
    pages++;
    if (!e.snapshot.more) process.stdout.write(`snapshot ${endpoints} ${pages}\n`);
    return;
  }
  if (!e.change) return;
  if (lines.length === 0) setImmediate(flush);
  lines.push(`${e.change.revision} ${wallMs()}\n`);
});
stream.on('error', (err: Error) => {
  process.stderr.write(`watch-client: ${err.message}\n`);
  process.exit(1);
});
