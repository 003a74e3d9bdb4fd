import type { Scheduler } from '../core';

/**
 * The part of the scheduler core the deploy engine and the API use; named so the engine's
 * dependencies are visible at a glance.
 */
export type SchedulerPort = Pick<
  Scheduler,
  | 'requests' | 'deploys' | 'tasks' | 'pendingReasons' | 'events' | 'isLeader' | 'store'
  | 'putRequest' | 'putDeploy' | 'deleteRequest' | 'killTask' | 'setDesiredProvider' | 'poke' | 'mesosTaskInfo'
  | 'agents' | 'machines' | 'priorityFreeze' | 'setPriorityFreeze' | 'setUnreachableHold'
>;

export { deployKey } from '../core';
