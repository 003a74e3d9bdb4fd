import * as z from 'zod';
import type { SingularityRequestGroup } from '../../contract';
import type { SchedulerPort } from '../deploys';
import type { RequestRecord } from '../model';
import { groupName } from './request-schema';
import { requestIdSchema } from './ids';

/** SingularityRequestGroup as clients send it (Singularity's validator: id like a request id, requestIds required). */
export const requestGroupSchema = z.object({
  id: requestIdSchema,
  requestIds: z.array(requestIdSchema).max(10_000),
  metadata: z.record(z.string().min(1).max(200), z.string().max(10_000)).optional(),
});

/** SingularityUpdateGroupsRequest: a request's authorization groups. */
export const updateGroupsSchema = z.object({
  group: groupName.optional(),
  readWriteGroups: z.array(groupName).max(100).optional(),
  readOnlyGroups: z.array(groupName).max(100).optional(),
  message: z.string().max(10_000).optional(),
});
export type UpdateGroups = z.output<typeof updateGroupsSchema>;

/** A group as stored and served: request ids unique, in the order first given. */
export function normalizeGroup(g: z.output<typeof requestGroupSchema>): SingularityRequestGroup {
  return { id: g.id, requestIds: [...new Set(g.requestIds)], metadata: g.metadata ?? {} };
}

/**
 * Why an authorization-groups update is refused, per field; empty when it is fine. A group
 * cannot be both read-write and read-only, and the owning group already has write access.
 */
export function groupsUpdateProblems(u: UpdateGroups): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  const rw = new Set(u.readWriteGroups ?? []);
  const both = (u.readOnlyGroups ?? []).filter((g) => rw.has(g));
  if (both.length) problems.push({ field: 'readOnlyGroups', message: `${both.join(', ')} also listed in readWriteGroups` });
  if (u.group && (u.readOnlyGroups ?? []).includes(u.group)) problems.push({ field: 'readOnlyGroups', message: `holds the owning group ${u.group}, which already has write access` });
  return problems;
}

/** The request with its authorization groups replaced, as Singularity's updateAuthorizedGroups does. */
export function withGroups(r: RequestRecord, u: UpdateGroups, now: number): RequestRecord {
  const { group, readWriteGroups, readOnlyGroups, ...rest } = r.request;
  void group; void readWriteGroups; void readOnlyGroups;
  return {
    ...r,
    request: { ...rest, ...(u.group ? { group: u.group } : {}), readWriteGroups: [...new Set(u.readWriteGroups ?? [])], readOnlyGroups: [...new Set(u.readOnlyGroups ?? [])] },
    updatedAt: now,
  };
}

/** Removes a request from every group's list; returns the groups that changed. */
export function withoutRequest(groups: Iterable<SingularityRequestGroup>, requestId: string): SingularityRequestGroup[] {
  const changed: SingularityRequestGroup[] = [];
  for (const g of groups) if (g.requestIds.includes(requestId)) changed.push({ ...g, requestIds: g.requestIds.filter((id) => id !== requestId) });
  return changed;
}

/**
 * Request groups (Singularity's RequestGroupResource), persisted in the `groups` collection. A
 * deleted request leaves every group, so a console filtering by group never lists a ghost.
 */
export class RequestGroups {
  private readonly groups = new Map<string, SingularityRequestGroup>();
  private readonly onRequest = (next: RequestRecord): void => {
    if (next.state !== 'DELETED') return;
    for (const g of withoutRequest(this.groups.values(), next.request.id)) this.save(g);
  };

  constructor(private readonly scheduler: SchedulerPort) {}

  async start(): Promise<void> {
    this.scheduler.events.on('request', this.onRequest);
    const stored = await this.scheduler.store.load('groups').catch(() => new Map<string, unknown>());
    for (const [id, v] of stored) this.groups.set(id, v as SingularityRequestGroup);
  }

  stop(): void {
    this.scheduler.events.off('request', this.onRequest);
  }

  list(): SingularityRequestGroup[] {
    return [...this.groups.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  get(id: string): SingularityRequestGroup | undefined {
    return this.groups.get(id);
  }

  save(g: SingularityRequestGroup): void {
    this.scheduler.store.put('groups', g.id, g);
    this.groups.set(g.id, g);
  }

  delete(id: string): boolean {
    if (!this.groups.delete(id)) return false;
    this.scheduler.store.delete('groups', id);
    return true;
  }

  /** Ids of the groups a request belongs to. */
  groupsOf(requestId: string): string[] {
    return this.list().filter((g) => g.requestIds.includes(requestId)).map((g) => g.id);
  }
}
