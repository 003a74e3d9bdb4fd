import * as z from 'zod';
import type { SchedulerPort } from '../deploys';

/** A hostname as agents report it (RFC 1123 labels, or an IP address). */
export const hostSchema = z.string().min(1).max(253).regex(/^[A-Za-z0-9]([A-Za-z0-9.:_-]*[A-Za-z0-9])?$/, 'must be a hostname or IP address');

/** The core's set of inactive hosts (present on the real Scheduler; absent on fakes). */
type WithInactive = Partial<{ inactiveHosts: Set<string> }>;

/** The hosts in `stored` (the `inactive-hosts` collection: host → `{host, since}`), sorted. */
export function storedHosts(stored: ReadonlyMap<string, unknown>): string[] {
  return [...stored.keys()].sort();
}

/**
 * Singularity's inactive hosts: hosts an operator took out of placement (a bad disk, a host about
 * to be reimaged) without Mesos maintenance. Persisted in `inactive-hosts`; the core's set is
 * what placement reads, reloaded on becoming leader so a new leader sees what the old one kept.
 */
export class InactiveHosts {
  private readonly onLeader = (isLeader: boolean): void => {
    if (isLeader) void this.load();
  };

  constructor(private readonly scheduler: SchedulerPort, private readonly now: () => number) {}

  private get set(): Set<string> {
    const core = this.scheduler as WithInactive;
    return (core.inactiveHosts ??= new Set());
  }

  async start(): Promise<void> {
    this.scheduler.events.on('leader', this.onLeader);
    await this.load();
  }

  stop(): void {
    this.scheduler.events.off('leader', this.onLeader);
  }

  private async load(): Promise<void> {
    const stored = await this.scheduler.store.load('inactive-hosts');
    this.set.clear();
    for (const host of storedHosts(stored)) this.set.add(host);
  }

  list(): string[] {
    return [...this.set].sort();
  }

  deactivate(host: string): void {
    this.set.add(host);
    this.scheduler.store.put('inactive-hosts', host, { host, since: this.now() });
    // Pending tasks may have been waiting on this host; placement runs again without it.
    this.scheduler.poke();
  }

  activate(host: string): void {
    if (!this.set.delete(host)) return;
    this.scheduler.store.delete('inactive-hosts', host);
    this.scheduler.poke();
  }
}
