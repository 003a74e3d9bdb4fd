export { matchOffers, type Assignment, type MatchInput, type MatchResult } from './offer-matcher';
export { emptyLoad, type AgentLoad, type TaskDemand } from './task-demand';
export { perAgentLimit } from './placement-rules';
