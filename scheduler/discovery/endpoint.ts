/**
 * What the catalog holds: one endpoint per task, with Sidecar's statuses. Plain data, as it is
 * persisted in the state store and served on every API.
 */

import type { EndpointStatus } from '../../contract';

export { ENDPOINT_STATUSES, SIDECAR_STATUS_CODE, type EndpointStatus } from '../../contract';

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
