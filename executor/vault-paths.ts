/**
 * Pure parts of secret resolution: `vault://<path>?key=<key>` references, the per-service
 * allow-list, and where a path lives on a KV v1 or v2 mount.
 */

export interface SecretRef {
  /** Mount-relative path as written, without leading or trailing slashes. */
  path: string;
  key: string;
}

export class SecretRefError extends Error {}

const VAULT_SCHEME = 'vault://';

export function isVaultRef(value: string): boolean {
  return value.startsWith(VAULT_SCHEME);
}

/** Parses `vault://secret/data/app?key=password`; the key defaults to `value`. */
export function parseVaultRef(value: string): SecretRef {
  if (!isVaultRef(value)) throw new SecretRefError(`'${value}' is not a vault:// reference`);
  const rest = value.slice(VAULT_SCHEME.length);
  const q = rest.indexOf('?');
  const rawPath = q === -1 ? rest : rest.slice(0, q);
  const params = new URLSearchParams(q === -1 ? '' : rest.slice(q + 1));
  const path = normalizePath(decodeURIComponent(rawPath));
  if (!path) throw new SecretRefError(`vault reference '${value}' has no path; write vault://<mount>/<path>?key=<key>`);
  const key = params.get('key') ?? 'value';
  if (!key) throw new SecretRefError(`vault reference vault://${path} has an empty key; omit ?key= for the default key 'value'`);
  return { path, key };
}

export function normalizePath(path: string): string {
  const segments = path.split('/').filter((s) => s !== '');
  if (segments.some((s) => s === '..' || s === '.')) {
    throw new SecretRefError(`vault path '${path}' must not contain '.' or '..' segments`);
  }
  return segments.join('/');
}

export interface TaskIdentity {
  service: string;
  environment: string;
}

/** Expands `{service}` and `{environment}` in the comma-separated allow-list. */
export function expandAllowList(template: string, task: TaskIdentity): string[] {
  return template
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .map((p) => p.replaceAll('{service}', task.service).replaceAll('{environment}', task.environment))
    .map((p) => p.replace(/^\/+/, ''));
}

export function isAllowed(path: string, prefixes: readonly string[]): boolean {
  return prefixes.some((prefix) => path.startsWith(prefix));
}

/**
 * Before Vault is asked anything: could `path` be allowed under some KV v2 reading of it
 * (`<mount>/data/<rest>` and `<mount>/<rest>` name the same secret, for any mount depth)?
 * A path that fails this is refused without a request; the exact check follows the mount lookup.
 */
export function couldBeAllowed(path: string, prefixes: readonly string[]): boolean {
  const segments = path.split('/');
  const candidates = [path];
  for (let i = 1; i < segments.length; i++) {
    if (segments[i] === 'data') candidates.push([...segments.slice(0, i), ...segments.slice(i + 1)].join('/'));
    else candidates.push([...segments.slice(0, i), 'data', ...segments.slice(i)].join('/'));
  }
  return candidates.some((c) => isAllowed(c, prefixes));
}

export interface MountInfo {
  /** Mount path with its trailing slash, e.g. `secret/`. */
  path: string;
  version: 1 | 2;
}

export interface KvLocation {
  /** The API path to GET (without `/v1/`). */
  readPath: string;
  /** Every name the same secret goes by, for the allow-list (`secret/data/app`, `secret/app`). */
  aliases: string[];
}

/**
 * KV v2 keeps data under `<mount>/data/`; the Vault CLI accepts `secret/app` and inserts it,
 * and Griddle also accepts the API form `secret/data/app`.
 */
export function kvLocation(path: string, mount: MountInfo): KvLocation {
  if (mount.version === 1) return { readPath: path, aliases: [path] };
  const mountPath = mount.path.replace(/\/+$/, '');
  const relative = path === mountPath ? '' : path.slice(mountPath.length + 1);
  const inner = relative.startsWith('data/') ? relative.slice('data/'.length) : relative;
  const readPath = `${mountPath}/data/${inner}`;
  return { readPath, aliases: [readPath, `${mountPath}/${inner}`] };
}

/** How a reference is named in errors and logs: never with its value. */
export function describeRef(ref: SecretRef): string {
  return `vault://${ref.path}?key=${ref.key}`;
}
