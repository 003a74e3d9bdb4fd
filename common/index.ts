export * from './logger';
export { systemClock, type Clock } from './clock';
export { HeartbeatWatchdog, MISSED_HEARTBEATS } from './heartbeat-watchdog';
export { dropPartialReplyOnDisconnect } from './zk-reconnect-fix';
export { batchWritesPerTick } from './zk-write-batching';
