import type { MachineState } from '../../contract';

/**
 * Maintenance states an operator gives agents and racks. Only an ACTIVE machine (or one Griddle
 * has no record of yet: it was just seen in its first offer) takes new tasks; FROZEN keeps what
 * runs but takes nothing new, and a decommissioning one is being emptied.
 */
export function acceptsNewTasks(state: MachineState | undefined): boolean {
  return state === undefined || state === 'ACTIVE';
}

/**
 * The state that governs an agent: its own, unless its rack's is stricter (a frozen or
 * decommissioned rack holds every agent in it).
 */
export function effectiveState(agent: MachineState | undefined, rack: MachineState | undefined): MachineState | undefined {
  const rank = (s: MachineState | undefined): number =>
    s === undefined || s === 'ACTIVE' ? 0 : s === 'FROZEN' ? 1 : s === 'MISSING_ON_STARTUP' ? 1 : 2;
  return rank(rack) > rank(agent) ? rack : agent;
}

/** Whether an agent's tasks must move elsewhere (replaced first, then retired). */
export function isDecommissioning(state: MachineState | undefined): boolean {
  return state === 'STARTING_DECOMMISSION' || state === 'DECOMMISSIONING' || state === 'DECOMMISSIONED';
}

/** The pending reason when every offer came from an agent that takes no new tasks. */
export function heldAgentsReason(states: readonly MachineState[]): string {
  const counts = new Map<MachineState, number>();
  for (const s of states) counts.set(s, (counts.get(s) ?? 0) + 1);
  const parts = [...counts].map(([s, n]) => `${n} ${s}`).join(', ');
  return `no offer from an ACTIVE agent (offers only from agents that take no new tasks: ${parts})`;
}
