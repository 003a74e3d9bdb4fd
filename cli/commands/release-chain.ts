import { ApiError } from '../api/api-client';
import { ChainError, planChain, type ChainStep } from '../chain/plan';
import { serviceName, type LoadedSpec } from '../spec/spec-loader';
import { CliError, EXIT, type CommandContext } from './context';
import { release, type ReleaseOptions, type ReleaseResult } from './release';

export interface ChainRelease extends ReleaseOptions { service: string; environment: string; tag: string }

/** One line of the chain's report. */
export interface ChainReportLine {
  role: 'release' | 'on_success' | 'on_failure';
  service: string;
  tag: string;
  forced: boolean;
  via?: string;
  deployId?: string;
  result: ReleaseResult['outcome'] | 'error' | 'not run';
  error?: string;
}

/**
 * `release` with Nmesos's `after_deploy`: the planned chain runs step by step, each step a full
 * release (followed to its result) against the URL of its own spec; the first failure stops
 * it, and then the first service's `on_failure` job is released. A frozen spec stops the
 * chain where it is, without `on_failure`, as in Nmesos. The report lists every step.
 */
export async function releaseChain(
  root: ChainRelease,
  load: (service: string) => LoadedSpec,
  contextFor: (loaded: LoadedSpec) => CommandContext,
): Promise<number> {
  let plan;
  try {
    plan = planChain<LoadedSpec>({ service: root.service, tag: root.tag, force: root.force },
      (svc) => {
        const loaded = load(svc);
        return { spec: loaded, afterDeploy: loaded.spec.after_deploy };
      }, serviceName);
  } catch (e) {
    if (e instanceof ChainError) throw new CliError(e.message, EXIT.usage);
    throw e;
  }
  const first = plan.steps[0];
  const options = (step: ChainStep<LoadedSpec>): ReleaseOptions => ({ ...root, force: step.force });
  if (plan.steps.length === 1 && !plan.onFailure) return (await release(contextFor(first.spec), first.spec, first.tag, options(first))).code;

  const rootCtx = contextFor(first.spec);
  const term = rootCtx.term;
  const documents: unknown[] = [];
  term.documentSink = (d) => documents.push(d);
  const report: ChainReportLine[] = plan.steps.map((s, i) => ({
    role: i === 0 ? 'release' : 'on_success', service: s.spec.service, tag: s.tag, forced: s.force, via: s.via, result: 'not run',
  }));
  term.line(term.color('bold', `after_deploy chain in ${root.environment}: ${plan.steps.map((s) => `${s.spec.service}:${s.tag}`).join(' → ')}${plan.onFailure ? ` (on failure: ${plan.onFailure.spec.service}:${plan.onFailure.tag})` : ''}${root.dryRun ? ' — dry run' : ''}`));

  let failed = false;
  let code: number = EXIT.ok;
  try {
    for (const [i, step] of plan.steps.entries()) {
      term.line();
      term.line(term.color('bold', `[${i + 1}/${plan.steps.length}] ${step.spec.service}:${step.tag}${step.via ? ` (after_deploy of ${step.via}, forced)` : ''}`));
      const line = report[i];
      const ran = await guarded(() => release(contextFor(step.spec), step.spec, step.tag, options(step)));
      Object.assign(line, ran);
      if (ran.error) term.warn(term.color('red', `error: ${ran.error}`));
      if (line.result === 'failed' || line.result === 'error') {
        failed = true;
        code = ran.code ?? EXIT.deployFailed;
        break;
      }
    }
    if (failed && plan.onFailure) {
      const step = plan.onFailure;
      term.line();
      term.line(term.color('bold', `on_failure: ${step.spec.service}:${step.tag} (forced)`));
      const ran = await guarded(() => release(contextFor(step.spec), step.spec, step.tag, options(step)));
      if (ran.error) term.warn(term.color('red', `error: ${ran.error}`));
      report.push({ role: 'on_failure', service: step.spec.service, tag: step.tag, forced: true, via: step.via, ...ran });
    }
  } finally {
    term.documentSink = undefined;
  }
  printReport(rootCtx, report);
  term.document({ chain: report, releases: documents, succeeded: !failed });
  // The chain failed when any of its releases did, whatever on_failure's own result.
  return failed ? Math.max(code, EXIT.deployFailed) : EXIT.ok;
}

/** A step's release; errors that end one release (API refusals, a deprecated env var) fail the step. */
async function guarded(run: () => Promise<ReleaseResult>): Promise<Pick<ChainReportLine, 'deployId' | 'result' | 'error'> & { code?: number }> {
  try {
    const r = await run();
    return { deployId: r.deployId, result: r.outcome, code: r.code };
  } catch (e) {
    // A frozen spec stops everything, as it does in Nmesos: no on_failure either.
    if (e instanceof CliError && /is frozen/.test(e.message)) throw e;
    if (e instanceof CliError || e instanceof ApiError) return { result: 'error', error: e.message, code: e instanceof CliError ? e.exitCode : EXIT.deployFailed };
    throw e;
  }
}

function printReport(ctx: CommandContext, report: ChainReportLine[]): void {
  const t = ctx.term;
  t.line();
  t.line(t.color('bold', 'after_deploy report:'));
  const width = Math.max(...report.map((r) => `${r.service}:${r.tag}`.length));
  for (const r of report) {
    const mark = r.result === 'succeeded' || r.result === 'already-active' || r.result === 'dry-run' ? t.color('green', '✔')
      : r.result === 'not run' ? t.color('dim', '-') : t.color('red', '✘');
    const what = `${r.service}:${r.tag}`.padEnd(width);
    t.line(`  ${mark} ${r.role.padEnd(10)} ${what}  ${r.deployId ?? ''}${r.deployId ? '  ' : ''}${r.result}${r.error ? `: ${r.error.split('\n')[0]}` : ''}`);
  }
}
