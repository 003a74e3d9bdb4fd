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
   * `ServicePort_<containerPort>=<port>` label (docker parameter or TaskInfo label), else 0,
   * which Sidecar's followers read as "not proxied".
   */
  servicePort: number;
}

export interface Endpoint {
  taskId: string;
  serviceName: string;
  requestId: string;
  deployId: string;
  /** The agent's hostname (Sidecar's `Hostname`, and the server it is listed under). */
  host: string;
  /**
   * The address clients connect to (Sidecar's port `IP`): the advertised address for the agent,
   * else its resolved hostname. Absent while the lookup is pending (and in records persisted
   * before it existed); the hostname stands in until then.
   */
  ip?: string;
  ports: EndpointPort[];
  image: string;
  version: string;
  /** Sidecar's ProxyMode: `http` (default), `tcp` or `ws`, from a `ProxyMode` label. */
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
