import { AsyncLocalStorage } from 'node:async_hooks';
import type { NextFunction, Request, Response } from 'express';
import type { RequestHistoryType, SingularityRequestHistory } from '../../contract';
import type { DeployEngine, SchedulerPort } from '../deploys';
import type { RequestRecord } from '../model';
import { classifyRequestChange } from './request-history-rules';

/** Who made the API call being handled, and why (its body's `message`). */
/** `eventType` names a change the rules would misread (an expiring scale's revert is SCALE_REVERTED, not SCALED). */
export interface Actor { user: string | null; message?: string; eventType?: RequestHistoryType }

/** Singularity's header for the user name when no authenticator names one. */
export const USER_HEADER = 'x-username';

/**
 * Every change to a request (created, updated, scaled, paused, bounced, deleted, deploys...) with
 * who made it and why, newest first, bounded per request and persisted in `history-requests`.
 * Changes are observed on the scheduler's 'request' events and the engine's bounces, so changes
 * the scheduler makes on its own (a RUN_ONCE request finishing, cooldown) are recorded too; the
 * API call that caused a change, if any, lends it its user and message through `actors`.
 */
export class RequestHistoryLog {
  private readonly byRequest = new Map<string, SingularityRequestHistory[]>();
  private readonly ids = new WeakMap<SingularityRequestHistory, string>();
  private readonly actors = new AsyncLocalStorage<Actor>();
  private seq = 0;
  private readonly listeners: ((entry: SingularityRequestHistory) => void)[] = [];
  private readonly onRequest = (next: RequestRecord, previous: RequestRecord | undefined): void => {
    const change = classifyRequestChange(previous, next);
    if (change) this.record(next, change.type, change.note);
  };
  private readonly onEngine = (e: { type: string; requestId?: string; kind?: string; message?: string }): void => {
    if (e.type !== 'deploy.started' || e.kind !== 'bounce' || !e.requestId) return;
    const r = this.scheduler.requests.get(e.requestId);
    if (r) this.record(r, 'BOUNCED', e.message);
  };

  constructor(
    private readonly scheduler: SchedulerPort,
    private readonly engine: DeployEngine,
    private readonly now: () => number,
    /** Whether a bearer token names the user (then the header is not trusted). */
    private readonly tokensOn: boolean,
    private readonly perRequest = 100,
  ) {}

  async start(): Promise<void> {
    this.scheduler.events.on('request', this.onRequest);
    this.engine.on('event', this.onEngine);
    const stored = await this.scheduler.store.load('history-requests').catch(() => new Map<string, unknown>());
    const loaded = [...stored.entries()].map(([id, v]) => ({ id, h: v as SingularityRequestHistory }));
    loaded.sort((a, b) => a.h.createdAt - b.h.createdAt);
    for (const { id, h } of loaded) this.add(h, id);
  }

  stop(): void {
    this.scheduler.events.off('request', this.onRequest);
    this.engine.off('event', this.onEngine);
  }

  /** Middleware: runs the rest of the call with its actor, so the changes it makes carry it. */
  readonly middleware = (req: Request, res: Response, next: NextFunction): void => {
    if (req.method === 'GET' || req.method === 'HEAD') return next();
    const fromToken = typeof res.locals.user === 'string' ? res.locals.user : null;
    const header = req.get(USER_HEADER);
    const user = this.tokensOn ? fromToken : fromToken ?? (header ? header.slice(0, 200) : null);
    const body = req.body as { message?: unknown } | undefined;
    const message = body && typeof body === 'object' && typeof body.message === 'string' ? body.message : undefined;
    this.actors.run({ user, message }, next);
  };

  /** Runs `fn` (a change the scheduler makes on its own, such as an expiry) as `actor`. */
  runAs(actor: Actor, fn: () => void): void {
    this.actors.run(actor, fn);
  }

  /** Called with every entry recorded (REQUEST webhooks). */
  onRecord(listener: (entry: SingularityRequestHistory) => void): void {
    this.listeners.push(listener);
  }

  of(requestId: string): readonly SingularityRequestHistory[] {
    return this.byRequest.get(requestId) ?? [];
  }

  has(requestId: string): boolean {
    return this.byRequest.has(requestId);
  }

  private record(r: RequestRecord, eventType: RequestHistoryType, note?: string): void {
    const actor = this.actors.getStore();
    // The caller's own words when it gave some (as Singularity records), else what changed.
    const message = actor?.message ?? note;
    const entry: SingularityRequestHistory = { createdAt: this.now(), user: actor?.user ?? null, eventType: actor?.eventType ?? eventType, request: r.request, ...(message ? { message } : {}) };
    const id = `${r.request.id}/${String(entry.createdAt).padStart(15, '0')}-${++this.seq}`;
    try {
      this.scheduler.store.put('history-requests', id, entry);
    } catch {
      // A record over the store's limit is not worth failing the change that caused it.
      return;
    }
    for (const evicted of this.add(entry, id)) this.scheduler.store.delete('history-requests', evicted);
    for (const listener of this.listeners) listener(entry);
  }

  /** Returns the ids it evicted beyond the bound. */
  private add(entry: SingularityRequestHistory, id: string): string[] {
    const requestId = entry.request.id;
    let list = this.byRequest.get(requestId);
    if (!list) this.byRequest.set(requestId, (list = []));
    list.unshift(entry);
    this.ids.set(entry, id);
    const evicted = list.splice(this.perRequest);
    return evicted.map((e) => this.ids.get(e)).filter((x): x is string => x !== undefined);
  }
}
