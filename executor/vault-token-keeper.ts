/**
 * Keeps the task's Vault token alive while the task runs: the steps of vault-token-policy.ts
 * on a timer, the calls to Vault injected (vault-resolver.ts gives node-vault's), so the
 * schedule is unit-tested with a hand-driven clock. Nothing here sees a secret, and the token
 * itself is never logged.
 */
import { systemClock, type Clock, type Logger } from '../common';
import { nextTokenStep, stepAfterFailure, type TokenLease, type TokenStep } from './vault-token-policy';

export interface TokenActions {
  renew(): Promise<TokenLease>;
  login(): Promise<TokenLease>;
  /** Vault answered and said no, as opposed to being unreachable or unavailable. */
  refused(err: unknown): boolean;
  /** A short cause that never echoes a response body. */
  describe(err: unknown): string;
}

export class VaultTokenKeeper {
  private timer: unknown = null;
  private stopped = false;
  private attempt = 0;
  private expiresAt = Infinity;
  /** The step now waiting, for logs and tests. */
  pending: TokenStep | null = null;

  constructor(
    private readonly actions: TokenActions,
    private readonly canLogin: boolean,
    private readonly log: Logger,
    private readonly clock: Clock = systemClock,
  ) {}

  start(lease: TokenLease): void {
    this.follow(lease);
  }

  /** When the task ends: no further renewal or login. */
  stop(): void {
    this.stopped = true;
    this.pending = null;
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  private follow(lease: TokenLease): void {
    this.expiresAt = lease.ttlSeconds > 0 ? this.clock.now() + lease.ttlSeconds * 1000 : Infinity;
    this.attempt = 0;
    this.take(nextTokenStep(lease, this.canLogin));
  }

  private take(step: TokenStep): void {
    if (this.stopped) return;
    if (step.action === 'stop') {
      this.pending = null;
      this.log.info({ why: step.why }, 'Vault token: no further renewal');
      return;
    }
    this.pending = step;
    this.log.debug({ action: step.action, inMs: Math.round(step.inMs), why: step.why }, 'Vault token: next step');
    this.timer = this.clock.setTimeout(() => void this.run(step.action), step.inMs);
  }

  private async run(action: 'renew' | 'login'): Promise<void> {
    this.timer = null;
    try {
      const lease = await (action === 'renew' ? this.actions.renew() : this.actions.login());
      if (this.stopped) return;
      this.log.info({ ttl: lease.ttlSeconds, renewable: lease.renewable }, action === 'renew' ? 'renewed the Vault token' : 'logged in to Vault again');
      this.follow(lease);
    } catch (err) {
      if (this.stopped) return;
      const refused = this.actions.refused(err);
      this.log.warn({ action, cause: this.actions.describe(err) }, action === 'renew' ? 'Vault token renewal failed' : 'Vault login failed');
      this.take(stepAfterFailure(action, refused, this.expiresAt - this.clock.now(), this.attempt++, this.canLogin));
    }
  }
}
