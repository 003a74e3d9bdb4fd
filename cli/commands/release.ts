import type { SingularityDeploy, SingularityRequest } from '../../contract';
import { readRequestParent, type RequestView } from '../api/views';
import { convert, deployIdFor, forceSuffix, type Conversion } from '../convert/to-singularity';
import { diffJson, renderChanges, type Change } from '../output/json-diff';
import { DEFAULT_HARD_GRACE_DAYS, DEFAULT_SOFT_GRACE_DAYS, judgeDeprecations } from '../spec/deprecation';
import { formatProblem, type LoadedSpec } from '../spec/spec-loader';
import { CliError, EXIT, type CommandContext } from './context';
import { followDeploy, reportOutcome } from './follow-deploy';

export async function liveRequest(ctx: CommandContext, requestId: string): Promise<RequestView | undefined> {
  const body = await ctx.api.getOrNull(`/requests/request/${encodeURIComponent(requestId)}`);
  return body === null ? undefined : readRequestParent(body);
}

export interface Plan {
  requestId: string;
  deployId: string;
  request: SingularityRequest;
  deploy: SingularityDeploy;
  live?: { state: string; activeDeployId?: string; pendingDeployId?: string };
  changes: { request: Change[]; deploy: Change[] };
}

/** Singularity's old names the API echoes beside the ones the CLI sends. */
const REQUEST_ALIASES = ['slavePlacement', 'requiredSlaveAttributes', 'allowedSlaveAttributes'];

function isEmptyDefault(v: unknown): boolean {
  return v === null || v === false || v === 0 || v === '' || (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && v !== null && Object.keys(v).length === 0);
}

/**
 * Differences that matter: a field the API fills with its empty default (`privileged: false`,
 * `diskMb: 0`, `env: {}`) is what leaving it out of the spec means, so it is not a removal.
 */
function meaningful(changes: Change[]): Change[] {
  return changes.filter((c) => !(c.kind === 'removed' && isEmptyDefault(c.before)) && !REQUEST_ALIASES.includes(c.path.split('.')[0]));
}

/** What a release would change: field differences against the live request and active deploy. */
export function planRelease(conversion: Conversion, live: RequestView | undefined): Plan {
  const { request, deploy } = conversion;
  const { id: _id, ...wanted } = deploy;
  const { id: _liveId, ...current } = live?.activeDeploy ?? ({} as Partial<SingularityDeploy>);
  return {
    requestId: request.id,
    deployId: deploy.id,
    request,
    deploy,
    live: live && { state: live.state, activeDeployId: live.activeDeployId, pendingDeployId: live.pendingDeployId },
    changes: {
      request: meaningful(diffJson(live?.request ?? {}, request)),
      deploy: meaningful(live?.activeDeploy ? diffJson(current, wanted) : diffJson({}, wanted)),
    },
  };
}

export function printWarnings(ctx: CommandContext, loaded: LoadedSpec): void {
  for (const w of loaded.warnings) ctx.term.warn(ctx.term.color('yellow', `warning: ${formatProblem(w)}`));
}

/** Days of Nmesos's `-S`/`-H` grace periods for `@deprecated-on` env vars. */
export interface GracePeriods { softDays: number; hardDays: number }
export const DEFAULT_GRACE: GracePeriods = { softDays: DEFAULT_SOFT_GRACE_DAYS, hardDays: DEFAULT_HARD_GRACE_DAYS };

/**
 * What stops every spec command before it reads or changes anything, as in Nmesos:
 * `deploy_freeze`, and env vars past the hard grace period of their `@deprecated-on` date
 * (those past the soft one are warnings). Dry runs and checks are stopped too, so CI sees it.
 */
export function checkGates(ctx: CommandContext, loaded: LoadedSpec, grace: GracePeriods = DEFAULT_GRACE): void {
  if (loaded.spec.container.deploy_freeze) {
    throw new CliError(`${loaded.service} in ${loaded.environment} is frozen (container.deploy_freeze in ${loaded.file}): nothing is released, scaled or checked until it is removed`, EXIT.usage);
  }
  const findings = judgeDeprecations(loaded.deprecated, new Date(ctx.now()), grace.softDays, grace.hardDays);
  for (const f of findings.filter((x) => x.level === 'warning')) {
    ctx.term.warn(ctx.term.color('yellow', `warning: ${loaded.file}:${f.line}: env var ${f.key} ${f.message}`));
  }
  const errors = findings.filter((x) => x.level === 'error');
  if (errors.length > 0) {
    throw new CliError(`deprecated env vars past their grace period:\n${errors.map((f) => `${loaded.file}:${f.line}: ${f.key} ${f.message}`).join('\n')}`, EXIT.usage);
  }
}

export function printPlan(ctx: CommandContext, loaded: LoadedSpec, plan: Plan, heading: string): void {
  const t = ctx.term;
  const docker = plan.deploy.containerInfo?.docker;
  t.line(t.color('bold', heading));
  t.line(`  service:   ${loaded.service} (${loaded.environment}) from ${loaded.file}`);
  t.line(`  request:   ${plan.requestId} ${plan.live ? `(exists, ${plan.live.state})` : '(new)'}`);
  t.line(`  deploy:    ${plan.deployId}${plan.live?.activeDeployId ? ` (active now: ${plan.live.activeDeployId})` : ''}`);
  t.line(`  image:     ${docker?.image ?? '-'}`);
  t.line(`  type:      ${plan.request.requestType}${plan.request.schedule ? ` (${plan.request.schedule})` : `, ${plan.request.instances ?? 1} instance(s)`}`);
  t.line(`  resources: cpus ${plan.deploy.resources?.cpus}, memory ${plan.deploy.resources?.memoryMb} MB${docker?.portMappings?.length ? `, ports ${docker.portMappings.map((p) => p.containerPort).join(',')}` : ''}`);
  const section = (title: string, changes: Change[]): void => {
    t.line();
    if (changes.length === 0) {
      t.line(`${title}: no changes`);
      return;
    }
    t.line(`${title}:`);
    for (const l of renderChanges(changes, t.diffStyle)) t.line(l);
  };
  section(plan.live ? `request ${plan.requestId}` : `request ${plan.requestId} (to create)`, plan.changes.request);
  section(plan.live?.activeDeployId ? `deploy (against active deploy ${plan.live.activeDeployId})` : 'deploy (no active deploy)', plan.changes.deploy);
}

export interface ReleaseOptions { dryRun: boolean; force: boolean; timeoutMs: number; grace?: GracePeriods }

/** How one release ended: its exit code and the deploy it made (or would make). */
export interface ReleaseResult { code: number; deployId: string; outcome: 'succeeded' | 'failed' | 'dry-run' | 'already-active' }

export async function release(ctx: CommandContext, loaded: LoadedSpec, tag: string, options: ReleaseOptions): Promise<ReleaseResult> {
  printWarnings(ctx, loaded);
  checkGates(ctx, loaded, options.grace);
  const conversion = convert(loaded, tag);
  const live = await liveRequest(ctx, conversion.request.id);
  const plan = planRelease(conversion, live);
  if (options.dryRun) {
    printPlan(ctx, loaded, plan, `Release ${loaded.service}:${tag} to ${loaded.environment} — dry run, nothing changes`);
    ctx.term.document({ dryRun: true, ...plan });
    return { code: EXIT.ok, deployId: plan.deployId, outcome: 'dry-run' };
  }
  let deploy = conversion.deploy;
  const historyPath = `/history/request/${encodeURIComponent(deploy.requestId)}/deploy/${encodeURIComponent(deploy.id)}`;
  const exists = live?.activeDeployId === deploy.id || live?.pendingDeployId === deploy.id || (await ctx.api.getOrNull(historyPath)) !== null;
  if (exists) {
    if (!options.force) {
      if (live?.activeDeployId === deploy.id) {
        ctx.term.line(`${deploy.id} is already the active deploy of ${deploy.requestId}: nothing to do (--force deploys it again)`);
        ctx.term.document({ ...plan, alreadyActive: true });
        return { code: EXIT.ok, deployId: deploy.id, outcome: 'already-active' };
      }
      throw new CliError(`deploy ${deploy.id} of ${deploy.requestId} exists already; --force releases it again under a new id (or: griddle rollback --to ${deploy.id})`, EXIT.usage);
    }
    deploy = { ...deploy, id: deployIdFor(tag, conversion.specHash, forceSuffix(ctx.now())) };
  }
  await ctx.api.post('/requests', conversion.request);
  // As Nmesos does: a paused request comes back once its new deploy succeeds.
  await ctx.api.post('/deploys', { deploy, unpauseOnSuccessfulDeploy: true, message: `griddle release ${loaded.service}:${tag}` });
  ctx.term.line(`Releasing ${deploy.containerInfo?.docker?.image ?? tag} to ${deploy.requestId} as deploy ${deploy.id}`);
  const outcome = await followDeploy(ctx, deploy.requestId, deploy.id, {
    instances: conversion.request.instances ?? 0,
    perStep: deploy.deployInstanceCountPerStep,
    hasHealthcheck: deploy.healthcheck !== undefined,
    timeoutMs: options.timeoutMs,
  });
  const code = await reportOutcome(ctx, outcome, 'release', live?.activeDeployId);
  return { code, deployId: deploy.id, outcome: code === EXIT.ok ? 'succeeded' : 'failed' };
}

/** `check`: the spec is valid (or we exited 2 before); show what a release of the live tag would change. */
export async function check(ctx: CommandContext, loaded: LoadedSpec, tag: string | undefined, offline = false, grace?: GracePeriods): Promise<number> {
  printWarnings(ctx, loaded);
  checkGates(ctx, loaded, grace);
  const requestId = convert(loaded, 'latest').request.id;
  // --offline (CI linting of specs): compare against nothing, never call the API.
  const live = offline ? undefined : await liveRequest(ctx, requestId);
  const liveImage = live?.activeDeploy?.containerInfo?.docker?.image;
  const liveTag = liveImage && liveImage.includes(':') ? liveImage.slice(liveImage.lastIndexOf(':') + 1) : undefined;
  const useTag = tag ?? liveTag ?? 'latest';
  const plan = planRelease(convert(loaded, useTag), live);
  ctx.term.line(ctx.term.color('green', `✔ ${loaded.file}: environment ${loaded.environment} is valid${loaded.warnings.length ? ` (${loaded.warnings.length} warning(s))` : ''}`));
  printPlan(ctx, loaded, plan, offline ? `\nA release of tag ${useTag} sends (offline: not compared with the live state):` : `\nA release of tag ${useTag} would change:`);
  ctx.term.document({ valid: true, warnings: loaded.warnings, tag: useTag, ...plan });
  return EXIT.ok;
}
