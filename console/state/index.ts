export { EventStream, type EventStreamDeps, type StreamClock } from './event-stream';
export { type ResumeState, type StreamStatus, retryDelay } from './resume';
export {
  type OverviewState, emptyOverview, loaded, reduceOverview, rowsLoaded, rowsReloaded, underProvisionedReloaded, visibleRows,
} from './overview-reducer';
export { appendEvent, describeEvent, requestIdOf } from './event-log';
export { type DiffRow, canonicalJson, sideBySide } from './line-diff';
export { type LogTail, TAIL_BYTES, appendChunk, tailStart } from './log-tail';
export { type DurationInput, type ExpiringKind, type ExpiringView, expiringActions, machineExpiry, parseDuration } from './expiring';
