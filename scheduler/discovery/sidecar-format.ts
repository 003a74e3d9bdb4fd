/**
 * Endpoints rendered in Sidecar's shapes (defined in `contract/sidecar`), as Sidecar's own
 * listener would serve them.
 */
import {
  SIDECAR_STATUS_CODE, type SidecarChangeEvent, type SidecarService, type SidecarServices, type SidecarServicesByName, type SidecarState,
} from '../../contract';
import type { Catalog } from './catalog';
import type { CatalogChange, Endpoint } from './endpoint';

export type {
  SidecarChangeEvent, SidecarPort, SidecarServer, SidecarService, SidecarServices, SidecarServicesByName, SidecarState, SidecarStateChangedEvent,
} from '../../contract';

const EPOCH = new Date(0).toISOString();

export function toSidecarService(endpoint: Endpoint): SidecarService {
  return {
    ID: endpoint.taskId,
    Name: endpoint.serviceName,
    Image: endpoint.image,
    Created: new Date(endpoint.createdAt).toISOString(),
    Hostname: endpoint.host,
    Ports: endpoint.ports.map((p) => ({ Type: p.protocol, Port: p.hostPort, ServicePort: p.servicePort, IP: endpoint.ip || endpoint.host })),
    Updated: new Date(endpoint.updatedAt).toISOString(),
    ProxyMode: endpoint.proxyMode,
    Status: SIDECAR_STATUS_CODE[endpoint.status],
  };
}

/** Sidecar's `state.ByService()`: what /api/services.json wraps and /api/watch streams. */
export function servicesByName(endpoints: Iterable<Endpoint>): SidecarServicesByName {
  const byName: SidecarServicesByName = {};
  for (const endpoint of endpoints) (byName[endpoint.serviceName] ??= []).push(toSidecarService(endpoint));
  return byName;
}

export function sidecarServices(endpoints: Endpoint[], clusterName: string, hostname: string): SidecarServices {
  const lastUpdated = endpoints.reduce((max, e) => Math.max(max, e.updatedAt), 0);
  return {
    Services: servicesByName(endpoints),
    ClusterMembers: {
      [hostname]: { Name: hostname, LastUpdated: lastUpdated ? new Date(lastUpdated).toISOString() : EPOCH, ServiceCount: endpoints.length },
    },
    ClusterName: clusterName,
  };
}

/**
 * Sidecar's whole `ServicesState`, servers keyed by the agent host the tasks run on.
 * `lastChanged` (the catalog's, which strictly increases) wins over the endpoints' own times.
 */
export function sidecarState(endpoints: Endpoint[], clusterName: string, hostname: string, catalogChanged = 0): SidecarState {
  let lastChanged = catalogChanged;
  const state: SidecarState = { Servers: {}, LastChanged: EPOCH, ClusterName: clusterName, Hostname: hostname };
  const hostChanged = new Map<string, number>();
  for (const endpoint of endpoints) {
    const server = (state.Servers[endpoint.host] ??= { Name: endpoint.host, Services: {}, LastUpdated: EPOCH, LastChanged: EPOCH });
    server.Services[endpoint.taskId] = toSidecarService(endpoint);
    const changed = Math.max(hostChanged.get(endpoint.host) ?? 0, endpoint.updatedAt);
    hostChanged.set(endpoint.host, changed);
    server.LastUpdated = server.LastChanged = new Date(changed).toISOString();
    lastChanged = Math.max(lastChanged, endpoint.updatedAt);
  }
  if (lastChanged) state.LastChanged = new Date(lastChanged).toISOString();
  return state;
}

export function catalogState(catalog: Pick<Catalog, 'list' | 'lastChanged'>, clusterName: string, hostname: string): SidecarState {
  return sidecarState(catalog.list(), clusterName, hostname, catalog.lastChanged);
}

/** Sidecar's `ChangeEvent` for one catalog change; `time` is the catalog's `LastChanged` after it. */
export function sidecarChangeEvent(change: CatalogChange, time: number): SidecarChangeEvent {
  return {
    Service: toSidecarService(change.endpoint),
    // Sidecar reports a service it has not seen before as coming from UNKNOWN.
    PreviousStatus: SIDECAR_STATUS_CODE[change.previousStatus ?? 'UNKNOWN'],
    Time: new Date(time).toISOString(),
  };
}
