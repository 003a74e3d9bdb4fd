/**
 * Credentials for pulling from a private registry, found as `docker pull` finds them on the
 * agent: `$DOCKER_CONFIG/config.json` (default `~/.docker/config.json`), `credHelpers` for the
 * registry, else `credsStore`, else the base64 `auth` of `auths`. A deploy may instead name a
 * credential in Vault (EXECUTOR_REGISTRY_AUTH), so that no registry password sits in a spec.
 * The lookup is pure; running `docker-credential-<name> get` is the one I/O step.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface RegistryAuth {
  username?: string;
  password?: string;
  /** An OAuth refresh token from a credential helper that answered Username `<token>`. */
  identitytoken?: string;
  serveraddress: string;
}

export interface DockerConfigFile {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

const DOCKER_HUB = 'docker.io';
const HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/** The registry of an image reference, as Docker reads it: a first component with '.' or ':' or `localhost`. */
export function registryOf(image: string): string {
  const slash = image.indexOf('/');
  if (slash === -1) return DOCKER_HUB;
  const first = image.slice(0, slash);
  if (first.includes('.') || first.includes(':') || first === 'localhost') return HUB_ALIASES.has(first) ? DOCKER_HUB : first;
  return DOCKER_HUB;
}

/** A config key (`https://host:port/v1/`, `host:port`) reduced to `host:port`; Docker Hub's keys to `docker.io`. */
export function normalizeRegistryKey(key: string): string {
  const host = key.replace(/^[a-z]+:\/\//i, '').split('/')[0];
  return HUB_ALIASES.has(host) ? DOCKER_HUB : host;
}

/** The server address Docker sends with Hub credentials; others go as the registry's host. */
function serverAddress(registry: string): string {
  return registry === DOCKER_HUB ? 'https://index.docker.io/v1/' : registry;
}

export type ConfigLookup =
  | { kind: 'helper'; helper: string; serverUrl: string }
  | { kind: 'auth'; auth: RegistryAuth }
  | { kind: 'none' };

/** What config.json says about `registry`: a helper to ask, a stored credential, or nothing. */
export function lookupDockerConfig(config: DockerConfigFile, registry: string): ConfigLookup {
  const helpers = Object.entries(config.credHelpers ?? {}).find(([k]) => normalizeRegistryKey(k) === registry);
  if (helpers) return { kind: 'helper', helper: helpers[1], serverUrl: helpers[0] };
  const stored = Object.entries(config.auths ?? {}).find(([k]) => normalizeRegistryKey(k) === registry);
  if (config.credsStore) return { kind: 'helper', helper: config.credsStore, serverUrl: stored?.[0] ?? serverAddress(registry) };
  if (!stored) return { kind: 'none' };
  const entry = stored[1];
  if (entry.identitytoken) return { kind: 'auth', auth: { identitytoken: entry.identitytoken, serveraddress: serverAddress(registry) } };
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const i = decoded.indexOf(':');
    if (i > 0) return { kind: 'auth', auth: { username: decoded.slice(0, i), password: decoded.slice(i + 1), serveraddress: serverAddress(registry) } };
  }
  if (entry.username && entry.password !== undefined) {
    return { kind: 'auth', auth: { username: entry.username, password: entry.password, serveraddress: serverAddress(registry) } };
  }
  return { kind: 'none' };
}

/** A credential helper's `get` answer: `{ ServerURL, Username, Secret }`. */
export function helperAnswer(stdout: string, registry: string): RegistryAuth | undefined {
  let parsed: { Username?: unknown; Secret?: unknown };
  try {
    parsed = JSON.parse(stdout) as { Username?: unknown; Secret?: unknown };
  } catch {
    return undefined;
  }
  if (typeof parsed.Secret !== 'string' || parsed.Secret === '') return undefined;
  if (parsed.Username === '<token>') return { identitytoken: parsed.Secret, serveraddress: serverAddress(registry) };
  return { username: typeof parsed.Username === 'string' ? parsed.Username : '', password: parsed.Secret, serveraddress: serverAddress(registry) };
}

/**
 * The credential a Vault secret holds: a JSON object with `username` and `password` (the whole
 * KV entry, read with `?key=` naming a key whose value is such an object) or `user:password`.
 */
export function parseRegistrySecret(value: string, registry: string): RegistryAuth {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    parsed = undefined;
  }
  if (typeof parsed === 'object' && parsed !== null) {
    const o = parsed as { username?: unknown; password?: unknown };
    if (typeof o.username === 'string' && typeof o.password === 'string') {
      return { username: o.username, password: o.password, serveraddress: serverAddress(registry) };
    }
  }
  const i = value.indexOf(':');
  if (i <= 0) throw new Error('EXECUTOR_REGISTRY_AUTH: the secret must be user:password or {"username": ..., "password": ...}');
  return { username: value.slice(0, i), password: value.slice(i + 1), serveraddress: serverAddress(registry) };
}

/** `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`; undefined when absent or unreadable. */
export function readDockerConfig(dir: string | undefined): DockerConfigFile | undefined {
  const file = path.join(dir ?? path.join(os.homedir(), '.docker'), 'config.json');
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as DockerConfigFile;
  } catch {
    return undefined;
  }
}

/** Runs `docker-credential-<helper> get`; undefined when the helper is missing or has nothing. */
export async function askHelper(helper: string, serverUrl: string, registry: string, timeoutMs = 10_000): Promise<RegistryAuth | undefined> {
  // Loaded only when a helper is configured: every MB counts in the executor (docs/executor.md#footprint).
  const { execFile } = await import('node:child_process');
  return new Promise((resolve) => {
    const child = execFile(`docker-credential-${helper}`, ['get'], { timeout: timeoutMs }, (err, stdout) => {
      resolve(err ? undefined : helperAnswer(stdout, registry));
    });
    child.stdin?.end(serverUrl);
  });
}

/** The agent's credential for the image's registry, as `docker pull` would use it. */
export async function agentRegistryAuth(image: string, dockerConfigDir: string | undefined): Promise<RegistryAuth | undefined> {
  const config = readDockerConfig(dockerConfigDir);
  if (!config) return undefined;
  const registry = registryOf(image);
  const found = lookupDockerConfig(config, registry);
  if (found.kind === 'auth') return found.auth;
  if (found.kind === 'none') return undefined;
  const fromHelper = await askHelper(found.helper, found.serverUrl, registry);
  if (fromHelper) return fromHelper;
  // A credsStore that knows nothing of this registry: the file's own entry, as Docker falls back.
  const fallback = lookupDockerConfig({ auths: config.auths }, registry);
  return fallback.kind === 'auth' ? fallback.auth : undefined;
}
