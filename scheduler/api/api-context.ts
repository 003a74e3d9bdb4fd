import type { NextFunction, Request, Response } from 'express';
import type { SingularityPendingDeployState, SingularityRequestParent, SingularityTaskId } from '../../contract';
import type { Logger } from '../../common';
import { legacyTaskIdOf } from '../core';
import { type DeployEngine, DeployEngineError, type SchedulerPort, deployKey } from '../deploys';
import type { DeployRecord, RequestRecord, TaskRecord } from '../model';
import type { EventHub } from './event-hub';
import type { ExpiringActions } from './expiring-actions';
import { HttpError, badRequest, notFound } from './http-errors';
import type { ResponseCache } from './response-cache';
import type { SandboxReader } from './sandbox';
import type { ShellCommands } from './shell-commands';
import { deployMarker, isTaskHealthy, renderDeploy, renderRequest, renderTask, taskIdObject } from './singularity-shapes';
import { TaskJsonCache } from './task-json';
import type { TaskHistory } from './task-history';

type PendingDeploy = ReturnType<DeployEngine['pending']>[number];

export const LONG_RUNNING = new Set(['SERVICE', 'WORKER']);

/** What every resource reads and writes through: the scheduler, the engine and the API's own parts. */
export class ApiContext {
  /** Set by the router once built: the expiring actions shown in parents and started by request actions. */
  expiring?: ExpiringActions;
  /** Set by the router once built: the task shell command runs shown in task history. */
  shellCommands?: Pick<ShellCommands, 'historyOf'>;
  /** Every active task's JSON, serialized once per change of the task. */
  readonly taskJson = new TaskJsonCache(
    (t) => ({ request: this.scheduler.requests.get(t.requestId), deploy: this.deployOf(t.requestId, t.deployId) }), renderTask,
  );

  constructor(
    readonly scheduler: SchedulerPort,
    readonly engine: DeployEngine,
    readonly hub: EventHub,
    readonly history: TaskHistory,
    readonly sandbox: SandboxReader,
    readonly cache: ResponseCache,
    private readonly writable: () => boolean,
    readonly now: () => number,
    readonly log?: Logger,
  ) {}

  /** Middleware in front of every write route. */
  readonly writeGuard = (_req: Request, _res: Response, next: NextFunction): void => {
    if (!this.writable()) throw new HttpError(503, 'this scheduler is not the leader; send writes to the leader');
    next();
  };

  requestOr404(id: string): RequestRecord {
    const r = this.scheduler.requests.get(id);
    if (!r) throw notFound(`request ${id} does not exist`);
    return r;
  }

  /**
   * An active task by id. A 6-part id with rack DEFAULT also finds a task stored under its
   * legacy 5-part id, since that is what a client rebuilds from the id object it was served.
   */
  activeTask(taskId: string): TaskRecord | undefined {
    const legacy = legacyTaskIdOf(taskId);
    return this.scheduler.tasks.get(taskId) ?? (legacy === null ? undefined : this.scheduler.tasks.get(legacy));
  }

  /** An active or ended task by id (either spelling, as `activeTask`). */
  anyTask(taskId: string): TaskRecord | undefined {
    const legacy = legacyTaskIdOf(taskId);
    return this.activeTask(taskId) ?? this.history.find(taskId) ?? (legacy === null ? undefined : this.history.find(legacy));
  }

  deployOf(requestId: string, deployId: string | undefined): DeployRecord | undefined {
    return deployId ? this.scheduler.deploys.get(deployKey(requestId, deployId)) : undefined;
  }

  tasksByRequest(): Map<string, TaskRecord[]> {
    const m = new Map<string, TaskRecord[]>();
    for (const t of this.scheduler.tasks.values()) {
      let list = m.get(t.requestId);
      if (!list) m.set(t.requestId, (list = []));
      list.push(t);
    }
    return m;
  }

  pendingDeploys(): SingularityPendingDeployState[] {
    return this.engine.pending().map(pendingDeployState);
  }

  /** Singularity's SingularityRequestParent: the request with its deploys and its tasks by health. */
  parent(r: RequestRecord, tasks: readonly TaskRecord[] = this.tasksByRequest().get(r.request.id) ?? []): SingularityRequestParent {
    const active = this.deployOf(r.request.id, r.activeDeployId);
    const pending = this.deployOf(r.request.id, r.pendingDeployId);
    const pendingOf = this.engine.pending().find((x) => x.progress.requestId === r.request.id);
    const healthy: SingularityTaskId[] = [];
    const notYetHealthy: SingularityTaskId[] = [];
    const cleaning: SingularityTaskId[] = [];
    for (const t of tasks) {
      const d = this.scheduler.deploys.get(deployKey(t.requestId, t.deployId));
      const idObj = taskIdObject(t.taskId, t);
      if (t.killRequestedAt !== undefined) cleaning.push(idObj);
      else if (isTaskHealthy(t, d?.deploy, r.request)) healthy.push(idObj);
      else notYetHealthy.push(idObj);
    }
    return {
      request: renderRequest(r.request),
      state: r.state,
      requestDeployState: {
        requestId: r.request.id,
        activeDeploy: active && deployMarker(active),
        pendingDeploy: pending && deployMarker(pending),
      },
      activeDeploy: active && renderDeploy(active.deploy),
      pendingDeploy: pending && renderDeploy(pending.deploy),
      pendingDeployState: pendingOf && pendingDeployState(pendingOf),
      taskIds: { healthy, notYetHealthy, pending: [], cleaning },
      openRuns: LONG_RUNNING.has(r.request.requestType) ? undefined : this.engine.openRuns(r.request.id),
      ...this.expiring?.fieldsOf(r.request.id),
    };
  }
}

function pendingDeployState(p: PendingDeploy): SingularityPendingDeployState {
  return { deployMarker: deployMarker(p.record), currentDeployState: 'WAITING', deployProgress: p.view };
}

/** Runs an engine operation, its refusals turned into 404/409/400. */
export function engineCall<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof DeployEngineError) {
      throw new HttpError(err.kind === 'not-found' ? 404 : err.kind === 'conflict' ? 409 : 400, err.message);
    }
    throw err;
  }
}

export function idParam(req: Request, name: string, valid: (s: string) => boolean, what: string): string {
  const value = req.params[name];
  if (typeof value !== 'string' || !valid(value)) throw badRequest(`${name}: not a valid ${what} id`, [{ field: name, message: `not a valid ${what} id` }]);
  return value;
}

/** An optional JSON body: absent counts as `{}`. */
export function body(req: Request): unknown {
  return req.body === undefined ? {} : req.body;
}

export function requireBody(req: Request): unknown {
  if (req.body === undefined || req.body === null || typeof req.body !== 'object' || Array.isArray(req.body)) {
    throw badRequest('(body): a JSON object is required (Content-Type: application/json)');
  }
  return req.body;
}
