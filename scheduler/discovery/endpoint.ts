/**
 * What the catalog holds: one endpoint per task, with Sidecar's statuses. Plain data, as it is
 * persisted in the state store and served on every API.
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

export interface EndpointPort {
  /** The port the process listens on inside its container (equal to hostPort in HOST networking). */
  containerPort: number;
  /** The agent's port that reaches it. */
  hostPort: number;
  protocol: 'tcp' | 'udp';
  /**
   * The well-known port load balancers bind for this port: Sidecar's `ServicePort`, from a
   * `ServicePort_<containerPort>=<port>` label (docker parameter or TaskInfo label), else the
   * container port.
   */
  servicePort: number;
}

export interface Endpoint {
  taskId: string;
  serviceName: string;
  requestId: string;
  deployId: string;
  /** The agent's hostname; HAProxy and Sidecar clients connect to it. */
  host: string;
  ports: EndpointPort[];
  image: string;
  version: string;
  /** Sidecar's ProxyMode: `http` (default) or `tcp`, from a `ProxyMode` label. */
  proxyMode: string;
  status: EndpointStatus;
  /** Milliseconds since the epoch. */
  createdAt: number;
  updatedAt: number;
  /** The catalog revision of this endpoint's last change. */
  revision: number;
}

/** One change of the catalog, in revision order. `removed` marks an expired tombstone leaving it. */
export interface CatalogChange {
  revision: number;
  endpoint: Endpoint;
  previousStatus?: EndpointStatus;
  removed?: boolean;
}
