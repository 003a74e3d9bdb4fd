/**
 * Expiring machine states (Singularity's SingularityExpiringMachineState): a freeze,
 * decommission or activate sent with `durationMillis` reverts the machine to `revertToState`
 * (default: its state before the change) when the time is up. Kept in the `expiring-machines`
 * store collection, one per machine, so a new leader carries on; the leader's tick applies them.
 */
import type { MachineState, SingularityExpiringMachineState } from '../../contract';
import type { Logger } from '../../common';
import type { MachineKind } from '../core';
import type { SchedulerPort } from '../deploys';

export interface ExpiringMachine { kind: MachineKind; expiring: SingularityExpiringMachineState }

const keyOf = (kind: MachineKind, id: string): string => `${kind}/${id}`;

/** The machines whose change is up by `now`, oldest first. Pure. */
export function dueMachines(all: Iterable<ExpiringMachine>, now: number): ExpiringMachine[] {
  return [...all]
    .filter((e) => e.expiring.startMillis + (e.expiring.expiringAPIRequestObject.durationMillis ?? Infinity) <= now)
    .sort((a, b) => a.expiring.startMillis - b.expiring.startMillis);
}

export class ExpiringMachineStates {
  private readonly held = new Map<string, ExpiringMachine>();

  constructor(private readonly scheduler: SchedulerPort, private readonly log?: Logger) {}

  async reload(): Promise<void> {
    const stored = await this.scheduler.store.load('expiring-machines');
    this.held.clear();
    for (const [key, v] of stored) this.held.set(key, v as ExpiringMachine);
  }

  list(kind: MachineKind): SingularityExpiringMachineState[] {
    return [...this.held.values()].filter((e) => e.kind === kind).map((e) => e.expiring);
  }

  get(kind: MachineKind, id: string): SingularityExpiringMachineState | undefined {
    return this.held.get(keyOf(kind, id))?.expiring;
  }

  save(kind: MachineKind, expiring: SingularityExpiringMachineState): void {
    const key = keyOf(kind, expiring.machineId);
    this.held.set(key, { kind, expiring });
    this.scheduler.store.put('expiring-machines', key, { kind, expiring });
  }

  /** Cancels a machine's expiry (its state stays); false when it had none. */
  drop(kind: MachineKind, id: string): boolean {
    const key = keyOf(kind, id);
    if (!this.held.delete(key)) return false;
    this.scheduler.store.delete('expiring-machines', key);
    return true;
  }

  /** The leader reverts what is due; the record goes either way (a revert the rules refuse is logged). */
  tick(now: number, leader: boolean): void {
    if (!leader) return;
    for (const { kind, expiring: e } of dueMachines(this.held.values(), now)) {
      const to: MachineState = e.revertToState;
      const result = this.scheduler.machines.change(kind, e.machineId, to, { user: e.user, message: `expiring change ${e.actionId} ended: back to ${to}` });
      if (result === 'illegal') this.log?.warn({ kind, machineId: e.machineId, to }, 'expiring machine state could not be reverted');
      this.drop(kind, e.machineId);
      this.scheduler.poke();
    }
  }
}
