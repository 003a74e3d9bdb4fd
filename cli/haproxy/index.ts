export { runHaproxy, type RunHaproxyOptions, type HaproxyRunner, type AppliedEvent, type RejectedEvent } from './haproxy-runner';
export { renderHaproxyConfig, type HaproxyConfigOptions, type RenderedConfig } from './haproxy-config';
export { followCatalog, watchUrl, type CatalogFollower } from './catalog-follower';
export { JsonDocumentSplitter } from './json-stream';
export { HoldDown } from './hold-down';
