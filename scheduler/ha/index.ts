export { LeaderElection, electionOrder, DEFAULT_SESSION_TIMEOUT_MS, type LeaderInfo } from './leader-election';
export { forwardWritesToLeader, type ForwardOptions } from './forward-writes';
export { LeadershipWatchdog, DEFAULT_LEADER_GRACE_MS, type WatchdogOptions } from './leadership-watchdog';
export { MAX_PAUSE_MS, pauseAfter, StandbyRefresh, type StandbyRefreshOptions } from './standby-refresh';
