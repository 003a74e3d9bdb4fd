/**
 * When to renew the executor's Vault token, and when to log in again instead (pure; the
 * VaultTokenKeeper carries it out). A renewable token is renewed at half its TTL, as Vault's
 * own lifetime watcher does; a token from an AppRole or userpass login is replaced by a new
 * login once renewal stops giving its full TTL back (its max TTL is near), or is refused.
 */

/** What a login or a renewal said about the token. */
export interface TokenLease {
  /** Seconds left; 0 for a token that never expires (a root token). */
  ttlSeconds: number;
  renewable: boolean;
  /** The renewal gave back less than the token's TTL: it is capped by the max TTL. */
  capped: boolean;
}

export type TokenStep =
  | { action: 'renew' | 'login'; inMs: number; why: string }
  | { action: 'stop'; why: string };

/** Retries after Vault could not be reached back off from 1 s to at most a minute. */
export const RETRY_MIN_MS = 1_000;
export const RETRY_MAX_MS = 60_000;

export function nextTokenStep(lease: TokenLease, canLogin: boolean): TokenStep {
  const ttl = lease.ttlSeconds;
  if (ttl <= 0) return { action: 'stop', why: 'the token does not expire' };
  const inMs = (ttl * 1000) / 2;
  if (lease.renewable && !lease.capped) return { action: 'renew', inMs, why: 'half the TTL' };
  const limit = lease.renewable ? 'the token nears its max TTL' : 'the token is not renewable';
  if (canLogin) return { action: 'login', inMs, why: limit };
  return { action: 'stop', why: `${limit}; it expires in ${ttl} s` };
}

/**
 * After a failed renewal or login. `refused`: Vault answered and said no (4xx: a revoked or
 * expired token, bad credentials); otherwise Vault was unavailable and the same step is
 * retried with backoff. `remainingMs` is what the current token has left.
 */
export function stepAfterFailure(
  failed: 'renew' | 'login',
  refused: boolean,
  remainingMs: number,
  attempt: number,
  canLogin: boolean,
): TokenStep {
  if (refused) {
    if (failed === 'login') return { action: 'stop', why: 'Vault refused the login' };
    if (canLogin) return { action: 'login', inMs: 0, why: 'Vault refused to renew the token' };
    return { action: 'stop', why: 'Vault refused to renew the token' };
  }
  const backoff = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** attempt);
  if (failed === 'login') return { action: 'login', inMs: backoff, why: 'Vault was unavailable' };
  if (remainingMs <= 0) {
    return canLogin ? { action: 'login', inMs: backoff, why: 'the token expired' } : { action: 'stop', why: 'the token expired' };
  }
  // Keep a try before the token runs out.
  return { action: 'renew', inMs: Math.min(backoff, Math.max(RETRY_MIN_MS, remainingMs / 2)), why: 'Vault was unavailable' };
}
