/**
 * Wires the catalog to the scheduler core: fed by its task events, persisted in its state store
 * (collection `discovery`), restored when this scheduler becomes leader, and installed as the
 * kill gate so every kill drains the endpoint first. Serves the Sidecar and gRPC listeners.
 */
import type { EventEmitter } from 'node:events';
import os from 'node:os';
import { isTerminalState } from '../../mesos-proto';
import { createLogger, type Logger } from '../../common';
import type { DeployRecord, RequestRecord, TaskRecord } from '../model';
import { Catalog } from './catalog';
import { ENDPOINT_STATUSES, type CatalogChange, type Endpoint } from './endpoint';
import type { TokenTable } from '../api/auth';
import { AgentAddresses, type AdvertisedAddresses, type LookupAll } from './agent-address';
import { startGrpcListener, type GrpcListener } from './grpc-listener';
import { startStatePush, type ListenerStats } from './listener-push';
import type { PushPolicy } from './push-policy';
import { startSidecarListener, type SidecarListener } from './sidecar-listener';
import { nextStatus } from './task-endpoint';

export const DISCOVERY_COLLECTION = 'discovery';
/** The catalog revision, kept beside the endpoints so it never goes back after a failover. */
const REVISION_KEY = '_revision';

/** What discovery needs of the scheduler core (a subset of its `Scheduler`). */
export interface DiscoveryScheduler {
  readonly events: Pick<EventEmitter, 'on' | 'off'>;
  readonly tasks: ReadonlyMap<string, TaskRecord>;
  readonly requests: ReadonlyMap<string, RequestRecord>;
  readonly deploys: ReadonlyMap<string, DeployRecord>;
  readonly isLeader?: boolean;
  readonly store: {
    load(collection: string): Promise<Map<string, unknown>>;
    put(collection: string, id: string, value: unknown): void;
    delete(collection: string, id: string): void;
  };
  setKillGate(gate: (task: TaskRecord) => Promise<void>): void;
}

export interface DiscoveryOptions {
  /** Sidecar-compatible HTTP port (default 7777; 0 = ephemeral; false = none). */
  sidecarPort?: number | false;
  /** gRPC port (default 7098; 0 = ephemeral; false = none). */
  grpcPort?: number | false;
  bind?: string;
  clusterName?: string;
  hostname?: string;
  tombstoneTtlMs?: number;
  /** How often tombstones expire and endpoints of tasks the scheduler forgot are tombstoned (default 30 s). */
  sweepIntervalMs?: number;
  /** Drain time when neither the deploy nor the request sets `drainSeconds` (default 0). */
  defaultDrainSeconds?: number;
  /**
   * Whether this scheduler leads at start (default: `scheduler.isLeader`, else true); 'leader'
   * events update it. Only the
   * leader writes the catalog to the store and tombstones endpoints of forgotten tasks.
   */
  leader?: boolean;
  /** URLs that get Sidecar's StateChangedEvent POSTed on every change (`--discovery-listener`). */
  listeners?: readonly string[];
  pushPolicy?: PushPolicy;
  /** Addresses published as the endpoints' IP instead of the resolved agent hostname. */
  advertise?: AdvertisedAddresses;
  /** Hostname lookups (default: the system resolver). */
  lookup?: LookupAll;
  /** API tokens: with them, the Sidecar drain route needs a deploy token. */
  tokens?: TokenTable;
  now?: () => number;
  log?: Logger;
}

export interface Discovery {
  readonly catalog: Catalog;
  /** Ports actually bound (useful with 0). */
  readonly sidecarPort: number | undefined;
  readonly grpcPort: number | undefined;
  /** Delivery counters per listener URL (delivered, failures, dropped, pending). */
  listenerStats(): ListenerStats[];
  close(): Promise<void>;
}

/** The deploy's `drainSeconds`, else the request's, else the default. */
export function drainSecondsFor(
  task: Pick<TaskRecord, 'requestId' | 'deployId'>,
  requests: ReadonlyMap<string, RequestRecord>,
  deploys: ReadonlyMap<string, DeployRecord>,
  fallback = 0,
): number {
  const seconds = deploys.get(`${task.requestId}/${task.deployId}`)?.deploy.drainSeconds
    ?? requests.get(task.requestId)?.request.drainSeconds
    ?? fallback;
  return Number.isFinite(seconds) && seconds > 0 ? seconds : 0;
}

function isEndpoint(value: unknown): value is Endpoint {
  const v = value as Partial<Endpoint> | null;
  return typeof v === 'object' && v !== null && typeof v.taskId === 'string' && typeof v.revision === 'number'
    && Array.isArray(v.ports) && ENDPOINT_STATUSES.includes(v.status as Endpoint['status']);
}

export async function createDiscovery(scheduler: DiscoveryScheduler, options: DiscoveryOptions = {}): Promise<Discovery> {
  const log = options.log ?? createLogger('griddle-discovery');
  // When an agent's hostname resolves, its endpoints are described again with the address.
  const addresses = new AgentAddresses({
    advertised: options.advertise,
    lookup: options.lookup,
    log,
    onResolved: (hostname) => {
      for (const task of scheduler.tasks.values()) if (task.hostname === hostname) catalog.applyTask(task);
    },
  });
  const catalog = new Catalog({ now: options.now, tombstoneTtlMs: options.tombstoneTtlMs, addressOf: (h) => addresses.addressOf(h) });
  const { store } = scheduler;
  let leading = options.leader ?? scheduler.isLeader ?? true;

  const restore = async (): Promise<void> => {
    const stored = await store.load(DISCOVERY_COLLECTION);
    const endpoints: Endpoint[] = [];
    let revision = 0;
    for (const [id, value] of stored) {
      if (id === REVISION_KEY) revision = Number((value as { revision?: unknown } | null)?.revision) || 0;
      else if (isEndpoint(value)) endpoints.push(value);
      else log.warn({ id }, 'ignoring a malformed discovery record');
    }
    catalog.restore(endpoints, revision);
    for (const task of scheduler.tasks.values()) catalog.applyTask(task);
    log.info({ endpoints: catalog.size, revision: catalog.revision }, 'discovery catalog restored');
  };

  // Restore before subscribing the persister: the restored endpoints are already stored.
  await restore();
  const persist = (change: CatalogChange): void => {
    if (!leading) return;
    if (change.removed) {
      store.delete(DISCOVERY_COLLECTION, change.endpoint.taskId);
      store.put(DISCOVERY_COLLECTION, REVISION_KEY, { revision: change.revision });
    } else {
      store.put(DISCOVERY_COLLECTION, change.endpoint.taskId, change.endpoint);
    }
    log.info({
      taskId: change.endpoint.taskId, service: change.endpoint.serviceName, status: change.removed ? 'REMOVED' : change.endpoint.status,
      previousStatus: change.previousStatus, revision: change.revision,
    }, 'discovery change');
  };
  catalog.subscribe(persist);

  // Tasks waiting in the kill gate, released early when they end.
  const draining = new Map<string, () => void>();
  const onTask = (task: TaskRecord): void => {
    catalog.applyTask(task);
    if (isTerminalState(task.state)) draining.get(task.taskId)?.();
  };
  const onLeader = (isLeader: boolean): void => {
    leading = isLeader;
    if (isLeader) void restore().catch((err: Error) => log.error({ err: err.message }, 'restoring the discovery catalog failed'));
  };
  scheduler.events.on('task', onTask);
  scheduler.events.on('leader', onLeader);

  scheduler.setKillGate(async (task) => {
    // The kill's own task event may already have marked the endpoint DRAINING, so ask what it
    // was without the kill.
    const { killRequestedAt: _kill, ...unkilled } = task;
    const wasInRotation = catalog.get(task.taskId) !== undefined && nextStatus(undefined, unkilled) === 'ALIVE';
    catalog.applyTask(task);
    catalog.drain(task.taskId);
    const seconds = drainSecondsFor(task, scheduler.requests, scheduler.deploys, options.defaultDrainSeconds);
    // Only an endpoint that was in rotation has connections to drain: an unhealthy or
    // never-healthy task (a failed deploy's) is killed at once.
    if (seconds === 0 || !wasInRotation) return;
    log.info({ taskId: task.taskId, drainSeconds: seconds }, 'draining before kill');
    await new Promise<void>((resolve) => {
      const release = (): void => {
        clearTimeout(timer);
        draining.delete(task.taskId);
        resolve();
      };
      const timer = setTimeout(release, seconds * 1000);
      draining.set(task.taskId, release);
    });
  });

  const sweep = setInterval(() => {
    if (!leading) return;
    for (const endpoint of catalog.list()) {
      if (endpoint.status !== 'TOMBSTONE' && !scheduler.tasks.has(endpoint.taskId)) catalog.tombstone(endpoint.taskId);
    }
    catalog.expireTombstones();
  }, options.sweepIntervalMs ?? 30_000);
  sweep.unref();

  const clusterName = options.clusterName ?? 'griddle';
  const hostname = options.hostname ?? os.hostname();
  const push = startStatePush(catalog, options.listeners ?? [], { clusterName, hostname, policy: options.pushPolicy, log });
  let sidecar: SidecarListener | undefined;
  let grpcListener: GrpcListener | undefined;
  try {
    if (options.sidecarPort !== false) {
      sidecar = await startSidecarListener({
        catalog, port: options.sidecarPort ?? 7777, host: options.bind, clusterName, hostname, tokens: options.tokens, log,
      });
    }
    if (options.grpcPort !== false) {
      grpcListener = await startGrpcListener({ catalog, port: options.grpcPort ?? 7098, host: options.bind, log });
    }
  } catch (err) {
    clearInterval(sweep);
    push.close();
    await sidecar?.close();
    throw err;
  }

  return {
    catalog,
    sidecarPort: sidecar?.port,
    grpcPort: grpcListener?.port,
    listenerStats: () => push.stats(),
    close: async () => {
      clearInterval(sweep);
      push.close();
      scheduler.events.off('task', onTask);
      scheduler.events.off('leader', onLeader);
      for (const release of [...draining.values()]) release();
      await Promise.all([sidecar?.close(), grpcListener?.close()]);
    },
  };
}
