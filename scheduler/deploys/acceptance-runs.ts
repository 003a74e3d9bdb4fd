import type { Logger } from '../../common';
import type { AcceptanceRunner } from '../acceptance/http-adapter';
import type { SingularityDeploy } from '../model';
import type { StepAcceptance } from './step-gates';

/** Default pause between evaluations of an inconclusive step. */
export const DEFAULT_ACCEPTANCE_POLL_MS = 5000;

/**
 * The acceptance evaluations of the rollouts in progress: the deploy machine says a step waits
 * for its checks, this starts one evaluation (never two at once for a request) and keeps the
 * latest verdict, which the machine reads on its next evaluation. An inconclusive verdict is
 * asked again after `pollMs`; the machine's step deadline bounds the retries.
 */
export class AcceptanceRuns {
  /** By request id; the deploy id tells a verdict of a canceled deploy from its successor's. */
  private readonly latest = new Map<string, StepAcceptance & { deployId: string }>();
  private readonly running = new Set<string>();

  constructor(
    private readonly run: AcceptanceRunner,
    private readonly pollMs: number,
    private readonly now: () => number,
    /** Called with the request id when a verdict arrives: the rollout is evaluated again. */
    private readonly onVerdict: (requestId: string) => void,
    private readonly log: Logger | undefined,
  ) {}

  latestFor(requestId: string, deployId: string): StepAcceptance | undefined {
    const l = this.latest.get(requestId);
    return l && l.deployId === deployId ? l : undefined;
  }

  forget(requestId?: string): void {
    if (requestId === undefined) this.latest.clear();
    else this.latest.delete(requestId);
  }

  /** Starts an evaluation for the step unless one runs or a recent one still speaks for it. */
  want(requestId: string, deploy: SingularityDeploy, step: number, healthySince: number): void {
    if (this.running.has(requestId)) return;
    const last = this.latestFor(requestId, deploy.id);
    const now = this.now();
    const current = last !== undefined && last.step === step && last.startedAt >= healthySince;
    if (current && (last.verdict.kind !== 'inconclusive' || now - last.startedAt < this.pollMs)) return;
    this.running.add(requestId);
    const startedAt = now;
    const checks = deploy.acceptanceChecks ?? [];
    void this.run(checks, { requestId, deployId: deploy.id })
      .catch((err: unknown) => ({ kind: 'inconclusive' as const, reason: `acceptance checks threw: ${String(err)}` }))
      .then((verdict) => {
        this.running.delete(requestId);
        this.latest.set(requestId, { deployId: deploy.id, step, startedAt, verdict });
        this.log?.info({ requestId, deployId: deploy.id, step, verdict }, 'acceptance checks evaluated');
        this.onVerdict(requestId);
      });
  }
}
