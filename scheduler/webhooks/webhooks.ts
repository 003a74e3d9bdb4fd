import type { SingularityRequestHistory, SingularityWebhookSummary, WebhookType } from '../../contract';
import type { Logger } from '../../common';
import type { SchedulerPort } from '../deploys';
import type { DeployRecord, TaskRecord } from '../model';
import { WebhookDelivery, type PostJson } from './delivery';
import { DEFAULT_DELIVERY_POLICY, type DeliveryPolicy } from './queue-policy';
import { WebhookRegistry } from './registry';
import { deployUpdate, taskUpdate } from './shapes';

export interface WebhooksOptions {
  policy?: Partial<DeliveryPolicy>;
  /** Whether this instance delivers and queues (default: it is the leader). */
  isLeader?: () => boolean;
  /** Real time by default: backoff timers are real timers. */
  now?: () => number;
  post?: PostJson;
  log?: Logger;
}

/**
 * Singularity's webhooks: REQUEST, DEPLOY and TASK updates queued per webhook in the state store
 * and POSTed by the leader (at least once, in order per webhook). Changes are observed on the
 * scheduler's events; request updates come from the request history, which knows who made them.
 */
export class Webhooks {
  readonly registry: WebhookRegistry;
  readonly delivery: WebhookDelivery;
  readonly policy: DeliveryPolicy;
  private readonly isLeader: () => boolean;
  private readonly now: () => number;
  private loading: Promise<void> | null = null;
  private readonly onTask = (next: TaskRecord, previous: TaskRecord | undefined): void => {
    const u = taskUpdate(next, previous);
    if (u) this.enqueue('TASK', u);
  };
  private readonly onDeploy = (next: DeployRecord, previous: DeployRecord | undefined): void => {
    const u = deployUpdate(next, previous);
    if (u) this.enqueue('DEPLOY', u);
  };
  private readonly onLeader = (leader: boolean): void => {
    // The previous leader's queues are in the store: read them before delivering anything.
    if (leader) void this.reload().catch((err: unknown) => this.options.log?.warn({ err }, 'could not load webhook queues'));
    else this.delivery.reset();
  };

  constructor(private readonly scheduler: Pick<SchedulerPort, 'events' | 'store' | 'isLeader'>, private readonly options: WebhooksOptions = {}) {
    this.policy = { ...DEFAULT_DELIVERY_POLICY, ...options.policy };
    this.isLeader = options.isLeader ?? (() => scheduler.isLeader);
    this.now = options.now ?? Date.now;
    this.registry = new WebhookRegistry(scheduler.store, this.policy);
    this.delivery = new WebhookDelivery(this.registry, this.policy, { now: this.now, isLeader: this.isLeader, post: options.post, log: options.log });
  }

  async start(): Promise<void> {
    this.scheduler.events.on('task', this.onTask);
    this.scheduler.events.on('deploy', this.onDeploy);
    this.scheduler.events.on('leader', this.onLeader);
    await this.reload();
    this.delivery.start();
  }

  stop(): void {
    this.scheduler.events.off('task', this.onTask);
    this.scheduler.events.off('deploy', this.onDeploy);
    this.scheduler.events.off('leader', this.onLeader);
    this.delivery.stop();
  }

  /** Re-reads the webhooks and their queues from the store (everything written so far first). */
  reload(): Promise<void> {
    this.loading ??= (async () => {
      await this.scheduler.store.flush().catch(() => undefined);
      await this.registry.load();
      this.delivery.reset();
    })().finally(() => {
      this.loading = null;
      this.delivery.pump();
    });
    return this.loading;
  }

  /** A request history entry, for REQUEST webhooks. */
  readonly onRequestHistory = (entry: SingularityRequestHistory): void => {
    this.enqueue('REQUEST', entry);
  };

  add(input: { uri: string; type: WebhookType; user?: string }): ReturnType<WebhookRegistry['add']> {
    const out = this.registry.add(input, this.now());
    this.delivery.pump();
    return out;
  }

  remove(id: string): ReturnType<WebhookRegistry['remove']> {
    this.delivery.reset(id);
    return this.registry.remove(id);
  }

  summary(): SingularityWebhookSummary[] {
    return this.registry.list().map((webhook) => {
      const s = this.delivery.status(webhook.id);
      const dropped = this.registry.droppedOf(webhook.id);
      return {
        webhook,
        queueSize: this.registry.queue(webhook.id).length,
        failures: s.failures,
        ...(s.lastError !== undefined ? { lastError: s.lastError, lastErrorAt: s.lastErrorAt } : {}),
        ...(s.failures > 0 ? { nextAttemptAt: s.nextAttemptAt } : {}),
        ...(s.lastDeliveredAt !== undefined ? { lastDeliveredAt: s.lastDeliveredAt } : {}),
        ...(dropped ? { dropped } : {}),
      };
    });
  }

  /** The updates queued for a webhook of `type` (none when it is of another type). */
  queued(type: WebhookType, id: string): unknown[] {
    const hook = this.registry.get(id);
    if (!hook || hook.type !== type) return [];
    return this.registry.queue(id).map((u) => u.payload);
  }

  private enqueue(type: WebhookType, payload: unknown): void {
    // Standbys see the leader's changes only by re-reading the store; the leader queues them.
    if (!this.isLeader()) return;
    if (this.registry.enqueue(type, payload, this.now()).length) this.delivery.pump();
  }
}
