/**
 * mesos-local at scale: 1,000 simulated agents, one scheduler over real HTTP.
 * Prints JSON: offers per second (decline/re-offer cycles), accept→RUNNING latency for
 * 10,000 tasks (10 per agent, every update acknowledged), and, measured in the same run, the
 * physical baseline: encoding the same OFFERS events with protobufjs alone.
 *
 * Run: npx tsc -p tsconfig.json && node dist/bench/mesos-local.js [--agents 1000] [--tasks-per-agent 10] [--json]
 */
import fs from 'node:fs';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { createLogger } from '../common';
import { startMesosLocal } from '../mesos-local';
import {
  CONTENT_TYPE_JSON, CONTENT_TYPE_PROTOBUF, decode, encode, encodeRecord, RecordIODecoder,
  type ContentType, type Offer, type SchedulerCall, type SchedulerEvent,
} from '../mesos-proto';

const args = process.argv.slice(2);
const arg = (name: string, fallback: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const AGENTS = arg('agents', 1000);
const TASKS_PER_AGENT = arg('tasks-per-agent', 10);
const OFFER_WINDOW_MS = arg('offer-window-ms', 5000);
const CT: ContentType = args.includes('--json') ? CONTENT_TYPE_JSON : CONTENT_TYPE_PROTOBUF;

const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 64 });

class Client {
  frameworkId = '';
  streamId = '';
  onEvent: (e: SchedulerEvent) => void = () => undefined;
  constructor(private readonly url: string) {}

  subscribe(): Promise<void> {
    return new Promise((resolve, reject) => {
      const req = http.request(`${this.url}/api/v1/scheduler`, { method: 'POST', headers: { 'Content-Type': CT, Accept: CT } }, (res) => {
        this.streamId = String(res.headers['mesos-stream-id']);
        const decoder = new RecordIODecoder();
        res.on('data', (chunk: Buffer) => {
          for (const record of decoder.push(chunk)) {
            const event = decode('mesos.v1.scheduler.Event', record, CT);
            if (event.type === 'SUBSCRIBED') {
              this.frameworkId = event.subscribed!.framework_id.value;
              resolve();
            }
            this.onEvent(event);
          }
        });
      });
      req.on('error', reject);
      req.end(encode('mesos.v1.scheduler.Call', {
        type: 'SUBSCRIBE',
        subscribe: { framework_info: { user: 'bench', name: 'bench', capabilities: [{ type: 'PARTITION_AWARE' }], failover_timeout: 0 } },
      }, CT));
    });
  }

  call(call: SchedulerCall): Promise<number> {
    return new Promise((resolve, reject) => {
      const req = http.request(`${this.url}/api/v1/scheduler`, {
        method: 'POST', agent: keepAlive, headers: { 'Content-Type': CT, 'Mesos-Stream-Id': this.streamId },
      }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end(encode('mesos.v1.scheduler.Call', { framework_id: { value: this.frameworkId }, ...call }, CT));
    });
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const OFFER_INTERVAL_MS = 5;
const LAUNCH_INTERVAL_MS = 1000;
const RESOURCES = 'cpus:16;mem:65536;disk:100000;ports:[31000-32000]';

async function main(): Promise<void> {
  const log = createLogger('bench', { destination: fs.createWriteStream('/dev/null') });
  // Offer throughput runs with a 5 ms allocation interval so that the master, not the
  // interval, is the limit; the launch phase uses Mesos's default of 1 s.
  let local = await startMesosLocal({ port: 0, agents: AGENTS, containerizer: 'simulated', allocationIntervalMs: OFFER_INTERVAL_MS, log, resources: RESOURCES });
  let client = new Client(local.masterUrl);
  const offerBatches: Offer[][] = [];

  // Phase 1: offer throughput — every offer is declined with refuse_seconds 0 and comes back.
  let offersSeen = 0;
  let firstAllOffersMs = 0;
  const subscribeAt = performance.now();
  let declining = true;
  const declines: Promise<number>[] = [];
  client.onEvent = (e) => {
    if (e.type !== 'OFFERS' || !declining) return;
    const offers = e.offers!.offers!;
    offerBatches.push(offers);
    offersSeen += offers.length;
    if (!firstAllOffersMs && offersSeen >= AGENTS) firstAllOffersMs = performance.now() - subscribeAt;
    declines.push(client.call({ type: 'DECLINE', decline: { offer_ids: offers.map((o) => o.id), filters: { refuse_seconds: 0 } } }));
  };
  await client.subscribe();
  const windowStart = performance.now();
  const countAtStart = offersSeen;
  await new Promise((r) => setTimeout(r, OFFER_WINDOW_MS));
  const offersPerSecond = ((offersSeen - countAtStart) / (performance.now() - windowStart)) * 1000;
  declining = false;
  await Promise.all(declines);
  await local.stop();
  local = await startMesosLocal({ port: 0, agents: AGENTS, containerizer: 'simulated', allocationIntervalMs: LAUNCH_INTERVAL_MS, log, resources: RESOURCES });
  client = new Client(local.masterUrl);

  // Phase 2: accept → RUNNING for AGENTS × TASKS_PER_AGENT tasks.
  const total = AGENTS * TASKS_PER_AGENT;
  const acceptedAt = new Map<string, number>();
  const latencies: number[] = [];
  const acks: Promise<number>[] = [];

  let allRunningAt = 0;
  let failures = 0;
  const done = new Promise<void>((resolve) => {
    client.onEvent = (e) => {
      if (e.type === 'OFFERS') {
        const accepts = e.offers!.offers!.map((offer) => {
          const tasks = Array.from({ length: TASKS_PER_AGENT }, (_, i) => ({
            name: 'bench', task_id: { value: `${offer.agent_id.value}-t${i}` }, agent_id: offer.agent_id,
            resources: [{ name: 'cpus', type: 'SCALAR' as const, scalar: { value: 0.1 } }, { name: 'mem', type: 'SCALAR' as const, scalar: { value: 32 } }],
            executor: { type: 'CUSTOM' as const, executor_id: { value: `${offer.agent_id.value}-e${i}` }, command: { value: 'griddle-executor' } },
          }));
          if (acceptedAt.size >= total) return client.call({ type: 'DECLINE', decline: { offer_ids: [offer.id], filters: { refuse_seconds: 3600 } } });
          const now = performance.now();
          for (const t of tasks) acceptedAt.set(t.task_id.value, now);
          return client.call({ type: 'ACCEPT', accept: { offer_ids: [offer.id], operations: [{ type: 'LAUNCH', launch: { task_infos: tasks } }], filters: { refuse_seconds: 3600 } } });
        });
        acks.push(...accepts);
        return;
      }
      if (e.type !== 'UPDATE') return;
      const status = e.update!.status;
      if (status.uuid) acks.push(client.call({ type: 'ACKNOWLEDGE', acknowledge: { agent_id: status.agent_id!, task_id: status.task_id, uuid: status.uuid } }));
      if (status.state === 'TASK_RUNNING') {
        const started = acceptedAt.get(status.task_id.value);
        if (started !== undefined) latencies.push(performance.now() - started);
        if (latencies.length === total) {
          allRunningAt = performance.now();
          resolve();
        }
      } else if (status.state !== 'TASK_STARTING') failures++;
    };
  });
  const launchStart = performance.now();
  await client.subscribe();
  await done;
  await Promise.all(acks);

  // Baseline: the same OFFERS events encoded (same content type + RecordIO) without HTTP or allocation.
  const sample = offerBatches.slice(0, 20);
  const sampleOffers = sample.reduce((n, b) => n + b.length, 0);
  let encoded = 0;
  const baseStart = performance.now();
  while (performance.now() - baseStart < 1000) {
    for (const batch of sample) encodeRecord(encode('mesos.v1.scheduler.Event', { type: 'OFFERS', offers: { offers: batch } }, CT));
    encoded += sampleOffers;
  }
  const baselineOffersPerSecond = (encoded / (performance.now() - baseStart)) * 1000;

  latencies.sort((a, b) => a - b);
  const result = {
    bench: 'mesos-local',
    agents: AGENTS,
    containerizer: 'simulated',
    contentType: CT,
    offerPhaseAllocationIntervalMs: OFFER_INTERVAL_MS,
    launchPhaseAllocationIntervalMs: LAUNCH_INTERVAL_MS,
    firstOffersFromAllAgentsMs: Math.round(firstAllOffersMs),
    offersPerSecond: Math.round(offersPerSecond),
    baselineEncodeOffersPerSecond: Math.round(baselineOffersPerSecond),
    offersPerSecondRatioToBaseline: Number((offersPerSecond / baselineOffersPerSecond).toFixed(4)),
    tasks: total,
    /** From SUBSCRIBE to the last TASK_RUNNING, with every update acknowledged. */
    allRunningMs: Math.round(allRunningAt - launchStart),
    acceptToRunningMs: {
      p50: Math.round(percentile(latencies, 50)),
      p90: Math.round(percentile(latencies, 90)),
      p99: Math.round(percentile(latencies, 99)),
      max: Math.round(latencies[latencies.length - 1]),
    },
    nonRunningUpdates: failures,
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  keepAlive.destroy();
  await local.stop();
  process.exit(0);
}

main().catch((err: unknown) => {
  process.stderr.write(`${String((err as Error).stack ?? err)}\n`);
  process.exit(1);
});
