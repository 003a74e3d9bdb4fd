export * from './endpoint';
export { Catalog, type CatalogOptions, type ChangeListener } from './catalog';
export { describeTask, nextStatus, type EndpointDescription } from './task-endpoint';
export * from './sidecar-format';
export { startSidecarListener, createSidecarRouter, type SidecarListener, type SidecarListenerOptions } from './sidecar-listener';
export { startGrpcListener, type GrpcListener, type GrpcListenerOptions } from './grpc-listener';
export { createDiscoveryClient, type DiscoveryClient } from './grpc-client';
export * from './grpc-protocol';
export { createDiscovery, drainSecondsFor, DISCOVERY_COLLECTION, type Discovery, type DiscoveryOptions, type DiscoveryScheduler } from './discovery';
