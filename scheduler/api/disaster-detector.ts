import type { SingularityDisasterDataPoint, SingularityDisasterType } from '../../contract';

/**
 * Thresholds of the disaster detector, with Singularity's defaults (DisasterDetectionConfiguration)
 * except `runEveryMs`: a data point every 10 s.
 */
export interface DisasterConfig {
  runEveryMs: number;
  statsHistorySize: number;
  /** A pending task waiting longer than this is late (Singularity's deltaAfterWhichTasksAreLateMillis). */
  lateAfterMs: number;
  warningAvgTaskLagMs: number;
  warningOverdueTaskPortion: number;
  criticalAvgTaskLagMs: number;
  criticalOverdueTaskPortion: number;
  /** Task lag must stay over a threshold this long before it is a disaster (one slow cycle is not). */
  triggerAfterMsOverTaskLag: number;
  criticalLostAgentPortion: number;
  criticalLostTaskPortion: number;
  /** Lost tasks count toward a data point for this long after they were lost. */
  lostTaskWindowMs: number;
}

export const DEFAULT_DISASTER_CONFIG: DisasterConfig = {
  runEveryMs: 10_000,
  statsHistorySize: 10,
  lateAfterMs: 30_000,
  warningAvgTaskLagMs: 120_000,
  warningOverdueTaskPortion: 0.05,
  criticalAvgTaskLagMs: 240_000,
  criticalOverdueTaskPortion: 0.1,
  triggerAfterMsOverTaskLag: 45_000,
  criticalLostAgentPortion: 0.2,
  criticalLostTaskPortion: 0.2,
  lostTaskWindowMs: 30_000,
};

/** What the detector reads from the scheduler at one instant. */
export interface DisasterInputs {
  now: number;
  /** Live tasks (not ended, not unreachable). */
  activeTasks: number;
  /** Per group of missing instances: how many, and since when they have been waiting. */
  pending: readonly { count: number; since: number }[];
  /** Agents holding or offering, not lost. */
  activeAgents: number;
  /** Agents whose every task became unreachable, or that Mesos said are gone. */
  lostAgents: number;
  /** When tasks were lost to the infrastructure (agent gone, unreachable). */
  lostTaskTimes: readonly number[];
}

/** One data point: Singularity's counts, computed from the inputs alone. */
export function dataPoint(input: DisasterInputs, config: DisasterConfig): SingularityDisasterDataPoint {
  let numPendingTasks = 0;
  let numLateTasks = 0;
  let pastDue = 0;
  let totalLag = 0;
  for (const p of input.pending) {
    numPendingTasks += p.count;
    const lag = input.now - p.since;
    if (lag <= 0) continue;
    pastDue += p.count;
    totalLag += lag * p.count;
    if (lag > config.lateAfterMs) numLateTasks += p.count;
  }
  const numLostTasks = input.lostTaskTimes.filter((t) => t <= input.now && input.now - t <= config.lostTaskWindowMs).length;
  return {
    timestamp: input.now,
    numActiveTasks: input.activeTasks,
    numPendingTasks,
    numLateTasks,
    avgTaskLagMillis: Math.floor(totalLag / Math.max(pastDue, 1)),
    numLostTasks,
    numActiveAgents: input.activeAgents,
    numLostAgents: input.lostAgents,
    numActiveSlaves: input.activeAgents,
    numLostSlaves: input.lostAgents,
  };
}

const portion = (part: number, whole: number): number => (whole <= 0 ? 0 : part / whole);

/**
 * Since when (oldest timestamp of the newest unbroken run of points) `over` has held, or null
 * when it does not hold for the newest point.
 */
function heldSince(points: readonly SingularityDisasterDataPoint[], over: (p: SingularityDisasterDataPoint) => boolean): number | null {
  let since: number | null = null;
  for (let i = points.length - 1; i >= 0 && over(points[i]); i--) since = points[i].timestamp;
  return since;
}

/**
 * The disasters the data points (oldest first) show at `now`. Lost agents and lost tasks are
 * judged on the newest point; task lag only once it has stayed high for
 * `triggerAfterMsOverTaskLag`, so a burst of launches after a deploy is not a disaster.
 */
export function detectDisasters(points: readonly SingularityDisasterDataPoint[], config: DisasterConfig, now: number): SingularityDisasterType[] {
  const latest = points.at(-1);
  if (!latest) return [];
  const found: SingularityDisasterType[] = [];
  const overdue = (p: SingularityDisasterDataPoint): number => portion(p.numLateTasks, p.numActiveTasks + p.numPendingTasks);
  const long = (since: number | null): boolean => since !== null && now - since >= config.triggerAfterMsOverTaskLag;
  const critical = long(heldSince(points, (p) => overdue(p) > config.criticalOverdueTaskPortion))
    || long(heldSince(points, (p) => p.avgTaskLagMillis > config.criticalAvgTaskLagMs && overdue(p) > config.warningOverdueTaskPortion));
  const warning = long(heldSince(points, (p) => p.avgTaskLagMillis > config.warningAvgTaskLagMs))
    && long(heldSince(points, (p) => overdue(p) > config.warningOverdueTaskPortion));
  if (critical || warning) found.push('EXCESSIVE_TASK_LAG');
  if (portion(latest.numLostAgents, latest.numActiveAgents + latest.numLostAgents) > config.criticalLostAgentPortion) found.push('LOST_AGENTS');
  if (portion(latest.numLostTasks, latest.numActiveTasks + latest.numLostTasks) > config.criticalLostTaskPortion) found.push('LOST_TASKS');
  return found;
}

/** Keeps the newest `size` points (the history `GET /disasters/stats` serves). */
export function appendPoint(points: readonly SingularityDisasterDataPoint[], point: SingularityDisasterDataPoint, size: number): SingularityDisasterDataPoint[] {
  return [...points, point].slice(-Math.max(1, size));
}
