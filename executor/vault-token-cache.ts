/**
 * VAULT_TOKEN_FILE as sidecar-executor used it with userpass: a token cache shared by the
 * executors of a host, so that a burst of launches does not mint a token each. A cached token is
 * reused while it is fresh (written less than VAULT_TTL minus an hour ago) and Vault still takes
 * it; otherwise the executor logs in and writes the new token back, mode 0600.
 */
import fs from 'node:fs/promises';

/** sidecar-executor's margin: a token within an hour of its TTL is not reused. */
export const TOKEN_GRACE_SECONDS = 3600;
/** Asked on top of VAULT_TTL when renewing a new token, so that it outlives a slow launch. */
export const STARTUP_GRACE_SECONDS = 600;

/** Whether a token written at `writtenAtMs` may still be reused at `nowMs`. Pure. */
export function cachedTokenFresh(writtenAtMs: number, nowMs: number, ttlSeconds: number): boolean {
  return nowMs - writtenAtMs < (ttlSeconds - TOKEN_GRACE_SECONDS) * 1000;
}

/** The cached token when fresh; undefined when absent, stale or empty (then log in). */
export async function readCachedToken(file: string, ttlSeconds: number, nowMs = Date.now()): Promise<string | undefined> {
  try {
    const stat = await fs.stat(file);
    if (!cachedTokenFresh(stat.mtimeMs, nowMs, ttlSeconds)) return undefined;
    return (await fs.readFile(file, 'utf8')).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Writes the token for the host's other executors: a new file, renamed over the old one, 0600. */
export async function writeCachedToken(file: string, token: string): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  await fs.writeFile(temp, token, { mode: 0o600 });
  await fs.chmod(temp, 0o600);
  await fs.rename(temp, file);
}
