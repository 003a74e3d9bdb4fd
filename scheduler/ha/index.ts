export { LeaderElection, electionOrder, type LeaderInfo } from './leader-election';
export { forwardWritesToLeader, type ForwardOptions } from './forward-writes';
