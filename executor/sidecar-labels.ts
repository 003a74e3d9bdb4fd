/**
 * The labels that drove sidecar-executor and Sidecar, read the way they read them. Pure.
 * A label comes from a docker `label` parameter (how Nmesos sent `container.labels`) or from the
 * TaskInfo's labels; the docker parameter wins, being the one Docker would have shown Sidecar.
 */
import type { TaskInfo } from '../mesos-proto';
import type { HealthPolicyOptions } from './health-policy';

export const SHELL_COMMAND_LABEL = 'executor.ShellCommand';

export function dockerLabelParameters(task: TaskInfo): Map<string, string> {
  const labels = new Map<string, string>();
  for (const { key, value } of task.container?.docker?.parameters ?? []) {
    const name = key.replace(/^-+/, '');
    if (name !== 'label' && name !== 'l') continue;
    const i = value.indexOf('=');
    if (i > 0) labels.set(value.slice(0, i), value.slice(i + 1));
  }
  return labels;
}

/** TaskInfo labels, then docker `label` parameters over them. */
export function effectiveLabels(task: TaskInfo): Map<string, string> {
  const labels = new Map((task.labels?.labels ?? []).map((l): [string, string] => [l.key, l.value ?? '']));
  for (const [k, v] of dockerLabelParameters(task)) labels.set(k, v);
  return labels;
}

/** `executor.ShellCommand`: split at spaces into the container's Cmd, as sidecar-executor did. */
export function shellCommand(labels: ReadonlyMap<string, string>): string[] | undefined {
  const value = labels.get(SHELL_COMMAND_LABEL);
  if (value === undefined) return undefined;
  const words = value.split(' ').filter((w) => w !== '');
  return words.length ? words : undefined;
}

/** Go's strconv.ParseBool; anything else is "not set". */
function goBool(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false;
  return undefined;
}

/**
 * Whether the task takes part in discovery (health-checked as Sidecar did, drained before a
 * kill): the `SidecarDiscover` label, else `EXECUTOR_SIDECAR_DISCOVER` (Nmesos's examples set
 * it in `executor.env_vars`); default true, and an unparsable value counts as true as there.
 */
export function discoveryEnabled(labels: ReadonlyMap<string, string>, envSetting: string | undefined): boolean {
  return goBool(labels.get('SidecarDiscover')) ?? goBool(envSetting) ?? true;
}

/** sidecar-executor's label-derived env: they override any env, as its `-e` came last. */
export function labelEnvironment(labels: ReadonlyMap<string, string>): [string, string][] {
  const env: [string, string][] = [];
  const service = labels.get('ServiceName');
  if (service) env.push(['SERVICE_NAME', service]);
  const environmentName = labels.get('EnvironmentName');
  if (environmentName) env.push(['ENVIRONMENT_NAME', environmentName]);
  // sidecar-executor itself read `Environment` into ENVIRONMENT.
  const environment = labels.get('Environment');
  if (environment) {
    env.push(['ENVIRONMENT', environment]);
    if (!environmentName) env.push(['ENVIRONMENT_NAME', environment]);
  }
  return env;
}

export type SidecarCheckType = 'HttpGet' | 'External' | 'AlwaysSuccessful';

export interface SidecarCheck {
  type: SidecarCheckType;
  /** `HealthCheckArgs` with its `{{ ... }}` fields still in. */
  args: string;
}

/** The `HealthCheck` label; Sidecar ran an unknown type as HttpGet. Undefined when absent. */
export function sidecarCheck(labels: ReadonlyMap<string, string>): SidecarCheck | undefined {
  const type = labels.get('HealthCheck');
  if (!type) return undefined;
  const known: SidecarCheckType = type === 'External' || type === 'AlwaysSuccessful' ? type : 'HttpGet';
  return { type: known, args: labels.get('HealthCheckArgs') ?? '' };
}

export interface TemplateContext {
  /** What `{{ host }}` gives: the address the executor reaches published ports on. */
  host: string;
  /** What `{{ container }}` gives: the container's hostname. */
  container: string;
  /** Host port bound to a container port, by protocol. */
  hostPort(containerPort: number, protocol: 'tcp' | 'udp'): number | undefined;
  labels: ReadonlyMap<string, string>;
}

/**
 * Fills Sidecar's template fields: `{{ host }}`, `{{ container }}`, `{{ tcp N }}`, `{{ udp N }}`.
 * As in Sidecar, N is a service port (a `ServicePort_<containerPort>=N` label) and gives the host
 * port bound to that container port; an N no label names is taken as a container port.
 */
export function renderCheckArgs(template: string, ctx: TemplateContext): string {
  return template.replace(/\{\{\s*(host|container|tcp|udp)(?:\s+(\d+))?\s*\}\}/g, (whole, fn: string, arg?: string) => {
    if (fn === 'host') return ctx.host;
    if (fn === 'container') return ctx.container;
    if (!arg) return whole;
    const servicePort = Number(arg);
    const protocol = fn as 'tcp' | 'udp';
    const byLabel = [...ctx.labels].find(([k, v]) => k.startsWith('ServicePort_') && Number(v) === servicePort);
    const containerPort = byLabel ? Number(byLabel[0].slice('ServicePort_'.length)) : servicePort;
    return String(ctx.hostPort(containerPort, protocol) ?? servicePort);
  });
}

export interface SidecarTiming {
  backoffMs: number;
  pollIntervalMs: number;
  maxFails: number;
}

/**
 * How a label-driven check is scheduled: sidecar-executor waited `SidecarBackoff` before the
 * first poll, polled every `SidecarPollInterval`, and killed after `SidecarMaxFails` unhealthy
 * answers. Its checks had no grace period beyond the backoff.
 */
export function sidecarPolicy(timing: SidecarTiming): HealthPolicyOptions {
  return {
    delayMs: timing.backoffMs,
    intervalMs: timing.pollIntervalMs,
    // A probe must end before the next one is due; Sidecar's own HTTP checks gave up well before.
    timeoutMs: Math.max(1000, Math.min(timing.pollIntervalMs, 10_000)),
    gracePeriodMs: 0,
    consecutiveFailures: Math.max(1, timing.maxFails),
  };
}
