import type { RequestHistoryType, SingularityExpiringFields } from '../../contract';
import type { Logger } from '../../common';
import type { DeployEngine, SchedulerPort } from '../deploys';
import type { RequestRecord } from '../model';
import { type ExpiringAction, type ExpiringKind, type Revert, dueReverts, expiringFields, expiringKey } from './expiring-rules';

/** Runs `fn` as the named actor, so the request history records who reverted what. */
export type RunAs = (actor: { user: string | null; message?: string; eventType?: RequestHistoryType }, fn: () => void) => void;

const RELOAD_STANDBY_MS = 5000;

/**
 * The expiring actions of every request, persisted in `expiring-actions` (one record per
 * request and kind). The leader's `tick` applies whatever is due by its clock and then deletes
 * the record; a standby only re-reads the store, so after a failover the new leader finds
 * every pending expiry and applies it on its first tick.
 */
export class ExpiringActions {
  private readonly actions = new Map<string, ExpiringAction>();
  private lastReload = 0;
  private readonly onRequest = (next: RequestRecord): void => {
    // A deleted request's actions go with it; an unpaused request has nothing left to unpause.
    if (next.state === 'DELETED') for (const e of this.of(next.request.id)) this.drop(next.request.id, e.kind);
    else if (next.state !== 'PAUSED' && this.actions.has(expiringKey(next.request.id, 'pause'))) this.drop(next.request.id, 'pause');
  };

  constructor(
    private readonly scheduler: SchedulerPort,
    private readonly engine: DeployEngine,
    private readonly runAs: RunAs,
    private readonly log?: Logger,
  ) {}

  async start(): Promise<void> {
    this.scheduler.events.on('request', this.onRequest);
    await this.reload();
  }

  stop(): void {
    this.scheduler.events.off('request', this.onRequest);
  }

  /** Replaces what is held with the store's records (at start, on leadership, on a standby). */
  async reload(): Promise<void> {
    await this.scheduler.store.flush().catch(() => undefined);
    const stored = await this.scheduler.store.load('expiring-actions');
    this.actions.clear();
    for (const [key, v] of stored) this.actions.set(key, v as ExpiringAction);
  }

  of(requestId: string): ExpiringAction[] {
    return [...this.actions.values()].filter((e) => e.action.requestId === requestId);
  }

  fieldsOf(requestId: string): SingularityExpiringFields {
    return expiringFields(this.of(requestId));
  }

  /** Records an action (replacing the request's earlier one of that kind). */
  save(e: ExpiringAction): void {
    const key = expiringKey(e.action.requestId, e.kind);
    this.scheduler.store.put('expiring-actions', key, e);
    this.actions.set(key, e);
  }

  /** Cancels the expiry (the action stays as it is, as Singularity's DELETE does); false when there was none. */
  drop(requestId: string, kind: ExpiringKind): boolean {
    const key = expiringKey(requestId, kind);
    if (!this.actions.delete(key)) return false;
    this.scheduler.store.delete('expiring-actions', key);
    return true;
  }

  /** One level-triggered pass: the leader applies what is due; a standby refreshes now and then. */
  tick(now: number, leader: boolean): void {
    if (!leader) {
      if (now - this.lastReload >= RELOAD_STANDBY_MS) {
        this.lastReload = now;
        void this.reload().catch((err: unknown) => this.log?.warn({ err }, 'could not reload expiring actions'));
      }
      return;
    }
    for (const revert of dueReverts(this.actions.values(), now)) {
      try {
        this.apply(revert, now);
      } catch (err) {
        this.log?.warn({ err: err instanceof Error ? err.message : String(err), requestId: revert.requestId, kind: revert.kind }, 'expiring action could not be reverted; dropped');
      }
      this.drop(revert.requestId, revert.kind);
    }
  }

  private apply(revert: Revert, now: number): void {
    const r = this.scheduler.requests.get(revert.requestId);
    if (!r || r.state === 'DELETED' || r.state === 'DELETING') return;
    const as = (message: string, eventType: RequestHistoryType | undefined, next: RequestRecord): void => {
      this.runAs({ user: null, message, eventType }, () => this.scheduler.putRequest(next));
      this.log?.info({ requestId: revert.requestId, kind: revert.kind, actionId: revert.actionId }, message);
    };
    switch (revert.kind) {
      case 'scale':
        if (r.request.instances === revert.instances) return;
        as(`expiring scale ${revert.actionId} ended: back to ${revert.instances ?? 1} instances`, 'SCALE_REVERTED',
          { ...r, request: { ...r.request, instances: revert.instances }, updatedAt: now });
        return;
      case 'pause':
        if (r.state !== 'PAUSED') return;
        as(`expiring pause ${revert.actionId} ended: unpaused`, undefined, { ...r, state: 'ACTIVE', updatedAt: now });
        return;
      case 'skipHealthchecks':
        if ((r.request.skipHealthchecks ?? false) === revert.skipHealthchecks) return;
        as(`expiring skip-healthchecks ${revert.actionId} ended: skipHealthchecks ${revert.skipHealthchecks}`, undefined,
          { ...r, request: { ...r.request, skipHealthchecks: revert.skipHealthchecks }, updatedAt: now });
        return;
      case 'priority':
        if (r.request.taskPriorityLevel === revert.priority) return;
        as(`expiring priority ${revert.actionId} ended: taskPriorityLevel ${revert.priority ?? 'default'}`, undefined,
          { ...r, request: { ...r.request, taskPriorityLevel: revert.priority }, updatedAt: now });
        return;
      case 'bounce':
        if (this.engine.expireBounce(revert.requestId)) this.log?.info({ requestId: revert.requestId, actionId: revert.actionId }, 'expiring bounce timed out: abandoned');
        return;
    }
  }
}
