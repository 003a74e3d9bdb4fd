export { CALLS_IN_FLIGHT, SchedulerClient, MesosCallError, type SchedulerClientEvents, type SchedulerClientOptions } from './scheduler-client';
export { createMasterDetector, leaderZnode, masterUrlFromInfo, StaticMasterDetector, ZkMasterDetector, type MasterDetector } from './master-detector';
export { HeartbeatWatchdog, MISSED_HEARTBEATS } from '../../common/heartbeat-watchdog';
export { ReconnectBackoff } from './reconnect-backoff';
export { isRetryable } from './call-policy';
