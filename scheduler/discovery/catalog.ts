/**
 * The discovery catalog: one endpoint per task, every change numbered by a revision and kept in
 * a bounded log so watchers can resume. Pure logic with an injected clock; persistence and the
 * listeners (HTTP, gRPC) subscribe to its changes.
 */
import type { TaskRecord } from '../model';
import type { CatalogChange, Endpoint, EndpointPort, EndpointStatus } from './endpoint';
import { describeTask, isDiscoverable, nextStatus, type EndpointDescription } from './task-endpoint';

export interface CatalogOptions {
  /** Milliseconds since the epoch. */
  now?: () => number;
  /** How long a tombstone stays visible before it leaves the catalog (default 1 hour). */
  tombstoneTtlMs?: number;
  /** How many changes are kept for watchers resuming from a revision (default 10,000). */
  changeLogSize?: number;
  /** The agent's address for a hostname (advertised or resolved), when known. */
  addressOf?: (hostname: string) => string | undefined;
}

export type ChangeListener = (change: CatalogChange) => void;

function samePorts(a: readonly EndpointPort[], b: readonly EndpointPort[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((p, i) => p.containerPort === b[i]!.containerPort && p.hostPort === b[i]!.hostPort
    && p.protocol === b[i]!.protocol && p.servicePort === b[i]!.servicePort);
}

function sameDescription(a: EndpointDescription, b: EndpointDescription): boolean {
  return a.serviceName === b.serviceName && a.host === b.host && a.ip === b.ip && a.image === b.image && a.version === b.version
    && a.proxyMode === b.proxyMode && a.requestId === b.requestId && a.deployId === b.deployId && samePorts(a.ports, b.ports);
}

/**
 * What an endpoint's description was read from. A status update from the core copies the task
 * record and keeps its TaskInfo object, so when these are the same the description is too and
 * describing the task again (labels, ports) is skipped: most of a burst's per-change cost.
 */
interface DescribedFrom {
  taskInfo: unknown;
  ports: readonly number[];
  hostname: string;
  requestId: string;
  deployId: string;
  ip: string | undefined;
}

function describedFrom(task: TaskRecord, ip: string | undefined): DescribedFrom {
  return { taskInfo: task.taskInfo, ports: task.ports, hostname: task.hostname, requestId: task.requestId, deployId: task.deployId, ip };
}

function sameSource(a: DescribedFrom | undefined, b: DescribedFrom): boolean {
  return a !== undefined && a.taskInfo === b.taskInfo && a.ports === b.ports && a.hostname === b.hostname
    && a.requestId === b.requestId && a.deployId === b.deployId && a.ip === b.ip;
}

const byTaskId = (a: Endpoint, b: Endpoint): number => (a.taskId < b.taskId ? -1 : a.taskId > b.taskId ? 1 : 0);

export class Catalog {
  private readonly entries = new Map<string, Endpoint>();
  /**
   * Service name → the task ids of its endpoints: one service's list costs its own size, not
   * the catalog's. Ids, not endpoints, so a change that keeps the service leaves it untouched.
   */
  private readonly services = new Map<string, Set<string>>();
  private readonly sources = new Map<string, DescribedFrom>();
  /** The change log is log[logHead..]; the array is compacted once the dead head is as long as the log. */
  private log: CatalogChange[] = [];
  private logHead = 0;
  private readonly listeners = new Set<ChangeListener>();
  private readonly resetListeners = new Set<() => void>();
  private readonly now: () => number;
  private readonly tombstoneTtlMs: number;
  private readonly changeLogSize: number;
  private readonly addressOf: ((hostname: string) => string | undefined) | undefined;
  private rev = 0;
  private changedAt = 0;

  constructor(options: CatalogOptions = {}) {
    this.now = options.now ?? Date.now;
    this.tombstoneTtlMs = options.tombstoneTtlMs ?? 60 * 60 * 1000;
    this.changeLogSize = options.changeLogSize ?? 10_000;
    this.addressOf = options.addressOf;
  }

  /**
   * When the catalog last changed (ms since the epoch), strictly increasing from one change to
   * the next even within a millisecond: it is Sidecar's `LastChanged`, and followers ignore an
   * update whose `LastChanged` is not later than the state they hold.
   */
  get lastChanged(): number {
    return this.changedAt;
  }

  get revision(): number {
    return this.rev;
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * Replaces the contents with persisted endpoints (a new leader taking over). The revision
   * continues above everything persisted, so it never goes back for a watcher; the change log
   * starts empty, so watchers resuming from before the takeover get a snapshot.
   */
  restore(endpoints: Iterable<Endpoint>, revision = 0): void {
    this.entries.clear();
    this.services.clear();
    this.sources.clear();
    this.log = [];
    this.logHead = 0;
    let max = revision;
    for (const endpoint of endpoints) {
      this.put({ ...endpoint });
      max = Math.max(max, endpoint.revision);
      this.changedAt = Math.max(this.changedAt, endpoint.updatedAt);
    }
    this.rev = Math.max(this.rev, max);
    for (const listener of this.resetListeners) listener();
  }

  /** Called after restore() replaced the contents: watchers need a fresh snapshot. */
  onReset(listener: () => void): () => void {
    this.resetListeners.add(listener);
    return () => this.resetListeners.delete(listener);
  }

  get(taskId: string): Endpoint | undefined {
    const entry = this.entries.get(taskId);
    return entry && { ...entry };
  }

  /** Endpoints ordered by service name, then task id; optionally one service only. */
  list(serviceName?: string): Endpoint[] {
    if (serviceName !== undefined) {
      const out: Endpoint[] = [];
      for (const taskId of this.services.get(serviceName) ?? []) out.push({ ...this.entries.get(taskId)! });
      return out.sort(byTaskId);
    }
    const out: Endpoint[] = [];
    for (const entry of this.entries.values()) out.push({ ...entry });
    return out.sort((a, b) => (a.serviceName === b.serviceName ? byTaskId(a, b) : (a.serviceName < b.serviceName ? -1 : 1)));
  }

  /** The names of the services with at least one endpoint (tombstones included). */
  serviceNames(): string[] {
    return [...this.services.keys()];
  }

  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * The changes after `revision`, or undefined when the log no longer reaches back that far
   * (or the revision is from the future, e.g. another leader's): the caller sends a snapshot.
   */
  changesSince(revision: number): CatalogChange[] | undefined {
    if (revision === this.rev) return [];
    if (revision > this.rev) return undefined;
    const first = this.log[this.logHead];
    if (first === undefined || first.revision > revision + 1) return undefined;
    return this.log.slice(this.logHead + revision + 1 - first.revision);
  }

  /** Folds a task's new state into its endpoint. Returns the change, if any. */
  applyTask(task: TaskRecord): CatalogChange | undefined {
    const current = this.entries.get(task.taskId);
    if (!current && !isDiscoverable(task)) return undefined;
    const status = nextStatus(current?.status, task);
    // A task that ends before discovery ever saw it running leaves nothing to tombstone.
    if (!current && status === 'TOMBSTONE') return undefined;
    const description = current?.status === 'TOMBSTONE' ? current : this.describe(task, current);
    if (current && current.status === status && (description === current || sameDescription(current, description))) return undefined;
    const now = this.now();
    return this.commit({
      ...description,
      status,
      createdAt: current?.createdAt ?? now,
      updatedAt: now,
      revision: 0,
    }, current?.status);
  }

  /** Takes an endpoint out of rotation before its task is killed (Sidecar's drain). */
  drain(taskId: string): CatalogChange | undefined {
    return this.setStatus(taskId, 'DRAINING', ['ALIVE', 'UNHEALTHY', 'UNKNOWN']);
  }

  /** Marks an endpoint gone (its task is no longer known to the scheduler). */
  tombstone(taskId: string): CatalogChange | undefined {
    return this.setStatus(taskId, 'TOMBSTONE', ['ALIVE', 'UNHEALTHY', 'UNKNOWN', 'DRAINING']);
  }

  /** Removes tombstones older than the TTL; each removal is a change. */
  expireTombstones(): CatalogChange[] {
    const cutoff = this.now() - this.tombstoneTtlMs;
    const expired = [...this.entries.values()].filter((e) => e.status === 'TOMBSTONE' && e.updatedAt <= cutoff);
    return expired.map((entry) => {
      this.remove(entry);
      return this.record({ revision: ++this.rev, endpoint: { ...entry }, previousStatus: 'TOMBSTONE', removed: true });
    });
  }

  /** The task's description: the current entry's when it was read from the same task fields. */
  private describe(task: TaskRecord, current: Endpoint | undefined): EndpointDescription {
    const source = describedFrom(task, this.addressOf?.(task.hostname));
    if (current && sameSource(this.sources.get(task.taskId), source)) return current;
    this.sources.set(task.taskId, source);
    return describeTask(task, this.addressOf);
  }

  private setStatus(taskId: string, status: EndpointStatus, from: EndpointStatus[]): CatalogChange | undefined {
    const current = this.entries.get(taskId);
    if (!current || !from.includes(current.status)) return undefined;
    return this.commit({ ...current, status, updatedAt: this.now() }, current.status);
  }

  private commit(endpoint: Endpoint, previousStatus: EndpointStatus | undefined): CatalogChange {
    endpoint.revision = ++this.rev;
    const current = this.entries.get(endpoint.taskId);
    if (current && current.serviceName !== endpoint.serviceName) this.leaveService(current);
    this.put(endpoint, current?.serviceName === endpoint.serviceName);
    // Entries are replaced on every change, never modified, so the change shares the entry.
    const change: CatalogChange = { revision: endpoint.revision, endpoint };
    if (previousStatus !== undefined) change.previousStatus = previousStatus;
    return this.record(change);
  }

  private put(endpoint: Endpoint, inService = false): void {
    this.entries.set(endpoint.taskId, endpoint);
    if (inService) return;
    let service = this.services.get(endpoint.serviceName);
    if (!service) this.services.set(endpoint.serviceName, service = new Set());
    service.add(endpoint.taskId);
  }

  private leaveService(endpoint: Endpoint): void {
    const service = this.services.get(endpoint.serviceName);
    service?.delete(endpoint.taskId);
    if (service?.size === 0) this.services.delete(endpoint.serviceName);
  }

  private remove(endpoint: Endpoint): void {
    this.entries.delete(endpoint.taskId);
    this.sources.delete(endpoint.taskId);
    this.leaveService(endpoint);
  }

  private record(change: CatalogChange): CatalogChange {
    this.changedAt = Math.max(this.now(), this.changedAt + 1);
    this.log.push(change);
    // Dropping the oldest change by splicing the array's front moved the whole log on every
    // change: 10,000 moves per change, the catalog's top cost at 100,000 endpoints.
    if (this.log.length - this.logHead > this.changeLogSize) this.logHead = this.log.length - this.changeLogSize;
    if (this.logHead >= this.changeLogSize) {
      this.log = this.log.slice(this.logHead);
      this.logHead = 0;
    }
    for (const listener of this.listeners) listener(change);
    return change;
  }
}
