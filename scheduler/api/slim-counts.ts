import { TaskMap } from '../core';
import type { SchedulerPort } from '../deploys';
import type { DeployRecord, TaskRecord } from '../model';
import { AgentReservations } from './agent-reservations';
import { reservationOf } from './cluster-utilization';
import { DeployInstances } from './deploy-instances';
import { TaskStateCounts } from './task-state-counts';

/** The three counts the overview and the agents list read. */
export interface SlimTallies {
  states: TaskStateCounts;
  instances: DeployInstances;
  reserved: AgentReservations;
}

/**
 * The per-state, per-deploy and per-agent counts behind `/slim/overview` and `/slim/agents`,
 * kept up to date by the task map's change hook, so a call costs what changed since the last
 * one, not a walk of every task. A plain Map (a test's fake scheduler) has no hook: the counts
 * are then built afresh on each read.
 */
export class SlimCounts {
  private kept?: SlimTallies;
  private stopWatch?: () => void;

  constructor(private readonly scheduler: SchedulerPort, private readonly deployOf: (requestId: string, deployId: string) => DeployRecord | undefined) {}

  start(): void {
    const { tasks } = this.scheduler;
    if (!(tasks instanceof TaskMap)) return;
    this.kept = this.fresh();
    const unwatch = tasks.watch({
      changed: (id, previous, next) => feed(this.read(), id, previous, next),
      cleared: () => {
        this.kept = this.fresh();
      },
    });
    const onDeploy = (record: DeployRecord, previous?: DeployRecord): void => {
      if (previous?.deploy === record.deploy) return;
      const ofDeploy = [...tasks.ofRequest(record.deploy.requestId).values()].filter((t) => t.deployId === record.deploy.id);
      this.read().reserved.touch(ofDeploy);
    };
    this.scheduler.events.on('deploy', onDeploy);
    this.stopWatch = () => {
      unwatch();
      this.scheduler.events.off('deploy', onDeploy);
    };
  }

  stop(): void {
    this.stopWatch?.();
    this.stopWatch = undefined;
    this.kept = undefined;
  }

  /** The kept counts, or (without a change hook) counts built now. */
  read(): SlimTallies {
    return this.kept ?? this.fresh();
  }

  private fresh(): SlimTallies {
    const tallies: SlimTallies = {
      states: new TaskStateCounts(),
      instances: new DeployInstances(),
      reserved: new AgentReservations((t) => reservationOf(t, this.deployOf(t.requestId, t.deployId)?.deploy.resources)),
    };
    for (const [id, t] of this.scheduler.tasks) feed(tallies, id, undefined, t);
    return tallies;
  }
}

function feed(tallies: SlimTallies, id: string, previous: TaskRecord | undefined, next: TaskRecord | undefined): void {
  tallies.states.change(id, previous, next);
  tallies.instances.change(previous, next);
  tallies.reserved.change(id, previous, next);
}
