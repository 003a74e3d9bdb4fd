import type { DesiredDeployment, RequestRecord } from '../model';

/** What the default provider reads; the scheduler (and its state repository) provide it. */
export interface DesiredStateView {
  readonly requests: ReadonlyMap<string, RequestRecord>;
  knownAgentCount(): number;
  finishedCount(requestId: string, deployId: string): number;
}

/**
 * The default provider of what must run: every ACTIVE request with an active deploy gets its
 * `instances` (PAUSED and other states get none). SPREAD_ALL_AGENTS runs one per known agent;
 * RUN_ONCE stops counting the instances that already finished; ON_DEMAND and SCHEDULED run
 * nothing until a provider that knows their triggers is installed.
 */
export function defaultDesired(s: DesiredStateView): DesiredDeployment[] {
  const out: DesiredDeployment[] = [];
  for (const record of s.requests.values()) {
    const deployId = record.activeDeployId;
    if (!deployId) continue;
    const request = record.request;
    let instances = record.state === 'ACTIVE' ? (request.instances ?? 1) : 0;
    if (request.requestType === 'ON_DEMAND' || request.requestType === 'SCHEDULED') instances = 0;
    if (request.agentPlacement === 'SPREAD_ALL_AGENTS' && instances > 0) instances = s.knownAgentCount();
    if (request.requestType === 'RUN_ONCE') instances = Math.max(0, instances - s.finishedCount(request.id, deployId));
    out.push({ requestId: request.id, deployId, instances });
  }
  return out;
}
