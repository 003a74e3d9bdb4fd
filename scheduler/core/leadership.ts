import os from 'node:os';
import { CONTENT_TYPE_JSON, type ContentType, type FrameworkInfo, type Offer, type TaskStatus } from '../../mesos-proto';
import { SchedulerClient, createMasterDetector, type MasterDetector } from '../mesos-client';
import type { CoreContext } from './core-context';
import { Reconciler, type ReconcileTarget } from './reconciliation';
import { endsTask } from './status-policy';
import { UnsettledTaskWatch } from './unsettled-tasks';

/** What the acting parts of the core read about the current Mesos session. */
export interface MesosLink {
  readonly isLeader: boolean;
  /** Null while not leader. */
  readonly client: SchedulerClient | null;
  readonly reconciler: Reconciler | null;
  /** When the latest SUBSCRIBED arrived: tasks launched before it are the ones to reconcile. */
  readonly subscribedAt: number;
}

export interface LeadershipOptions {
  /** `http://host:5050` or `zk://host:2181/mesos`; a custom detector wins. */
  master?: string;
  detector?: MasterDetector;
  contentType?: ContentType;
  frameworkName?: string;
  failoverTimeoutSeconds?: number;
  user?: string;
  hostname?: string;
  webuiUrl?: string;
}

/** Where the session's events go; the composition root wires them to the other parts. */
export interface SessionHooks {
  /** The session is up (not yet subscribed). */
  started(): void;
  /** The session is gone; nothing may be sent any more. */
  stopped(): void;
  subscribed(): void;
  offers(offers: Offer[]): void;
  rescind(offerId: string): void;
  update(status: TaskStatus): void;
  disconnected(): void;
}

/**
 * Becoming leader and stepping down: the Mesos subscription (same framework id across
 * failovers), the framework's identity, and the reconciliation that follows every subscribe.
 */
export class Leadership implements MesosLink {
  client: SchedulerClient | null = null;
  reconciler: Reconciler | null = null;
  /** Explicit reconciliation, for as long as it lasts, of tasks whose real state is unknown (UNREACHABLE, kills not ended). */
  private unsettled: UnsettledTaskWatch | null = null;
  subscribedAt = 0;
  private leader = false;
  /** Bumped by every step-down, so a take-over still loading state knows it is stale. */
  private epoch = 0;

  constructor(private readonly ctx: CoreContext, private readonly options: LeadershipOptions, private readonly hooks: SessionHooks) {}

  get isLeader(): boolean {
    return this.leader;
  }

  async becomeLeader(): Promise<void> {
    if (this.leader) return;
    const epoch = ++this.epoch;
    await this.ctx.state.load();
    // Leadership may have been lost while the state was loading.
    if (epoch !== this.epoch || this.leader) return;
    this.leader = true;
    const detector = this.options.detector ?? createMasterDetector(this.options.master ?? 'http://127.0.0.1:5050');
    const client = new SchedulerClient({
      detector,
      contentType: this.options.contentType ?? CONTENT_TYPE_JSON,
      frameworkInfo: () => this.frameworkInfo(),
      log: this.ctx.log,
    });
    this.client = client;
    this.reconciler = new Reconciler(
      (tasks) => reconcile(client, tasks),
      // Only tasks launched before this subscription: a newer one may not have reached the
      // master yet, and it would answer that it does not know it.
      () => [...this.ctx.state.tasks.values()].filter((t) => !endsTask(t.state) && t.startedAt < this.subscribedAt).map((t) => ({ taskId: t.taskId, agentId: t.agentId })),
      (phase) => this.ctx.log.debug({ phase }, 'reconciliation round sent'),
      this.ctx.now,
    );
    this.unsettled = new UnsettledTaskWatch(
      (tasks) => reconcile(client, tasks),
      () => this.ctx.state.tasks.unsettled().values(),
      this.ctx.now,
    );
    client.on('subscribed', (id, master) => {
      this.onSubscribed(client, id, master).catch((err: Error) => this.ctx.log.error({ err: err.message }, 'handling SUBSCRIBED failed'));
    });
    client.on('offers', (offers) => this.hooks.offers(offers));
    client.on('rescind', (id) => this.hooks.rescind(id));
    client.on('update', (status) => this.hooks.update(status));
    client.on('message', (agentId, executorId, data) => this.ctx.events.emit('frameworkMessage', agentId, executorId, data));
    client.on('heartbeat', () => this.ctx.events.emit('heartbeat', this.ctx.now()));
    client.on('failure', (f) => {
      // A FAILURE without an executor id is the loss of a whole agent.
      if (f.agent_id && !f.executor_id) {
        this.ctx.state.agents.delete(f.agent_id.value);
        this.ctx.events.emit('agentLost', f.agent_id.value);
      }
    });
    client.on('failure', (f) => this.ctx.log.warn({ agentId: f.agent_id?.value, executorId: f.executor_id?.value, status: f.status }, 'executor or agent failure'));
    client.on('error', (message) => this.ctx.log.error({ message }, 'Mesos master sent ERROR'));
    client.on('disconnected', (why) => {
      this.hooks.disconnected();
      this.reconciler?.stop();
      this.unsettled?.stop();
      this.ctx.events.emit('disconnected', why);
    });
    client.start();
    this.hooks.started();
    this.ctx.events.emit('leader', true);
  }

  /** No Mesos call leaves after this returns. */
  stepDown(): void {
    this.epoch++;
    if (!this.leader) return;
    this.leader = false;
    this.client?.stop();
    this.client?.removeAllListeners();
    this.client = null;
    this.reconciler?.stop();
    this.reconciler = null;
    this.unsettled?.stop();
    this.unsettled = null;
    this.hooks.stopped();
    this.ctx.events.emit('leader', false);
  }

  private frameworkInfo(): FrameworkInfo {
    const info: FrameworkInfo = {
      user: this.options.user ?? safeUser(),
      name: this.options.frameworkName ?? 'griddle',
      failover_timeout: this.options.failoverTimeoutSeconds ?? 7 * 24 * 3600,
      checkpoint: true,
      hostname: this.options.hostname ?? os.hostname(),
      capabilities: [{ type: 'PARTITION_AWARE' }, { type: 'TASK_KILLING_STATE' }],
    };
    if (this.options.webuiUrl) info.webui_url = this.options.webuiUrl;
    if (this.ctx.state.frameworkId) info.id = { value: this.ctx.state.frameworkId };
    return info;
  }

  private async onSubscribed(client: SchedulerClient, frameworkId: string, master: string): Promise<void> {
    this.subscribedAt = this.ctx.now();
    if (frameworkId !== this.ctx.state.frameworkId) {
      const durable = await saveUntilDurable(
        () => this.ctx.state.saveFrameworkId(frameworkId),
        () => this.client === client,
        (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
        (err, retryMs) => this.ctx.log.error({ err: err.message, frameworkId, retryMs }, 'could not persist the framework id; retrying before acting'),
      );
      // Leadership or the session ended meanwhile: this SUBSCRIBED is void.
      if (!durable) return;
    }
    this.ctx.log.info({ frameworkId, master }, 'subscribed to Mesos');
    this.ctx.events.emit('subscribed', frameworkId, master);
    this.reconciler?.start();
    this.unsettled?.start();
    this.hooks.subscribed();
  }
}

/**
 * Persists the framework id, retrying (1 s doubling to 30 s) while `current()` holds: nothing
 * may be launched under a framework id a new leader would not know. Resolves whether it got
 * durable; never rejects.
 */
export async function saveUntilDurable(
  save: () => Promise<void>, current: () => boolean, sleep: (ms: number) => Promise<void>, onError: (err: Error, retryMs: number) => void,
): Promise<boolean> {
  for (let delay = 1000; current(); delay = Math.min(delay * 2, 30_000)) {
    try {
      await save();
      return true;
    } catch (err) {
      onError(err as Error, delay);
      await sleep(delay);
    }
  }
  return false;
}

function reconcile(client: SchedulerClient, tasks: ReconcileTarget[]): Promise<void> {
  return client.call({ type: 'RECONCILE', reconcile: { tasks: tasks.map((t) => ({ task_id: { value: t.taskId }, agent_id: t.agentId ? { value: t.agentId } : undefined })) } }).then(() => undefined);
}

function safeUser(): string {
  try {
    return os.userInfo().username || 'root';
  } catch {
    return 'root';
  }
}
