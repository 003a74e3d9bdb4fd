export { matchOffers, type Assignment, type MatchInput, type MatchResult } from './offer-matcher';
export { emptyLoad, totalOf, type AgentLoad, type ExecutorDemand, type TaskDemand } from './task-demand';
export { perAgentLimit } from './placement-rules';
export { byPriority, DEFAULT_TASK_PRIORITY } from './ranking';
export { acceptsNewTasks, effectiveState, isDecommissioning } from './machine-rules';
export { SlotHeap, type RankedSlot } from './slot-heap';
