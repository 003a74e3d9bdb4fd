import { z } from 'zod';
import { ENDPOINT_STATUSES, SIDECAR_STATUS_CODE, type EndpointStatus } from '../../contract';
import { ApiError } from '../api/api-client';
import { readRequestParent, readTasks } from '../api/views';
import { auditCluster, type AuditEndpoint, type AuditRequest, type Finding } from '../verify/audit';
import { EXIT, type CommandContext } from './context';

/** Sidecar's default port, where Griddle's discovery listener serves `/api/services.json`. */
export const DISCOVERY_PORT = 7777;

/** The discovery listener beside an API URL: same host, Sidecar's port. */
export function defaultDiscoveryUrl(apiBase: string): string {
  const u = new URL(apiBase);
  return `${u.protocol}//${u.hostname.includes(':') ? `[${u.hostname}]` : u.hostname}:${DISCOVERY_PORT}`;
}

const servicesSchema = z.looseObject({
  Services: z.record(z.string(), z.array(z.looseObject({ ID: z.string(), Name: z.string().optional(), Hostname: z.string().optional(), Status: z.number() }))).nullish(),
});

const STATUS_BY_CODE = new Map<number, EndpointStatus>(ENDPOINT_STATUSES.map((s) => [SIDECAR_STATUS_CODE[s], s]));

async function readDiscovery(url: string, signal: AbortSignal): Promise<AuditEndpoint[]> {
  const target = `${url.replace(/\/+$/, '')}/api/services.json`;
  let body: unknown;
  try {
    const res = await fetch(target, { headers: { accept: 'application/json' }, signal: AbortSignal.any([signal, AbortSignal.timeout(30_000)]) });
    if (!res.ok) throw new ApiError(`GET ${target} answered ${res.status}`, res.status >= 500 ? 'server' : 'client', res.status);
    body = await res.json();
  } catch (e) {
    if (e instanceof ApiError) throw e;
    throw new ApiError(`cannot read discovery at ${target} (${e instanceof Error ? e.message : String(e)}); check --discovery`, 'unreachable');
  }
  const services = servicesSchema.parse(body).Services ?? {};
  return Object.entries(services).flatMap(([name, list]) => list.map((s) => ({
    taskId: s.ID, service: s.Name ?? name, host: s.Hostname ?? '', status: STATUS_BY_CODE.get(s.Status) ?? 'UNKNOWN',
  })));
}

/**
 * Audits the whole cluster through the API and discovery (no SSH): every active request has
 * its instances running and healthy, discovery agrees with every task, and no task is unknown
 * to the scheduler. Exit 1 with the findings when there is any.
 */
export async function verify(ctx: CommandContext, discoveryUrl: string): Promise<number> {
  const t = ctx.term;
  const started = ctx.now();
  const step = (what: string): void => t.progress(`verify: ${what}`, `${Math.round((ctx.now() - started) / 1000)}s`);
  step(`reading requests from ${ctx.api.base}`);
  const parents = z.array(z.unknown()).parse(await ctx.api.get('/requests')).map(readRequestParent);
  step('reading active tasks');
  const tasks = readTasks(await ctx.api.get('/tasks/active'));
  step(`reading discovery at ${discoveryUrl}`);
  const endpoints = await readDiscovery(discoveryUrl, ctx.signal);
  t.clearProgress();
  const requests: AuditRequest[] = parents.map((p) => ({
    id: p.request.id,
    state: p.state,
    requestType: p.request.requestType ?? 'SERVICE',
    instances: p.request.agentPlacement === 'SPREAD_ALL_AGENTS' ? undefined : (p.request.instances ?? 1),
    activeDeployId: p.activeDeployId,
    hasHealthcheck: p.activeDeploy?.healthcheck != null,
  }));
  const findings = auditCluster(requests, tasks, endpoints);
  const counts = `${requests.length} request(s), ${tasks.length} active task(s), ${endpoints.filter((e) => e.status !== 'TOMBSTONE').length} discovery endpoint(s)`;
  t.document({ ok: findings.length === 0, api: ctx.api.base, discovery: discoveryUrl, requests: requests.length, tasks: tasks.length, endpoints: endpoints.length, findings });
  if (findings.length === 0) {
    t.line(t.color('green', `✔ verified ${counts}: every active request has its instances running and healthy, and discovery agrees`));
    return EXIT.ok;
  }
  t.line(t.color('red', `✘ ${findings.length} finding(s) in ${counts}:`));
  const titles: Record<Finding['kind'], string> = {
    'missing-instances': 'requests short of instances',
    'unhealthy-task': 'unhealthy tasks',
    'not-in-discovery': 'running tasks missing from discovery',
    'discovery-disagrees': 'discovery disagrees with the scheduler',
    'unknown-task': 'tasks unknown to the scheduler',
  };
  for (const [kind, title] of Object.entries(titles)) {
    const mine = findings.filter((f) => f.kind === kind);
    if (mine.length === 0) continue;
    t.line(`  ${title}:`);
    for (const f of mine) t.line(`    - ${f.message}`);
  }
  return EXIT.deployFailed;
}
