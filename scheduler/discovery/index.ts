export * from './endpoint';
export { Catalog, type CatalogOptions, type ChangeListener } from './catalog';
export { describeTask, nextStatus, type EndpointDescription } from './task-endpoint';
