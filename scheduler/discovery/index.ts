export * from './endpoint';
export { Catalog, type CatalogOptions, type ChangeListener } from './catalog';
export { describeTask, nextStatus, type EndpointDescription } from './task-endpoint';
export * from './sidecar-format';
export { ServicesDocument } from './services-document';
export { startSidecarListener, createSidecarRouter, type SidecarListener, type SidecarListenerOptions } from './sidecar-listener';
export { startGrpcListener, type GrpcListener, type GrpcListenerOptions } from './grpc-listener';
export { createDiscoveryClient, type DiscoveryClient } from './grpc-client';
export * from './grpc-protocol';
export {
  batchesOf, ChangeCoalescer, changesPerMessage, MAX_BATCH_BYTES, MAX_CHANGES_PER_MESSAGE, type BatchLimit, type ScheduleFlush,
} from './change-batches';
export { createDiscovery, drainSecondsFor, DISCOVERY_COLLECTION, type Discovery, type DiscoveryOptions, type DiscoveryScheduler } from './discovery';
export { AgentAddresses, parseAdvertisedAddresses, pickAddress, type AdvertisedAddresses, type LookupAll } from './agent-address';
export { ListenerPush, startStatePush, postJson, type ListenerStats, type PostJson, type StatePush } from './listener-push';
export { backoffMs, changesRotation, PendingEvents, DEFAULT_PUSH_POLICY, type PushPolicy } from './push-policy';
