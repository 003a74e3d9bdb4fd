import os from 'node:os';
import type { Request, Router } from 'express';
import { DEFAULT_RACK_ID, RACK_ATTRIBUTES, type GriddleStateExtras, type SingularityHostState, type SingularityState } from '../../../contract';
import type { Scheduler } from '../../core';
import { deployKey, type SchedulerPort } from '../../deploys';
import type { ApiContext } from '../api-context';
import type { AgentLiveness } from '../agent-liveness';
import type { ApiExtras } from '../api-extras';
import type { ApiMetrics } from '../metrics';
import { scheduledTasksInfo } from '../pending-tasks';
import { stateTaskCounts } from '../state-task-counts';
import { deployMarker } from '../singularity-shapes';

/** What a full Scheduler adds to the port: the agents it has seen and its Mesos connection. */
type StateSource = SchedulerPort & Partial<Pick<Scheduler, 'agents' | 'subscribed' | 'masterUrl'>>;

const rackOfAttributes = (attributes: Record<string, string>): string =>
  RACK_ATTRIBUTES.map((k) => attributes[k]).find((v) => v) ?? DEFAULT_RACK_ID;

function hostState(source: StateSource, req: Request, now: number): SingularityHostState {
  let lastOffer = 0;
  for (const a of source.agents?.values() ?? []) lastOffer = Math.max(lastOffer, a.lastOfferAt);
  return {
    master: source.isLeader,
    uptime: Math.round(process.uptime() * 1000),
    driverStatus: source.subscribed ? 'DRIVER_RUNNING' : 'DRIVER_NOT_STARTED',
    millisSinceLastOffer: lastOffer > 0 ? now - lastOffer : null,
    hostAddress: `${req.socket.localAddress ?? ''}:${req.socket.localPort ?? ''}`,
    hostname: os.hostname(),
    mesosMaster: source.masterUrl ?? null,
    mesosConnected: source.subscribed ?? false,
    offerCacheSize: 0,
    availableCachedCpus: 0,
    availableCachedMemory: 0,
  };
}

const DECOMMISSION_STATES: ReadonlySet<string> = new Set(['STARTING_DECOMMISSION', 'DECOMMISSIONING', 'DECOMMISSIONED']);

/**
 * `/state`: Singularity's StateResource. Every SingularityState field is there; those for
 * features Griddle does not have (load balancer cleanup, fire alarms, an auth datastore, an
 * offer cache) are 0 or null, as Singularity answers them when they are not configured
 * (docs/api.md lists them).
 */
/** What `/state` reads beside the scheduler: pending tasks, status update delays, agent liveness. */
export interface StateSources {
  extras: ApiExtras;
  metrics: Pick<ApiMetrics, 'avgStatusUpdateDelayMs' | 'lastHeartbeatAt'>;
  liveness: AgentLiveness;
}

export function registerState(router: Router, ctx: ApiContext, { extras, metrics, liveness }: StateSources): void {
  const { engine } = ctx;
  const source = ctx.scheduler as StateSource;
  router.get('/state', (req, res) => {
    const { activeTasks, launchingTasks, cleaningTasks, instancesByDeploy: counts } = stateTaskCounts(source.tasks.values());
    const under = new Set<string>();
    const over = new Set<string>();
    const pendingTasks: GriddleStateExtras['pendingTasks'] = [];
    for (const d of engine.desired()) {
      const have = counts.get(deployKey(d.requestId, d.deployId)) ?? 0;
      if (have < d.instances) {
        under.add(d.requestId);
        pendingTasks.push({ requestId: d.requestId, deployId: d.deployId, missing: d.instances - have, reason: source.pendingReasons.get(deployKey(d.requestId, d.deployId)) ?? 'waiting for an offer' });
      }
      if (have > d.instances) over.add(d.requestId);
    }
    const requests = [...source.requests.values()];
    const countRequests = (state: string): number => requests.filter((r) => r.state === state).length;
    const pending = engine.pending();
    const oldest = pending.reduce((m, p) => Math.min(m, p.record.createdAt), Number.POSITIVE_INFINITY);
    const agents = [...(source.agents?.values() ?? [])];
    const racks = new Set(agents.map((a) => rackOfAttributes(a.attributes)));
    const now = ctx.now();
    const late = scheduledTasksInfo(extras.pendingTasks(), source.requests, now);
    // Maintenance states: an agent or rack decommissioning (or done) stops counting as active.
    const machines = ctx.scheduler.machines;
    const retiring = (kind: 'agents' | 'racks'): Set<string> =>
      new Set([...machines[kind].values()].filter((m) => DECOMMISSION_STATES.has(m.current.state)).map((m) => m.id));
    const retiringAgents = retiring('agents');
    const retiringRacks = retiring('racks');
    const activeAgents = agents.filter((a) => !retiringAgents.has(a.agentId)).length;
    const activeRacks = [...racks].filter((r) => !retiringRacks.has(r)).length;
    const { deadAgents, unknownAgents, deadRacks, unknownRacks } = liveness.now(new Set(agents.map((a) => a.agentId)));
    const oldestStep = pending.reduce((m, p) => Math.min(m, p.progress.stepStartedAt), Number.POSITIVE_INFINITY);
    const state: SingularityState & GriddleStateExtras = {
      activeTasks, launchingTasks, cleaningTasks,
      allRequests: requests.length,
      activeRequests: countRequests('ACTIVE'),
      pausedRequests: countRequests('PAUSED'),
      finishedRequests: countRequests('FINISHED'),
      cooldownRequests: countRequests('SYSTEM_COOLDOWN'),
      cleaningRequests: countRequests('DELETING'),
      pendingRequests: under.size,
      scheduledTasks: pendingTasks.reduce((n, p) => n + p.missing, 0),
      lateTasks: late.lateTasks.length, listLateTasks: late.lateTasks, onDemandLateTasks: late.onDemandLateTasks.length,
      onDemandListLateTasks: late.onDemandLateTasks, futureTasks: late.numFutureTasks, maxTaskLag: late.maxTaskLag,
      lbCleanupTasks: 0, lbCleanupRequests: 0,
      numDeploys: pending.length,
      oldestDeploy: oldest === Number.POSITIVE_INFINITY ? 0 : oldest,
      oldestDeployStep: oldestStep === Number.POSITIVE_INFINITY ? 0 : oldestStep,
      activeDeploys: pending.map((p) => deployMarker(p.record)),
      underProvisionedRequestIds: [...under],
      overProvisionedRequestIds: [...over],
      underProvisionedRequests: under.size,
      overProvisionedRequests: over.size,
      activeAgents, deadAgents, decommissioningAgents: retiringAgents.size, unknownAgents,
      activeSlaves: activeAgents, deadSlaves: deadAgents, decommissioningSlaves: retiringAgents.size, decomissioningSlaves: retiringAgents.size, unknownSlaves: unknownAgents,
      activeRacks, deadRacks, decommissioningRacks: retiringRacks.size, decomissioningRacks: retiringRacks.size, unknownRacks,
      hostStates: [hostState(source, req, now)],
      authDatastoreHealthy: null,
      minimumPriorityLevel: ctx.scheduler.priorityFreeze?.priorityFreeze.minimumPriorityLevel ?? null,
      avgStatusUpdateDelayMs: metrics.avgStatusUpdateDelayMs(),
      lastHeartbeatAt: metrics.lastHeartbeatAt,
      fireAlarm: null,
      generatedAt: now,
      pendingTasks,
      leader: { isLeader: source.isLeader },
    };
    res.json(state);
  });
}
