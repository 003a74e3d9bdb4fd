/**
 * Resolves `vault://` environment values with node-vault just before a container is created,
 * and keeps the token alive while the task runs (vault-token-keeper.ts). Values live only in the
 * returned map: they are never logged, and every error names the path and key but not a value.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../common';
import type { VaultSettings } from './config';
import { refuseModule } from './module-stubs';
import { VaultTokenKeeper } from './vault-token-keeper';
import type { TokenLease } from './vault-token-policy';
import { readCachedToken, STARTUP_GRACE_SECONDS, writeCachedToken } from './vault-token-cache';
import { readTlsFiles, vaultTransportWith, type TlsFiles } from './vault-transport';
import { couldBeAllowed, describeRef, isAllowed, kvLocation, type MountInfo, type SecretRef } from './vault-paths';

export class SecretResolveError extends Error {}

export interface ResolvedSecrets {
  /** env name → value */
  values: Map<string, string>;
  /** Renews the token (or logs in again) until stopped; stop it when the task ends. */
  tokenKeeper: VaultTokenKeeper | null;
}

export interface SecretRequest {
  /** The env variable whose value is the reference. */
  name: string;
  ref: SecretRef;
}

/** The subset of node-vault's client this adapter calls (its own typings use `any`). */
interface VaultClient {
  token: string;
  read(path: string): Promise<unknown>;
  tokenLookupSelf(): Promise<unknown>;
  tokenRenewSelf(args?: { increment?: number }): Promise<unknown>;
  approleLogin(args: { role_id: string; secret_id: string; mount_point?: string }): Promise<unknown>;
  userpassLogin(args: { username: string; password: string; mount_point?: string }): Promise<unknown>;
}

type Json = Record<string, unknown>;
const asObject = (v: unknown): Json => (typeof v === 'object' && v !== null ? (v as Json) : {});

/** A short cause for an error without echoing a response body (which could hold a value). */
function cause(err: unknown, settings: VaultSettings): string {
  const e = err as { response?: { statusCode?: number }; code?: string; message?: string };
  const status = e.response?.statusCode;
  if (status === 403) return 'permission denied (403)';
  if (status === 404) return 'not found (404)';
  if (status === 503) return `Vault at ${settings.addr} is unavailable or sealed (503)`;
  if (status) return `Vault answered ${status}`;
  if (e.code) return `Vault at ${settings.addr} is unreachable (${e.code})`;
  return `Vault request failed (${e.message?.split('\n')[0] ?? 'unknown error'})`;
}

interface Login {
  method: 'VAULT_TOKEN' | 'VAULT_TOKEN_FILE' | 'approle' | 'userpass';
  /** The `auth` block of an AppRole or userpass login. */
  auth?: Json;
}

/**
 * VAULT_TOKEN_FILE with userpass credentials is a cache (vault-token-cache.ts): a fresh cached
 * token that Vault still takes is used; otherwise a userpass login whose token is renewed to
 * VAULT_TTL (+10 min) and written back. `fresh` (a re-login of the token keeper) skips the cache.
 */
async function cachedOrUserpass(client: VaultClient, settings: VaultSettings, file: string, fresh: boolean, log?: Logger): Promise<Login> {
  const cached = fresh ? undefined : await readCachedToken(file, settings.ttlSeconds);
  if (cached) {
    client.token = cached;
    try {
      await client.tokenLookupSelf();
      log?.info({ file }, 're-using the Vault token from VAULT_TOKEN_FILE');
      return { method: 'VAULT_TOKEN_FILE' };
    } catch (err) {
      log?.warn({ file, cause: cause(err, settings) }, 'the cached Vault token is not valid; logging in again');
    }
  }
  const login = await userpassLogin(client, settings, settings.username as string, settings.password as string);
  try {
    const renewed = asObject(asObject(await client.tokenRenewSelf({ increment: settings.ttlSeconds + STARTUP_GRACE_SECONDS })).auth);
    if (Object.keys(renewed).length) login.auth = renewed;
  } catch (err) {
    log?.warn({ cause: cause(err, settings) }, 'could not renew the new Vault token to VAULT_TTL');
  }
  try {
    await writeCachedToken(file, client.token);
  } catch (err) {
    log?.warn({ file, cause: (err as NodeJS.ErrnoException).code }, 'cannot write VAULT_TOKEN_FILE');
  }
  return login;
}

async function userpassLogin(client: VaultClient, settings: VaultSettings, username: string, password: string): Promise<Login> {
  try {
    const res = await client.userpassLogin({ username, password, mount_point: settings.userpassMount });
    return { method: 'userpass', auth: asObject(asObject(res).auth) };
  } catch (err) {
    throw new SecretResolveError(`userpass login for ${username} at auth/${settings.userpassMount} failed: ${cause(err, settings)}`, { cause: err });
  }
}

async function login(client: VaultClient, settings: VaultSettings, fresh = false, log?: Logger): Promise<Login> {
  if (settings.token) {
    client.token = settings.token;
    return { method: 'VAULT_TOKEN' };
  }
  if (settings.tokenFile && settings.username && settings.password) return cachedOrUserpass(client, settings, settings.tokenFile, fresh, log);
  if (settings.tokenFile) {
    let token: string;
    try {
      token = (await fs.readFile(settings.tokenFile, 'utf8')).trim();
    } catch (err) {
      throw new SecretResolveError(`cannot read VAULT_TOKEN_FILE ${settings.tokenFile}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
    }
    if (!token) throw new SecretResolveError(`VAULT_TOKEN_FILE ${settings.tokenFile} is empty`);
    client.token = token;
    return { method: 'VAULT_TOKEN_FILE' };
  }
  if (settings.roleId && settings.secretId) {
    try {
      const res = await client.approleLogin({ role_id: settings.roleId, secret_id: settings.secretId, mount_point: settings.approleMount });
      return { method: 'approle', auth: asObject(asObject(res).auth) };
    } catch (err) {
      throw new SecretResolveError(`AppRole login at auth/${settings.approleMount} failed: ${cause(err, settings)}`, { cause: err });
    }
  }
  if (settings.username && settings.password) return userpassLogin(client, settings, settings.username, settings.password);
  throw new SecretResolveError(
    'no Vault credentials: set VAULT_TOKEN, VAULT_TOKEN_FILE, VAULT_ROLE_ID and VAULT_SECRET_ID, or VAULT_USERNAME and VAULT_PASSWORD',
  );
}

/** A renewal's or login's `auth` block as a lease; `fullTtl` is the TTL the token was given. */
function leaseOf(auth: Json, fullTtl: number): TokenLease {
  const ttl = Number(auth.lease_duration) || 0;
  return { ttlSeconds: ttl, renewable: auth.renewable === true, capped: ttl < fullTtl };
}

/**
 * Renews a renewable token at launch, so that a host-wide token (VAULT_TOKEN_FILE) does not
 * expire between launches; returns its lease and the TTL a renewal gives in full.
 */
async function renewAtLaunch(client: VaultClient, settings: VaultSettings, log: Logger): Promise<{ lease: TokenLease; fullTtl: number }> {
  let info: Json;
  try {
    info = asObject(asObject(await client.tokenLookupSelf()).data);
  } catch (err) {
    throw new SecretResolveError(`Vault token lookup failed: ${cause(err, settings)}`);
  }
  const fullTtl = Number(info.creation_ttl) || 0;
  const lease: TokenLease = { ttlSeconds: Number(info.ttl) || 0, renewable: info.renewable === true, capped: false };
  if (!lease.renewable || !(lease.ttlSeconds > 0)) return { lease, fullTtl };
  try {
    const renewed = leaseOf(asObject(asObject(await client.tokenRenewSelf()).auth), fullTtl);
    log.debug({ ttl: renewed.ttlSeconds }, 'renewed Vault token');
    return { lease: renewed, fullTtl };
  } catch (err) {
    // A failed renewal leaves a still-valid token; reading can go on.
    log.warn({ cause: cause(err, settings) }, 'Vault token renewal failed');
    return { lease, fullTtl };
  }
}

/** The token keeper's calls to Vault through node-vault. */
function keeperFor(client: VaultClient, settings: VaultSettings, fullTtl: number, canLogin: boolean, log: Logger): VaultTokenKeeper {
  let full = fullTtl;
  return new VaultTokenKeeper({
    renew: async () => leaseOf(asObject(asObject(await client.tokenRenewSelf()).auth), full),
    login: async () => {
      const auth = (await login(client, settings, true, log)).auth ?? {};
      full = Number(auth.lease_duration) || 0;
      return leaseOf(auth, full);
    },
    refused: (err) => {
      const status = (((err as Error).cause ?? err) as { response?: { statusCode?: number } }).response?.statusCode ?? 0;
      return status >= 400 && status < 500;
    },
    describe: (err) => (err instanceof SecretResolveError ? err.message : cause(err, settings)),
  }, canLogin, log);
}

async function mountOf(client: VaultClient, path: string, settings: VaultSettings, what: string): Promise<MountInfo> {
  let data: Json;
  try {
    data = asObject(asObject(await client.read(`sys/internal/ui/mounts/${path}`)).data);
  } catch (err) {
    throw new SecretResolveError(`${what}: mount lookup failed: ${cause(err, settings)}`);
  }
  const type = data.type;
  if (type !== 'kv' && type !== 'generic') throw new SecretResolveError(`${what}: not on a KV secrets engine (mount type ${String(type)})`);
  const version = String(asObject(data.options).version ?? '1') === '2' ? 2 : 1;
  return { path: String(data.path ?? ''), version };
}

export async function resolveSecrets(
  requests: readonly SecretRequest[],
  allowList: readonly string[],
  settings: VaultSettings,
  log: Logger,
): Promise<ResolvedSecrets> {
  const values = new Map<string, string>();
  if (requests.length === 0) return { values, tokenKeeper: null };
  for (const { name, ref } of requests) {
    if (!couldBeAllowed(ref.path, allowList)) {
      throw new SecretResolveError(`${name}=${describeRef(ref)}: path is outside this service's allow-list (${allowList.join(', ')})`);
    }
  }
  // node-vault is loaded only for tasks that have secrets, and given its own transport
  // (vault-transport.ts): axios, which it requires at load time but then never calls, is
  // replaced by a stub so that it is not loaded at all.
  const nodeVaultDir = path.dirname(require.resolve('node-vault'));
  refuseModule(require.resolve('axios', { paths: [nodeVaultDir] }), "node-vault's axios transport");
  let tls: TlsFiles | undefined;
  try {
    tls = settings.addr.startsWith('https:') ? readTlsFiles(settings.tls) : undefined;
  } catch (err) {
    throw new SecretResolveError(`Vault TLS: ${(err as Error).message}`);
  }
  const { default: nodeVault } = await import('node-vault');
  const client = nodeVault({
    endpoint: settings.addr,
    namespace: settings.namespace,
    'request-promise': vaultTransportWith(tls),
    requestOptions: { timeout: settings.timeoutMs },
  }) as unknown as VaultClient;
  let method: Login['method'];
  let renewal: { lease: TokenLease; fullTtl: number };
  try {
    method = (await login(client, settings, false, log)).method;
    renewal = await renewAtLaunch(client, settings, log);
  } catch (err) {
    const names = requests.map((r) => `${r.name}=${describeRef(r.ref)}`).join(', ');
    throw new SecretResolveError(`${names}: ${(err as Error).message}`, { cause: err });
  }
  log.info({ method, secrets: requests.map((r) => describeRef(r.ref)) }, 'resolving Vault secrets');

  const mounts = new Map<string, MountInfo>();
  for (const { name, ref } of requests) {
    const what = `${name}=${describeRef(ref)}`;
    const cached = [...mounts.values()].find((m) => ref.path.startsWith(m.path));
    const mount = cached ?? (await mountOf(client, ref.path, settings, what));
    mounts.set(mount.path, mount);
    const location = kvLocation(ref.path, mount);
    if (!location.aliases.some((alias) => isAllowed(alias, allowList))) {
      throw new SecretResolveError(`${what}: path is outside this service's allow-list (${allowList.join(', ')})`);
    }
    let body: Json;
    try {
      body = asObject(await client.read(location.readPath));
    } catch (err) {
      throw new SecretResolveError(`${what}: read of ${location.readPath} failed: ${cause(err, settings)}`);
    }
    const data = mount.version === 2 ? asObject(asObject(body.data).data) : asObject(body.data);
    const value = data[ref.key];
    if (value === undefined || value === null) throw new SecretResolveError(`${what}: key '${ref.key}' not found at ${location.readPath}`);
    values.set(name, typeof value === 'string' ? value : JSON.stringify(value));
  }
  const canLogin = method === 'approle' || method === 'userpass' || (method === 'VAULT_TOKEN_FILE' && Boolean(settings.username && settings.password));
  const tokenKeeper = keeperFor(client, settings, renewal.fullTtl, canLogin, log);
  tokenKeeper.start(renewal.lease);
  return { values, tokenKeeper };
}
