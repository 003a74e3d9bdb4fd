/**
 * The `griddle.discovery.v1` messages as TypeScript sees them (proto-loader with camelCase
 * fields, enums as names, 64-bit integers as numbers), the loaded service definition, and the
 * conversion from catalog values.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as protoLoader from '@grpc/proto-loader';
import type { CatalogChange, Endpoint, EndpointStatus } from './endpoint';

export interface PortMappingMessage { containerPort: number; hostPort: number; protocol: string; servicePort: number }

export interface EndpointMessage {
  taskId: string;
  serviceName: string;
  requestId: string;
  deployId: string;
  host: string;
  ports: PortMappingMessage[];
  image: string;
  version: string;
  status: EndpointStatus;
  revision: number;
  createdAtMs: number;
  updatedAtMs: number;
  proxyMode: string;
}

export interface ListRequest { serviceName?: string }
export interface ListResponse { revision: number; endpoints: EndpointMessage[] }
export interface WatchRequest {
  fromRevision?: number;
  serviceName?: string;
  /** Opt-in: up to this many changes per `changes` event (capped at MAX_CHANGES_PER_MESSAGE); 0 = one `change` each. */
  maxChangesPerMessage?: number;
}
export interface SnapshotMessage { revision: number; endpoints: EndpointMessage[]; more?: boolean }
export interface ChangeMessage {
  revision: number;
  endpoint: EndpointMessage;
  previousStatus: EndpointStatus;
  hasPreviousStatus: boolean;
  removed: boolean;
}
export interface ChangesMessage { changes: ChangeMessage[] }
export interface WatchEvent {
  snapshot?: SnapshotMessage;
  change?: ChangeMessage;
  /** Only to a watcher that set `maxChangesPerMessage`. */
  changes?: ChangesMessage;
  event?: 'snapshot' | 'change' | 'changes';
}

export const DISCOVERY_SERVICE = 'griddle.discovery.v1.Discovery';

/**
 * The .proto ships in the source tree (scheduler/discovery/proto); compiled code under dist/
 * finds it there too.
 */
export function discoveryProtoPath(): string {
  const candidates = [
    path.join(__dirname, 'proto', 'discovery.proto'),
    path.join(__dirname, '..', '..', '..', 'scheduler', 'discovery', 'proto', 'discovery.proto'),
  ];
  const found = candidates.find((p) => fs.existsSync(p));
  if (!found) throw new Error(`discovery.proto not found (looked in ${candidates.join(', ')})`);
  return found;
}

export const PROTO_LOADER_OPTIONS: protoLoader.Options = {
  keepCase: false, longs: Number, enums: String, defaults: true, oneofs: true,
};

let cached: protoLoader.PackageDefinition | undefined;
export function discoveryPackage(): protoLoader.PackageDefinition {
  cached ??= protoLoader.loadSync(discoveryProtoPath(), PROTO_LOADER_OPTIONS);
  return cached;
}

export function discoveryServiceDefinition(): protoLoader.ServiceDefinition {
  return discoveryPackage()[DISCOVERY_SERVICE] as protoLoader.ServiceDefinition;
}

export function toEndpointMessage(endpoint: Endpoint): EndpointMessage {
  return {
    taskId: endpoint.taskId,
    serviceName: endpoint.serviceName,
    requestId: endpoint.requestId,
    deployId: endpoint.deployId,
    host: endpoint.host,
    ports: endpoint.ports.map((p) => ({ containerPort: p.containerPort, hostPort: p.hostPort, protocol: p.protocol, servicePort: p.servicePort })),
    image: endpoint.image,
    version: endpoint.version,
    status: endpoint.status,
    revision: endpoint.revision,
    createdAtMs: endpoint.createdAt,
    updatedAtMs: endpoint.updatedAt,
    proxyMode: endpoint.proxyMode,
  };
}

export function toChangeMessage(change: CatalogChange): ChangeMessage {
  return {
    revision: change.revision,
    endpoint: toEndpointMessage(change.endpoint),
    previousStatus: change.previousStatus ?? 'ALIVE',
    hasPreviousStatus: change.previousStatus !== undefined,
    removed: change.removed === true,
  };
}

/**
 * An upper estimate of a change's encoded size in bytes: its strings (one byte a character for
 * ASCII) plus a generous allowance for tags, lengths and numbers. It bounds a batched `changes`
 * event without encoding it twice.
 */
export function changeSizeEstimate(change: CatalogChange): number {
  const e = change.endpoint;
  const strings = e.taskId.length + e.serviceName.length + e.requestId.length + e.deployId.length + e.host.length
    + e.image.length + e.version.length + e.proxyMode.length;
  return 96 + strings + e.ports.reduce((sum, p) => sum + 24 + p.protocol.length, 0);
}

/**
 * Endpoints per Snapshot event: at a few hundred bytes each, a page stays far below gRPC's
 * default 4 MB receive limit, which a 100,000-endpoint snapshot in one message exceeds.
 */
export const SNAPSHOT_PAGE_SIZE = 2000;

/** A snapshot as the events that carry it: one per page, `more` on all but the last. */
export function snapshotPages(revision: number, endpoints: readonly Endpoint[], pageSize = SNAPSHOT_PAGE_SIZE): SnapshotMessage[] {
  const pages: SnapshotMessage[] = [];
  for (let start = 0; start === 0 || start < endpoints.length; start += pageSize) {
    const more = start + pageSize < endpoints.length;
    pages.push({ revision, endpoints: endpoints.slice(start, start + pageSize).map(toEndpointMessage), ...(more ? { more } : {}) });
  }
  return pages;
}
