import type { SlimAgent, SlimOverview, SlimRequest, SlimTask, SlimUsed } from '../../contract';
import { countsAsInstance } from '../core';
import type { DeployRecord, RequestRecord, TaskRecord } from '../model';
import type { ApiContext } from './api-context';
import type { ApiExtras } from './api-extras';
import { AgentOrder } from './agent-order';
import { pendingCount } from './pending-tasks';
import { isTaskHealthy } from './singularity-shapes';
import { provisioningOf } from './resources/state-views';
import type { OfferLedger } from './resources/usage';
import type { SlimCounts } from './slim-counts';

/**
 * How long built rows are reused while no state change arrives: pending reasons and a standby's
 * maps change without one, so they are never older than this.
 */
const ROWS_TTL_MS = 1000;

/** The rows of the slim list endpoints, each built in one pass over the scheduler's maps. */
export class SlimViews {
  private memo?: { version: number; at: number; rows: SlimRequest[] };
  private readonly agentOrder = new AgentOrder();

  constructor(
    private readonly ctx: ApiContext, private readonly extras: ApiExtras, private readonly ledger: OfferLedger, readonly counts: SlimCounts,
  ) {}

  /** Every request's row, rebuilt after a state change or once a second, whichever is sooner. */
  requests(): SlimRequest[] {
    const version = this.ctx.cache.stateVersion;
    const now = this.ctx.now();
    if (this.memo && this.memo.version === version && now - this.memo.at < ROWS_TTL_MS) return this.memo.rows;
    const rows = this.buildRequests();
    this.memo = { version, at: now, rows };
    return rows;
  }

  private buildRequests(): SlimRequest[] {
    const { scheduler, engine } = this.ctx;
    const byRequest = this.ctx.tasksByRequest();
    const under = new Set(this.underProvisioned(engine.desiredInstances()));
    const reasons = new Map<string, string[]>();
    for (const p of this.extras.pendingTasks()) {
      const list = reasons.get(p.pendingTaskId.requestId) ?? [];
      const reason = p.pendingReason ?? `waiting (${p.pendingTaskId.pendingType.toLowerCase()})`;
      if (!list.includes(reason)) list.push(reason);
      reasons.set(p.pendingTaskId.requestId, list);
    }
    const finished = new Map<string, DeployRecord>();
    for (const d of scheduler.deploys.values()) {
      const seen = finished.get(d.deploy.requestId);
      if (d.result && (!seen || d.createdAt > seen.createdAt)) finished.set(d.deploy.requestId, d);
    }
    const rows: SlimRequest[] = [];
    for (const r of scheduler.requests.values()) {
      if (r.state === 'DELETED') continue;
      const id = r.request.id;
      rows.push(this.requestRow(r, byRequest.get(id) ?? [], under.has(id), reasons.get(id) ?? [], finished.get(id)));
    }
    return rows.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  private requestRow(r: RequestRecord, tasks: readonly TaskRecord[], underProvisioned: boolean, pendingReasons: string[], last: DeployRecord | undefined): SlimRequest {
    const id = r.request.id;
    let running = 0;
    let healthy = 0;
    for (const t of tasks) {
      if (!countsAsInstance(t)) continue;
      running++;
      const d = this.ctx.deployOf(t.requestId, t.deployId);
      if (isTaskHealthy(t, d?.deploy, r.request)) healthy++;
    }
    const longRunning = r.request.requestType === 'SERVICE' || r.request.requestType === 'WORKER';
    return {
      id, type: r.request.requestType, state: r.state,
      desired: longRunning && r.state !== 'PAUSED' ? r.request.instances ?? 1 : 0,
      running, healthy,
      activeDeployId: r.activeDeployId, pendingDeployId: r.pendingDeployId,
      lastDeploy: last?.result && { deployId: last.deploy.id, state: last.result.deployState, message: last.result.message, timestamp: last.result.timestamp },
      underProvisioned, pendingReasons,
    };
  }

  tasks(filter: { requestId?: string; agentId?: string }): SlimTask[] {
    const rows: SlimTask[] = [];
    for (const t of this.ctx.scheduler.tasks.values()) {
      if (filter.requestId && t.requestId !== filter.requestId) continue;
      if (filter.agentId && t.agentId !== filter.agentId) continue;
      rows.push(slimTask(t));
    }
    return rows.sort((a, b) => a.requestId.localeCompare(b.requestId) || a.instanceNo - b.instanceNo || a.startedAt - b.startedAt);
  }

  /**
   * Agents as the scheduler saw them in offers. An agent's total is what its latest offer left
   * free plus what Griddle's tasks reserve on it (Griddle is the only framework it knows of).
   */
  agents(): SlimAgent[] {
    const { reserved } = this.counts.read();
    const rows: SlimAgent[] = [];
    for (const a of this.agentOrder.sorted(this.ctx.scheduler.agents)) {
      const used = reserved.of(a.agentId);
      const free = this.ledger.latest.get(a.agentId) ?? { cpus: 0, memoryMb: 0, diskMb: 0 };
      rows.push({
        agentId: a.agentId, hostname: a.hostname, attributes: a.attributes, lastOfferAt: a.lastOfferAt, tasks: used.tasks,
        resources: {
          cpus: usedOf(used.cpus, free.cpus), memoryMb: usedOf(used.memoryMb, free.memoryMb), diskMb: usedOf(used.diskMb, free.diskMb),
        },
      });
    }
    return rows;
  }

  overview(): SlimOverview {
    const { scheduler, engine } = this.ctx;
    const { states, instances } = this.counts.read();
    const agents = this.agents();
    const sum = (pick: (a: SlimAgent) => SlimUsed): SlimUsed =>
      usedOf(agents.reduce((acc, a) => acc + pick(a).used, 0), agents.reduce((acc, a) => acc + pick(a).total - pick(a).used, 0));
    let requests = 0;
    for (const r of scheduler.requests.values()) if (r.state !== 'DELETED') requests++;
    const desired = engine.desiredInstances();
    return {
      isLeader: scheduler.isLeader,
      agents: agents.length,
      resources: { cpus: sum((a) => a.resources.cpus), memoryMb: sum((a) => a.resources.memoryMb), diskMb: sum((a) => a.resources.diskMb) },
      tasksByState: states.counts(),
      requests,
      underProvisioned: this.underProvisioned(desired).length,
      pendingTasks: pendingCount(desired, scheduler.requests, (key) => instances.instances(key)),
      lastEventId: this.ctx.hub.lastId,
    };
  }

  private underProvisioned(desired: Parameters<typeof provisioningOf>[0]): string[] {
    const { instances } = this.counts.read();
    return provisioningOf(desired, (key) => instances.tasks(key)).under;
  }
}

const round = (n: number): number => Math.round(n * 1000) / 1000;
const usedOf = (used: number, free: number): SlimUsed => ({ used: round(used), total: round(used + free) });

export function slimTask(t: TaskRecord): SlimTask {
  return {
    taskId: t.taskId, requestId: t.requestId, deployId: t.deployId, instanceNo: t.instanceNo, host: t.hostname, agentId: t.agentId,
    ports: t.ports, state: t.state, healthy: t.healthy, startedAt: t.startedAt, updatedAt: t.updatedAt,
    killRequested: t.killRequestedAt !== undefined, reason: t.reason, message: t.message,
  };
}

