import os from 'node:os';
import type { Request, Router } from 'express';
import { DEFAULT_RACK_ID, RACK_ATTRIBUTES, type GriddleStateExtras, type SingularityHostState, type SingularityState } from '../../../contract';
import { countsAsInstance, type Scheduler } from '../../core';
import { deployKey, type SchedulerPort } from '../../deploys';
import type { ApiContext } from '../api-context';
import { deployMarker } from '../singularity-shapes';

/** What a full Scheduler adds to the port: the agents it has seen and its Mesos connection. */
type StateSource = SchedulerPort & Partial<Pick<Scheduler, 'agents' | 'subscribed' | 'masterUrl'>>;

const rackOfAttributes = (attributes: Record<string, string>): string =>
  RACK_ATTRIBUTES.map((k) => attributes[k]).find((v) => v) ?? DEFAULT_RACK_ID;

function hostState(source: StateSource, req: Request, now: number): SingularityHostState {
  const lastOffer = Math.max(0, ...[...(source.agents?.values() ?? [])].map((a) => a.lastOfferAt));
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

/**
 * `/state`: Singularity's StateResource. Every SingularityState field is there; those for
 * concepts Griddle does not have (load balancer cleanup, dead or decommissioning agents and
 * racks, late tasks, priority, fire alarms) are 0, [] or null (docs/api.md lists them).
 */
export function registerState(router: Router, ctx: ApiContext): void {
  const { engine } = ctx;
  const source = ctx.scheduler as StateSource;
  router.get('/state', (req, res) => {
    const counts = new Map<string, number>();
    for (const t of source.tasks.values()) {
      if (!countsAsInstance(t)) continue;
      const key = deployKey(t.requestId, t.deployId);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
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
    const tasks = [...source.tasks.values()];
    const oldest = pending.reduce((m, p) => Math.min(m, p.record.createdAt), Number.POSITIVE_INFINITY);
    const agents = [...(source.agents?.values() ?? [])];
    const racks = new Set(agents.map((a) => rackOfAttributes(a.attributes)));
    const now = ctx.now();
    const state: SingularityState & GriddleStateExtras = {
      activeTasks: tasks.filter((t) => t.state === 'TASK_RUNNING' && t.killRequestedAt === undefined).length,
      launchingTasks: tasks.filter((t) => ['TASK_STAGING', 'TASK_STARTING'].includes(t.state)).length,
      cleaningTasks: tasks.filter((t) => t.killRequestedAt !== undefined).length,
      allRequests: requests.length,
      activeRequests: countRequests('ACTIVE'),
      pausedRequests: countRequests('PAUSED'),
      finishedRequests: countRequests('FINISHED'),
      cooldownRequests: countRequests('SYSTEM_COOLDOWN'),
      cleaningRequests: countRequests('DELETING'),
      pendingRequests: under.size,
      scheduledTasks: pendingTasks.reduce((n, p) => n + p.missing, 0),
      lateTasks: 0, listLateTasks: [], onDemandLateTasks: 0, onDemandListLateTasks: [], futureTasks: 0, maxTaskLag: 0,
      lbCleanupTasks: 0, lbCleanupRequests: 0,
      numDeploys: pending.length,
      oldestDeploy: oldest === Number.POSITIVE_INFINITY ? 0 : oldest,
      oldestDeployStep: 0,
      activeDeploys: pending.map((p) => deployMarker(p.record)),
      underProvisionedRequestIds: [...under],
      overProvisionedRequestIds: [...over],
      underProvisionedRequests: under.size,
      overProvisionedRequests: over.size,
      activeAgents: agents.length, deadAgents: 0, decommissioningAgents: 0, unknownAgents: 0,
      activeSlaves: agents.length, deadSlaves: 0, decommissioningSlaves: 0, decomissioningSlaves: 0, unknownSlaves: 0,
      activeRacks: racks.size, deadRacks: 0, decommissioningRacks: 0, decomissioningRacks: 0, unknownRacks: 0,
      hostStates: [hostState(source, req, now)],
      authDatastoreHealthy: null,
      minimumPriorityLevel: ctx.scheduler.priorityFreeze?.priorityFreeze.minimumPriorityLevel ?? null,
      avgStatusUpdateDelayMs: 0,
      lastHeartbeatAt: 0,
      fireAlarm: null,
      generatedAt: now,
      pendingTasks,
      leader: { isLeader: source.isLeader },
    };
    res.json(state);
  });
}
