/**
 * gRPC listener (default :7098): `griddle.discovery.v1.Discovery` (List, Watch) and the
 * standard `grpc.health.v1.Health` service.
 */
import * as grpc from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';
import type { Logger } from '../../common';
import type { Catalog } from './catalog';
import { batchesOf, ChangeCoalescer, changesPerMessage, MAX_BATCH_BYTES } from './change-batches';
import type { CatalogChange } from './endpoint';
import {
  changeSizeEstimate, DISCOVERY_SERVICE, discoveryServiceDefinition, snapshotPages, toChangeMessage, toEndpointMessage,
  type ListRequest, type ListResponse, type WatchEvent, type WatchRequest,
} from './grpc-protocol';

export interface GrpcListenerOptions {
  catalog: Catalog;
  port?: number;
  host?: string;
  /**
   * A watcher whose unsent backlog exceeds this many events is ended with RESOURCE_EXHAUSTED
   * (it resumes from its last revision) rather than growing memory without bound. For a
   * batching watcher, its unsent `changes` events plus the changes waiting for the turn's flush.
   */
  maxBacklog?: number;
  log?: Logger;
}

export interface GrpcListener {
  port: number;
  close(): Promise<void>;
}

export async function startGrpcListener(options: GrpcListenerOptions): Promise<GrpcListener> {
  const { catalog, log } = options;
  const maxBacklog = options.maxBacklog ?? 100_000;
  const server = new grpc.Server();
  const watchers = new Set<grpc.ServerWritableStream<WatchRequest, WatchEvent>>();
  const health = new HealthImplementation({ '': 'SERVING', [DISCOVERY_SERVICE]: 'SERVING' });
  health.addToServer(server);

  const list: grpc.handleUnaryCall<ListRequest, ListResponse> = (call, callback) => {
    const endpoints = catalog.list(call.request.serviceName || undefined);
    callback(null, { revision: catalog.revision, endpoints: endpoints.map(toEndpointMessage) });
  };

  const sendSnapshot = (call: grpc.ServerWritableStream<WatchRequest, WatchEvent>, serviceName: string | undefined): void => {
    for (const snapshot of snapshotPages(catalog.revision, catalog.list(serviceName))) call.write({ snapshot });
  };

  const watch: grpc.handleServerStreamingCall<WatchRequest, WatchEvent> = (call) => {
    const serviceName = call.request.serviceName || undefined;
    const fromRevision = call.request.fromRevision ?? 0;
    const wanted = (change: CatalogChange): boolean => !serviceName || change.endpoint.serviceName === serviceName;
    const perMessage = changesPerMessage(call.request.maxChangesPerMessage);
    const limit = { maxPerMessage: perMessage, sizeOf: changeSizeEstimate, maxBytes: MAX_BATCH_BYTES };
    const sendBatch = (batch: CatalogChange[]): void => {
      call.write({ changes: { changes: batch.map(toChangeMessage) } });
    };
    // A watcher that opted in gets the changes of one event-loop turn together; others get one
    // `change` event per change, as before.
    const coalescer = perMessage > 0 ? new ChangeCoalescer(limit, sendBatch) : undefined;
    // Snapshot (or replay) and subscription happen in one tick, so no change falls between them.
    const replay = fromRevision > 0 ? catalog.changesSince(fromRevision) : undefined;
    if (replay) {
      const changes = replay.filter(wanted);
      if (perMessage > 0) for (const batch of batchesOf(changes, limit)) sendBatch(batch);
      else for (const change of changes) call.write({ change: toChangeMessage(change) });
    } else {
      sendSnapshot(call, serviceName);
    }
    let last = catalog.revision;
    const unsubscribe = catalog.subscribe((change) => {
      if (!wanted(change)) return;
      if (call.writableLength + (coalescer?.size ?? 0) > maxBacklog) {
        unsubscribe();
        coalescer?.close();
        call.emit('error', { code: grpc.status.RESOURCE_EXHAUSTED, details: `watcher fell behind; resume from revision ${last}` });
        return;
      }
      last = change.revision;
      if (coalescer) coalescer.add(change);
      else call.write({ change: toChangeMessage(change) });
    });
    // After a restore (this scheduler became leader) the catalog was replaced: a new snapshot
    // replaces everything the watcher held. Changes still waiting go first, keeping the order.
    const unsubscribeReset = catalog.onReset(() => {
      coalescer?.flush();
      last = catalog.revision;
      sendSnapshot(call, serviceName);
    });
    watchers.add(call);
    const done = (): void => {
      unsubscribe();
      unsubscribeReset();
      coalescer?.close();
      watchers.delete(call);
    };
    call.on('cancelled', done);
    call.on('close', done);
    call.on('finish', done);
  };

  server.addService(discoveryServiceDefinition() as unknown as grpc.ServiceDefinition, { List: list, Watch: watch });
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${options.host ?? '0.0.0.0'}:${options.port ?? 7098}`, grpc.ServerCredentials.createInsecure(),
      (err, bound) => (err ? reject(err) : resolve(bound)));
  });
  log?.info({ port }, 'discovery gRPC listener up');

  return {
    port,
    close: async () => {
      health.setStatus('', 'NOT_SERVING');
      health.setStatus(DISCOVERY_SERVICE, 'NOT_SERVING');
      // End every Watch with status OK so clients see a clean end of stream, not a reset.
      for (const call of watchers) call.end();
      watchers.clear();
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, 5000);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      });
    },
  };
}
