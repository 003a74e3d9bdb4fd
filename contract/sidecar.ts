/**
 * Sidecar's JSON shapes (service.Service, catalog.ServicesState, sidecarhttp.ApiServices) and
 * status codes, so existing Sidecar followers such as haproxy-api read Griddle's catalog
 * unchanged. Times are RFC 3339 strings like Go's time.Time; statuses are Sidecar's numbers.
 */

export const ENDPOINT_STATUSES = ['ALIVE', 'TOMBSTONE', 'UNHEALTHY', 'UNKNOWN', 'DRAINING'] as const;
export type EndpointStatus = (typeof ENDPOINT_STATUSES)[number];

/** Sidecar's numeric status codes (service.ALIVE ... service.DRAINING), used on the Sidecar and gRPC APIs. */
export const SIDECAR_STATUS_CODE: Readonly<Record<EndpointStatus, number>> = {
  ALIVE: 0,
  TOMBSTONE: 1,
  UNHEALTHY: 2,
  UNKNOWN: 3,
  DRAINING: 4,
};

export interface SidecarPort { Type: string; Port: number; ServicePort: number; IP: string }

export interface SidecarService {
  ID: string;
  Name: string;
  Image: string;
  Created: string;
  Hostname: string;
  Ports: SidecarPort[];
  Updated: string;
  ProxyMode: string;
  Status: number;
}

export type SidecarServicesByName = Record<string, SidecarService[]>;

export interface SidecarServer { Name: string; LastUpdated: string; ServiceCount: number }

export interface SidecarServices {
  Services: SidecarServicesByName;
  ClusterMembers?: Record<string, SidecarServer>;
  ClusterName: string;
}

export interface SidecarState {
  Servers: Record<string, { Name: string; Services: Record<string, SidecarService>; LastUpdated: string; LastChanged: string }>;
  LastChanged: string;
  ClusterName: string;
  Hostname: string;
}

/** Sidecar's `ProxyMode` values: how a load balancer fronts the port (`ws` is proxied as HTTP). */
export const SIDECAR_PROXY_MODES = ['http', 'tcp', 'ws'] as const;
export type SidecarProxyMode = (typeof SIDECAR_PROXY_MODES)[number];

/** Sidecar's `catalog.ChangeEvent`: the service as it is now, its status before, and when. */
export interface SidecarChangeEvent { Service: SidecarService; PreviousStatus: number; Time: string }

/**
 * Sidecar's `catalog.StateChangedEvent`, POSTed to every configured listener URL on a change.
 * Followers (haproxy-api's default mode) keep `State` only when its `LastChanged` is later than
 * the state they hold, so `LastChanged` must strictly increase from one event to the next.
 */
export interface SidecarStateChangedEvent { State: SidecarState; ChangeEvent: SidecarChangeEvent }

/** The body of Sidecar's 202 answer to `POST /api/services/{id}/drain`. */
export interface SidecarDrainAnswer { Message: string }
