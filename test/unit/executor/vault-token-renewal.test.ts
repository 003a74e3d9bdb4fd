import pino from 'pino';
import { VaultTokenKeeper, type TokenActions } from '../../../executor/vault-token-keeper';
import { RETRY_MAX_MS, nextTokenStep, stepAfterFailure, type TokenLease } from '../../../executor/vault-token-policy';
import { ManualTimers } from '../../support/manual-timers';

const lease = (ttlSeconds: number, opts: Partial<TokenLease> = {}): TokenLease => ({ ttlSeconds, renewable: true, capped: false, ...opts });

describe('Vault token policy', () => {
  it('renews a renewable token at half its TTL', () => {
    expect(nextTokenStep(lease(3600), false)).toMatchObject({ action: 'renew', inMs: 1_800_000 });
    expect(nextTokenStep(lease(2), true)).toMatchObject({ action: 'renew', inMs: 1_000 });
  });

  it('leaves a token that never expires alone', () => {
    expect(nextTokenStep(lease(0, { renewable: false }), true)).toMatchObject({ action: 'stop', why: 'the token does not expire' });
  });

  it('logs in again before a capped or non-renewable token expires, when it can', () => {
    expect(nextTokenStep(lease(600, { capped: true }), true)).toMatchObject({ action: 'login', inMs: 300_000, why: 'the token nears its max TTL' });
    expect(nextTokenStep(lease(600, { renewable: false }), true)).toMatchObject({ action: 'login', inMs: 300_000 });
  });

  it('stops, saying when the token expires, when it cannot log in', () => {
    expect(nextTokenStep(lease(600, { capped: true }), false)).toEqual({ action: 'stop', why: 'the token nears its max TTL; it expires in 600 s' });
    expect(nextTokenStep(lease(60, { renewable: false }), false)).toEqual({ action: 'stop', why: 'the token is not renewable; it expires in 60 s' });
  });

  it('answers a refused renewal with a new login, or stops', () => {
    expect(stepAfterFailure('renew', true, 10_000, 0, true)).toMatchObject({ action: 'login', inMs: 0 });
    expect(stepAfterFailure('renew', true, 10_000, 0, false)).toMatchObject({ action: 'stop' });
    expect(stepAfterFailure('login', true, 10_000, 0, true)).toMatchObject({ action: 'stop', why: 'Vault refused the login' });
  });

  it('retries while Vault is unavailable, backing off but trying again before the token runs out', () => {
    expect(stepAfterFailure('renew', false, 600_000, 0, false)).toMatchObject({ action: 'renew', inMs: 1_000 });
    expect(stepAfterFailure('renew', false, 600_000, 3, false)).toMatchObject({ action: 'renew', inMs: 8_000 });
    expect(stepAfterFailure('renew', false, 10_000, 5, false)).toMatchObject({ action: 'renew', inMs: 5_000 });
    expect(stepAfterFailure('login', false, 0, 20, true)).toMatchObject({ action: 'login', inMs: RETRY_MAX_MS });
  });

  it('logs in instead of renewing a token that has expired, or stops', () => {
    expect(stepAfterFailure('renew', false, 0, 2, true)).toMatchObject({ action: 'login', inMs: 4_000 });
    expect(stepAfterFailure('renew', false, -5, 2, false)).toEqual({ action: 'stop', why: 'the token expired' });
  });
});

class FakeVault implements TokenActions {
  calls: string[] = [];
  renewals: (TokenLease | Error)[] = [];
  logins: (TokenLease | Error)[] = [];
  async renew(): Promise<TokenLease> {
    this.calls.push('renew');
    const next = this.renewals.shift() ?? new Error('unexpected renewal');
    if (next instanceof Error) throw next;
    return next;
  }
  async login(): Promise<TokenLease> {
    this.calls.push('login');
    const next = this.logins.shift() ?? new Error('unexpected login');
    if (next instanceof Error) throw next;
    return next;
  }
  refused(err: unknown): boolean {
    return (err as Error).message === 'refused';
  }
  describe(err: unknown): string {
    return (err as Error).message;
  }
}

describe('VaultTokenKeeper', () => {
  const log = pino({ level: 'silent' });

  it('renews at half the TTL, logs in again when capped, and stops with the task', async () => {
    const clock = new ManualTimers();
    const vault = new FakeVault();
    vault.renewals = [lease(10), lease(6, { capped: true })];
    vault.logins = [lease(10)];
    const keeper = new VaultTokenKeeper(vault, true, log, clock);
    keeper.start(lease(10));
    await clock.advanceAsync(4_999);
    expect(vault.calls).toEqual([]);
    await clock.advanceAsync(1);
    expect(vault.calls).toEqual(['renew']);
    await clock.advanceAsync(5_000);
    expect(vault.calls).toEqual(['renew', 'renew']);
    expect(keeper.pending).toMatchObject({ action: 'login', inMs: 3_000 });
    await clock.advanceAsync(3_000);
    expect(vault.calls).toEqual(['renew', 'renew', 'login']);
    expect(keeper.pending).toMatchObject({ action: 'renew', inMs: 5_000 });
    keeper.stop();
    expect(clock.size).toBe(0);
    await clock.advanceAsync(60_000);
    expect(vault.calls).toHaveLength(3);
  });

  it('backs off while Vault is unavailable, then carries on', async () => {
    const clock = new ManualTimers();
    const vault = new FakeVault();
    vault.renewals = [new Error('ECONNREFUSED'), new Error('ECONNREFUSED'), lease(100)];
    const keeper = new VaultTokenKeeper(vault, false, log, clock);
    keeper.start(lease(100));
    await clock.advanceAsync(50_000);
    expect(keeper.pending).toMatchObject({ action: 'renew', inMs: 1_000 });
    await clock.advanceAsync(1_000);
    expect(keeper.pending).toMatchObject({ action: 'renew', inMs: 2_000 });
    await clock.advanceAsync(2_000);
    expect(vault.calls).toEqual(['renew', 'renew', 'renew']);
    expect(keeper.pending).toMatchObject({ action: 'renew', inMs: 50_000 });
    keeper.stop();
  });

  it('logs in at once when a renewal is refused, and gives up when the login is refused too', async () => {
    const clock = new ManualTimers();
    const vault = new FakeVault();
    vault.renewals = [new Error('refused')];
    vault.logins = [new Error('refused')];
    const keeper = new VaultTokenKeeper(vault, true, log, clock);
    keeper.start(lease(4));
    await clock.advanceAsync(2_000);
    expect(vault.calls).toEqual(['renew', 'login']);
    expect(keeper.pending).toBeNull();
    expect(clock.size).toBe(0);
  });
});
